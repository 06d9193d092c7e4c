#include "server/feeds/feed_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "scanner/feeds/default_sources.hpp"
#include "scanner/feeds/load.hpp"
#include "scanner/feeds/mirror.hpp"
#include "scanner/matching/match.hpp"

namespace regscand::server::feeds {
namespace {

// `text` with every occurrence of `from` replaced by `to`.
std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

scanner::feeds::FetchOptions fetch_options(const config::Config& config) {
  scanner::feeds::FetchOptions options;
  options.scratch_dir = config.data_dir / "scratch";
  return options;
}

std::vector<std::string> effective_sources(const config::Config& config) {
  return scanner::feeds::expand_sources(config.feeds.sources);
}

FeedService::FeedService(storage::AdvisoryStore& advisories, storage::InventoryStore& inventories,
                         storage::FindingStore& findings, scanner::feeds::FetchOptions fetch,
                         std::string mirror)
    : advisories_(advisories),
      inventories_(inventories),
      findings_(findings),
      fetch_(std::move(fetch)),
      mirror_(std::move(mirror)),
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

void FeedService::import_one(const std::string& source, bool force, SourceReport& r,
                             std::set<std::string>& names) {
  r.source = scanner::feeds::redact_source(source);
  const auto record = [&](std::string error) {
    r.error = std::move(error);
    if (auto recorded = advisories_.record_failure(r.source, r.kind.empty() ? "unknown" : r.kind, r.error);
        !recorded) {
      spdlog::warn("feeds: recording the failure of {} failed: {}", r.source, recorded.error().message);
    }
  };
  const auto checked = [&] {
    r.skipped = true;
    if (auto marked = advisories_.mark_checked(r.source); !marked) {
      spdlog::warn("feeds: {}: recording the check failed: {}", r.source, marked.error().message);
    }
  };
  auto location = scanner::feeds::mirror_source(source, mirror_);
  if (!location) return record(location.error().message);
  std::optional<scanner::feeds::FetchedFile> fetched;  // a URL's body; removed when this returns
  std::filesystem::path path = *location;
  if (scanner::feeds::is_url_source(*location)) {
    scanner::feeds::Validators known;
    if (!force) {
      auto stored = advisories_.validators(r.source);
      if (stored) known = std::move(*stored);  // else ask unconditionally
    }
    auto got = scanner::feeds::fetch_feed(*location, known, fetch_);
    if (!got && fetch_.stop.stop_requested()) {
      r.error = got.error().message;  // shutting down: not the source's failure
      return;
    }
    if (!got) return record(got.error().message);
    if (got->not_modified) return checked();
    fetched = std::move(got->file);
    path = fetched->path();
  }
  // Messages about the scratch file name the URL it came from, whether they give its path or (the zip
  // readers: "osv: feed-Ab12Cd-all.zip/GO-1.json: ...") only its name.
  const auto shown = [&](std::string message) {
    if (!fetched) return message;
    return replace_all(replace_all(std::move(message), path.string(), r.source), path.filename().string(),
                       r.source);
  };
  auto fingerprint = scanner::feeds::fingerprint_source(path);
  if (!fingerprint) return record(shown(fingerprint.error().message));
  if (!force) {
    auto stored = advisories_.fingerprint(r.source);
    if (stored && *stored && **stored == *fingerprint) {
      checked();
      if (!fetched) return;
      if (auto kept = advisories_.remember_validators(r.source, fetched->validators()); !kept) {
        spdlog::warn("feeds: {}: storing ETag/Last-Modified failed: {}", r.source, kept.error().message);
      }
      return;
    }
  }
  auto loaded = scanner::feeds::load_feed(path);
  if (!loaded) return record(shown(loaded.error().message));
  r.kind = loaded->kind;
  r.rejected = loaded->result.rejected.size();
  for (const auto& rejected : loaded->result.rejected) {
    spdlog::warn("feeds: {}: rejected {}: {}", r.source, rejected.where, rejected.reason);
  }
  r.warnings = loaded->result.warnings.size();
  constexpr std::size_t kWarningsLogged = 5;
  for (std::size_t i = 0; i < std::min(r.warnings, kWarningsLogged); ++i) {
    const auto& warning = loaded->result.warnings[i];
    spdlog::warn("feeds: {}: {}: {}", r.source, warning.where, warning.message);
  }
  if (r.warnings > kWarningsLogged) {
    spdlog::warn("feeds: {}: {} more records taken with a warning", r.source, r.warnings - kWarningsLogged);
  }
  auto diff = advisories_.replace(storage::FeedImport{r.source, loaded->kind, loaded->fingerprint,
                                                      std::move(loaded->result.advisories), r.rejected},
                                  fetched ? fetched->validators() : scanner::feeds::Validators{});
  if (!diff) return record(diff.error().message);
  r.diff = std::move(*diff);
  names.insert(r.diff.names.begin(), r.diff.names.end());
}

ImportReport FeedService::import(const std::vector<std::string>& sources, bool force) {
  ImportReport report;
  std::set<std::string> names;
  for (const auto& source : sources) {
    if (fetch_.stop.stop_requested()) break;
    SourceReport r;
    import_one(source, force, r, names);
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
  // Only the packages a changed advisory names are matched again, a batch of images per statement; the
  // findings of every other package stay as they are.
  constexpr std::size_t kBatch = 500;
  auto holdings = inventories_.holdings(names);
  if (!holdings) return std::unexpected(std::move(holdings).error());
  const auto index = this->index();
  RematchReport report;
  for (std::size_t first = 0; first < holdings->size(); first += kBatch) {
    std::vector<storage::ScopedMatch> batch;
    for (std::size_t i = first; i < std::min(first + kBatch, holdings->size()); ++i) {
      const auto& holding = (*holdings)[i];
      batch.push_back({&holding, scanner::matching::match_inventory(*index, holding.inventory, matchers_)});
    }
    auto change = findings_.replace_scoped(batch);
    if (!change) return std::unexpected(std::move(change).error());
    report.images += batch.size();
    report.new_findings += change->added;
    report.resolved_findings += change->resolved;
  }
  return report;
}

}  // namespace regscand::server::feeds
