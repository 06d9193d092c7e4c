#include "server/jobs/scan_handler.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "scanner/registry/client.hpp"

namespace regscand::server::jobs {
namespace {

class ScanHandler {
 public:
  ScanHandler(const config::Config& config, storage::ManifestStore& manifests, storage::ScanStore& scans,
              ScanOptions options)
      : config_(config), manifests_(manifests), scans_(scans), options_(std::move(options)) {}

  // Runs one attempt inside a scan row; the row is closed with the attempt's outcome (a failure to record
  // it is logged: the job's own result is what the queue keeps).
  Result<std::string> operator()(const storage::Job& job) const {
    const storage::ManifestKey key{job.registry, job.repository, job.digest};
    auto scan_id = scans_.start(key, job.id, current_analyzers());
    if (!scan_id) return std::unexpected(std::move(scan_id).error());
    storage::ScanFigures figures;
    auto result = attempt(job, figures);
    auto closed = scans_.finish(*scan_id, figures,
                                result ? std::string_view() : std::string_view(result.error().message));
    if (!closed) spdlog::warn("scan #{}: recording the outcome failed: {}", *scan_id, closed.error().message);
    return result;
  }

 private:
  Result<std::string> attempt(const storage::Job& job, storage::ScanFigures& figures) const {
    const storage::ManifestKey key{job.registry, job.repository, job.digest};
    const config::RegistryConfig* registry = config_.find_registry(job.registry);
    if (registry == nullptr) {
      return fail(ErrorCode::FailedPrecondition, "registry \"" + job.registry + "\" is no longer configured");
    }
    auto record = manifests_.get(key);
    if (!record) return std::unexpected(std::move(record).error());
    if (*record && (*record)->deleted) return skipped("manifest deleted");

    auto client = scanner::registry::RegistryClient::create(*registry);
    if (!client) return std::unexpected(std::move(client).error());
    const auto started = std::chrono::steady_clock::now();
    auto head = resolve(*client, job);
    figures.resolve =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (!head) return std::unexpected(std::move(head).error());
    figures.bytes_fetched = head->size;
    if (head->schema1) {
      return fail(ErrorCode::Unimplemented,
                  "unsupported manifest: Docker schema 1 (" + head->media_type + ")");
    }

    const storage::Resolved resolved{head->media_type, static_cast<std::int64_t>(head->size),
                                     current_analyzers()};
    auto recorded = manifests_.record_resolved(key, resolved);
    if (!recorded) return std::unexpected(std::move(recorded).error());
    if (!*recorded) return skipped("manifest deleted during the scan");
    return nlohmann::json{{"digest", head->digest.str()},
                          {"media_type", head->media_type},
                          {"size", head->size},
                          {"analyzers", current_analyzers()}}
        .dump();
  }

  static Result<std::string> skipped(std::string_view reason) {
    return nlohmann::json{{"skipped", reason}}.dump();
  }

  Result<scanner::registry::ManifestHead> resolve(scanner::registry::RegistryClient& client,
                                                  const storage::Job& job) const {
    for (int tries = 1;; ++tries) {
      auto head = client.resolve_manifest(job.repository, job.digest);
      if (head || head.error().code != ErrorCode::NotFound || tries >= options_.not_found_attempts)
        return head;
      spdlog::debug("scan #{}: {}@{} not found yet (attempt {})", job.id, job.repository, job.digest, tries);
      if (options_.sleep) {
        options_.sleep(options_.not_found_delay);
      } else {
        std::this_thread::sleep_for(options_.not_found_delay);
      }
    }
  }

  const config::Config& config_;
  storage::ManifestStore& manifests_;
  storage::ScanStore& scans_;
  ScanOptions options_;
};

}  // namespace

std::string current_analyzers() {
  return "manifest/1";
}

JobHandler make_scan_handler(const config::Config& config, storage::ManifestStore& manifests,
                             storage::ScanStore& scans, ScanOptions options) {
  return ScanHandler(config, manifests, scans, std::move(options));
}

}  // namespace regscand::server::jobs
