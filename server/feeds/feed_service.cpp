#include "server/feeds/feed_service.hpp"

#include <spdlog/spdlog.h>

#include "scanner/feeds/load.hpp"
#include "scanner/matching/match.hpp"

namespace regscand::server::feeds {
namespace {

bool is_url(std::string_view source) {
  return source.starts_with("http://") || source.starts_with("https://");
}

}  // namespace

FeedService::FeedService(storage::AdvisoryStore& advisories, storage::InventoryStore& inventories,
                         storage::FindingStore& findings)
    : advisories_(advisories),
      inventories_(inventories),
      findings_(findings),
      matchers_(scanner::ecosystems::builtin_matchers()),
      index_(std::make_shared<const scanner::matching::AdvisoryIndex>()) {}

Result<std::size_t> FeedService::load() {
  auto all = advisories_.load_all();
  if (!all) return std::unexpected(std::move(all).error());
  const auto count = all->size();
  auto index = std::make_shared<const scanner::matching::AdvisoryIndex>(std::move(*all));
  std::lock_guard lock(mutex_);
  index_ = std::move(index);
  return count;
}

std::shared_ptr<const scanner::matching::AdvisoryIndex> FeedService::index() const {
  std::lock_guard lock(mutex_);
  return index_;
}

Result<storage::FindingsChange> FeedService::match(const storage::ManifestKey& key,
                                                   const scanner::pipeline::ImageInventory& inventory) const {
  const auto index = this->index();
  return findings_.replace(key, inventory, scanner::matching::match_inventory(*index, inventory, matchers_));
}

ImportReport FeedService::import(const std::vector<std::string>& sources, bool force) {
  ImportReport report;
  std::set<std::string> names;
  for (const auto& source : sources) {
    SourceReport r;
    r.source = source;
    const auto record = [&](std::string error) {
      r.error = std::move(error);
      if (auto recorded = advisories_.record_failure(source, r.kind.empty() ? "unknown" : r.kind, r.error);
          !recorded) {
        spdlog::warn("feeds: recording the failure of {} failed: {}", source, recorded.error().message);
      }
    };
    if (is_url(source)) {
      record("URL sources are not fetched yet: mirror the file and configure its path");
      report.sources.push_back(std::move(r));
      continue;
    }
    auto fingerprint = scanner::feeds::fingerprint_source(source);
    if (!fingerprint) {
      record(fingerprint.error().message);
      report.sources.push_back(std::move(r));
      continue;
    }
    if (!force) {
      auto stored = advisories_.fingerprint(source);
      if (stored && *stored && **stored == *fingerprint) {
        r.skipped = true;
        report.sources.push_back(std::move(r));
        continue;
      }
    }
    auto loaded = scanner::feeds::load_feed(source);
    if (!loaded) {
      record(loaded.error().message);
      report.sources.push_back(std::move(r));
      continue;
    }
    r.kind = loaded->kind;
    r.rejected = loaded->result.rejected.size();
    for (const auto& rejected : loaded->result.rejected) {
      spdlog::warn("feeds: {}: rejected {}: {}", source, rejected.where, rejected.reason);
    }
    auto diff = advisories_.replace(storage::FeedImport{source, loaded->kind, loaded->fingerprint,
                                                        std::move(loaded->result.advisories), r.rejected});
    if (!diff) {
      record(diff.error().message);
      report.sources.push_back(std::move(r));
      continue;
    }
    r.diff = std::move(*diff);
    names.insert(r.diff.names.begin(), r.diff.names.end());
    report.sources.push_back(std::move(r));
  }
  if (names.empty()) return report;
  if (auto loaded = load(); !loaded) {
    report.error = "reloading the advisory index: " + loaded.error().message;
    return report;
  }
  auto rematched = rematch(names);
  if (!rematched) {
    report.error = "re-matching: " + rematched.error().message;
    return report;
  }
  report.rematch = *rematched;
  return report;
}

Result<RematchReport> FeedService::rematch(const std::set<std::string>& names) {
  auto keys = inventories_.inventories_holding(names);
  if (!keys) return std::unexpected(std::move(keys).error());
  RematchReport report;
  for (const auto& key : *keys) {
    auto stored = inventories_.get_inventory(key);
    if (!stored) return std::unexpected(std::move(stored).error());
    if (!*stored) continue;
    scanner::pipeline::ImageInventory inventory{(*stored)->distribution, std::move((*stored)->packages)};
    auto change = match(key, inventory);
    if (!change) return std::unexpected(std::move(change).error());
    ++report.images;
    report.new_findings += change->added;
    report.resolved_findings += change->resolved;
  }
  return report;
}

}  // namespace regscand::server::feeds
