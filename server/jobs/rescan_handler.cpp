#include "server/jobs/rescan_handler.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <chrono>

#include "server/jobs/scan_handler.hpp"

namespace regscand::server::jobs {
namespace {

class RescanHandler {
 public:
  RescanHandler(RescanStores stores, feeds::FeedService* feeds, JobHandler full_scan)
      : stores_(stores), feeds_(feeds), full_scan_(std::move(full_scan)) {}

  Result<std::string> operator()(const storage::Job& job) const {
    const storage::ManifestKey key{job.registry, job.repository, job.digest};
    auto record = stores_.manifests.get(key);
    if (!record) return std::unexpected(std::move(record).error());
    if (!*record || (*record)->deleted) return nlohmann::json{{"skipped", "manifest deleted"}}.dump();
    if ((*record)->scanned_with != current_analyzers()) {
      return full_scan((*record)->scanned_with.empty() ? "never scanned" : "analyzers changed", job);
    }
    auto images = stores_.rescans.inventories_of(key);
    if (!images) return std::unexpected(std::move(images).error());
    if (images->empty()) return full_scan("no stored inventory", job);

    // Read every inventory before opening the scan row, so a fallback records one row, not two.
    std::vector<std::pair<storage::ManifestKey, storage::StoredInventory>> stored;
    for (const auto& image : *images) {
      auto inventory = stores_.inventory.get_inventory(image);
      if (!inventory) return std::unexpected(std::move(inventory).error());
      if (!*inventory) continue;
      if ((*inventory)->analyzers != current_analyzers()) return full_scan("analyzers changed", job);
      stored.emplace_back(image, std::move(**inventory));
    }
    if (stored.empty()) return full_scan("no stored inventory", job);

    auto scan_id = stores_.scans.start(key, job.id, current_analyzers(), storage::kRescanJobKind);
    if (!scan_id) return std::unexpected(std::move(scan_id).error());
    const auto started = std::chrono::steady_clock::now();
    auto result = rematch(job, stored);
    storage::ScanFigures figures;
    figures.analyze =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& [image, inventory] : stored) {
      figures.layers_total += static_cast<int>(inventory.layers.size());
      figures.layers_reused += static_cast<int>(inventory.layers.size());
      for (auto& problem : storage::problems_json(inventory.problems, inventory.layers)) {
        problem["image"] = image.digest;
        problems.push_back(std::move(problem));
      }
    }
    auto closed = stores_.scans.finish(
        *scan_id, figures, result ? std::string_view() : std::string_view(result.error().message), problems);
    if (!closed) spdlog::warn("scan #{}: recording the outcome failed: {}", *scan_id, closed.error().message);
    return result;
  }

 private:
  Result<std::string> full_scan(std::string_view reason, const storage::Job& job) const {
    spdlog::info("rescan #{}: {}/{}@{}: {}; scanning it", job.id, job.registry, job.repository, job.digest,
                 reason);
    return full_scan_(job);
  }

  Result<std::string> rematch(
      const storage::Job& job,
      const std::vector<std::pair<storage::ManifestKey, storage::StoredInventory>>& stored) const {
    nlohmann::json results = nlohmann::json::array();
    for (const auto& [image, inventory] : stored) {
      nlohmann::json findings = nullptr;
      if (feeds_ != nullptr) {
        const scanner::pipeline::ImageInventory current{inventory.distribution, inventory.packages,
                                                        inventory.problems};
        auto matched = feeds_->match(image, current);
        if (!matched) return std::unexpected(std::move(matched).error());
        findings = {{"current", matched->current}, {"new", matched->added}, {"resolved", matched->resolved}};
      }
      results.push_back({{"digest", image.digest},
                         {"platform", inventory.platform},
                         {"packages", inventory.packages.size()},
                         {"findings", std::move(findings)}});
    }
    return nlohmann::json{{"digest", job.digest},
                          {"rescan", "rematched"},
                          {"analyzers", current_analyzers()},
                          {"images", std::move(results)}}
        .dump();
  }

  RescanStores stores_;
  feeds::FeedService* feeds_;
  JobHandler full_scan_;
};

}  // namespace

JobHandler make_rescan_handler(RescanStores stores, feeds::FeedService* feeds, JobHandler full_scan) {
  return RescanHandler(stores, feeds, std::move(full_scan));
}

}  // namespace regscand::server::jobs
