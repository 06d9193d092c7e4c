#include "server/jobs/scan_handler.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "scanner/ecosystems/builtin.hpp"
#include "scanner/pipeline/layer_cache.hpp"
#include "scanner/pipeline/resolve.hpp"
#include "scanner/registry/client.hpp"
#include "storage/rescan_store.hpp"

namespace regscand::server::jobs {
namespace {

// The scans.kind of an attempt made for a job of `job_kind`.
std::string_view scan_kind(std::string_view job_kind) {
  if (job_kind == storage::kRescanJobKind || job_kind == storage::kImportJobKind) return job_kind;
  return "scan";
}

class ScanHandler {
 public:
  ScanHandler(const config::Config& config, storage::ManifestStore& manifests, storage::ScanStore& scans,
              storage::InventoryStore& inventory, ScanOptions options)
      : config_(config),
        manifests_(manifests),
        scans_(scans),
        inventory_(inventory),
        options_(std::move(options)),
        scanners_(std::make_shared<scanner::ecosystems::PackageScanners>(
            scanner::ecosystems::builtin_package_scanners())) {}

  // Runs one attempt inside a scan row; the row is closed with the attempt's outcome (a failure to record
  // it is logged: the job's own result is what the queue keeps).
  Result<std::string> operator()(const storage::Job& job) const {
    const storage::ManifestKey key{job.registry, job.repository, job.digest};
    auto scan_id = scans_.start(key, job.id, current_analyzers(), scan_kind(job.kind));
    if (!scan_id) return std::unexpected(std::move(scan_id).error());
    storage::ScanFigures figures;
    nlohmann::json problems = nlohmann::json::array();
    auto result = attempt(job, figures, problems);
    auto closed = scans_.finish(
        *scan_id, figures, result ? std::string_view() : std::string_view(result.error().message), problems);
    if (!closed) spdlog::warn("scan #{}: recording the outcome failed: {}", *scan_id, closed.error().message);
    return result;
  }

 private:
  // `problems` collects each image's (storage::problems_json), with the image's digest.
  Result<std::string> attempt(const storage::Job& job, storage::ScanFigures& figures,
                              nlohmann::json& problems) const {
    const storage::ManifestKey key{job.registry, job.repository, job.digest};
    const config::RegistryConfig* registry = config_.find_registry(job.registry);
    if (registry == nullptr) {
      return fail(ErrorCode::FailedPrecondition, "registry \"" + job.registry + "\" is no longer configured");
    }
    auto record = manifests_.get(key);
    if (!record) return std::unexpected(std::move(record).error());
    if (*record && (*record)->deleted) return skipped("manifest deleted");

    auto client = scanner::registry::RegistryClient::create(*registry, options_.client);
    if (!client) return std::unexpected(std::move(client).error());
    scanner::pipeline::RegistrySource source(std::move(*client), job.registry, job.repository);
    using Clock = std::chrono::steady_clock;
    const auto ms = [](Clock::duration d) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(d);
    };
    const auto started = Clock::now();
    auto head = resolve(source, job);
    if (!head) return std::unexpected(std::move(head).error());
    figures.bytes_fetched = head->size;
    const std::string media_type = head->media_type;
    const auto size = head->size;
    // The manifest is fetched once: resolve_images goes on from the one the wait above read.
    auto images = scanner::pipeline::resolve_images(source, std::move(*head), {.configs = &inventory_});
    if (!images) return std::unexpected(std::move(images).error());
    figures.bytes_fetched = images->bytes_fetched;
    figures.resolve = ms(Clock::now() - started);

    const auto analyzing = Clock::now();
    nlohmann::json results = nlohmann::json::array();
    for (const auto& image : images->images) {
      scanner::pipeline::ImageScanFigures image_figures;
      auto inventory =
          scanner::pipeline::inventory_image(source, image.manifest, *scanners_, inventory_, image_figures);
      if (!inventory) return std::unexpected(std::move(inventory).error());
      figures.layers_total += static_cast<int>(image.manifest.layers.size());
      figures.layers_reused += image_figures.layers_reused;
      figures.layers_fetched += image_figures.layers_fetched;
      figures.bytes_fetched += image_figures.bytes_fetched;
      std::vector<std::string> layers;
      for (const auto& layer : image.manifest.layers) layers.push_back(layer.digest.str());
      const storage::ManifestKey image_key{job.registry, job.repository, image.digest.str()};
      auto stored =
          inventory_.put_inventory(image_key, current_analyzers(), image.config.platform.str(),
                                   image.index ? image.index->str() : std::string(), *inventory, layers);
      if (!stored) return std::unexpected(std::move(stored).error());
      auto image_problems = storage::problems_json(inventory->problems, layers);
      for (auto& problem : image_problems) {
        spdlog::warn("scan #{}: {}/{}@{}: package database not fully read: {}", job.id, job.registry,
                     job.repository, image.digest.str(), problem.value("message", ""));
        problem["image"] = image.digest.str();
        problems.push_back(problem);
      }
      nlohmann::json findings = nullptr;
      if (options_.feeds != nullptr) {
        auto matched = options_.feeds->match(image_key, *inventory);
        if (!matched) return std::unexpected(std::move(matched).error());
        findings = {{"current", matched->current}, {"new", matched->added}, {"resolved", matched->resolved}};
      }
      const auto& d = inventory->distribution;
      results.push_back(
          {{"digest", image.digest.str()},
           {"platform", image.config.platform.str()},
           {"distribution", d ? nlohmann::json(d->id + " " + d->version_id) : nlohmann::json(nullptr)},
           {"packages", inventory->packages.size()},
           {"problems", inventory->problems.size()},
           {"layers_reused", image_figures.layers_reused},
           {"layers_fetched", image_figures.layers_fetched},
           {"findings", std::move(findings)}});
    }
    figures.analyze = ms(Clock::now() - analyzing);

    const storage::Resolved resolved{media_type, static_cast<std::int64_t>(size), current_analyzers()};
    auto recorded = manifests_.record_resolved(key, resolved);
    if (!recorded) return std::unexpected(std::move(recorded).error());
    if (!*recorded) return skipped("manifest deleted during the scan");
    return nlohmann::json{{"digest", job.digest},
                          {"media_type", media_type},
                          {"size", size},
                          {"analyzers", current_analyzers()},
                          {"images", std::move(results)},
                          {"skipped", images->skipped}}
        .dump();
  }

  static Result<std::string> skipped(std::string_view reason) {
    return nlohmann::json{{"skipped", reason}}.dump();
  }

  Result<scanner::registry::ManifestHead> resolve(scanner::pipeline::ImageSource& source,
                                                  const storage::Job& job) const {
    for (int tries = 1;; ++tries) {
      auto head = source.manifest(job.digest);
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
  storage::InventoryStore& inventory_;
  ScanOptions options_;
  // Shared by the copies std::function makes; scanners are pure and const.
  std::shared_ptr<const scanner::ecosystems::PackageScanners> scanners_;
};

}  // namespace

std::string current_analyzers() {
  static const std::string fingerprint = "pipeline/1;" + scanner::ecosystems::analyzers_fingerprint(
                                                             scanner::ecosystems::builtin_package_scanners());
  return fingerprint;
}

JobHandler make_scan_handler(const config::Config& config, storage::ManifestStore& manifests,
                             storage::ScanStore& scans, storage::InventoryStore& inventory,
                             ScanOptions options) {
  return ScanHandler(config, manifests, scans, inventory, std::move(options));
}

}  // namespace regscand::server::jobs
