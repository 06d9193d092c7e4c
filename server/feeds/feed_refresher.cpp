#include "server/feeds/feed_refresher.hpp"

#include <spdlog/spdlog.h>

#include "storage/advisory_lock.hpp"

namespace regscand::server::feeds {
namespace {

// What changes whenever any source is imported successfully.
std::string feed_state(const std::vector<storage::FeedSourceStatus>& sources) {
  std::string state;
  for (const auto& s : sources) state += s.source + '\n' + s.last_success_at + '\n' + s.fingerprint + '\n';
  return state;
}

}  // namespace

FeedRefresher::FeedRefresher(storage::Database& db, storage::AdvisoryStore& advisories, FeedService& service,
                             RefresherOptions options)
    : db_(db), advisories_(advisories), service_(service), options_(std::move(options)) {}

FeedRefresher::~FeedRefresher() {
  stop();
}

void FeedRefresher::start() {
  if (auto sources = advisories_.sources()) loaded_state_ = feed_state(*sources);
  thread_ = std::thread([this] { loop(); });
}

void FeedRefresher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  options_.cancel.request_stop();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FeedRefresher::loop() {
  auto next_import = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    refresh_if_due(next_import);
    reload_if_changed();
    lock.lock();
    wake_.wait_for(lock, options_.check_every, [this] { return stopping_; });
  }
}

void FeedRefresher::refresh_if_due(std::chrono::steady_clock::time_point& next_import) {
  if (options_.sources.empty() || std::chrono::steady_clock::now() < next_import) return;
  next_import = std::chrono::steady_clock::now() + options_.refresh_interval;
  ImportReport report;
  auto ran = storage::with_advisory_lock(db_, storage::AdvisoryLock::FeedImport, storage::LockWait::TryOnce,
                                         [&] { report = service_.import(options_.sources, false); });
  if (!ran) {
    spdlog::warn("feeds: refresh failed: {}", ran.error().message);
    return;
  }
  if (!*ran) {
    spdlog::info("feeds: another replica is importing; skipping this round");
    return;
  }
  for (const auto& s : report.sources) {
    if (!s.error.empty()) {
      spdlog::warn("feeds: {}: {}", s.source, s.error);
    } else if (!s.skipped) {
      spdlog::info("feeds: {} ({}): {} added, {} changed, {} removed, {} rejected, {} taken with a warning",
                   s.source, s.kind, s.diff.added, s.diff.changed, s.diff.removed, s.rejected, s.warnings);
    }
  }
  if (!report.error.empty()) spdlog::warn("feeds: {}", report.error);
  if (report.rematch.images > 0) {
    spdlog::info("feeds: re-matched {} images: {} new findings, {} resolved", report.rematch.images,
                 report.rematch.new_findings, report.rematch.resolved_findings);
  }
}

void FeedRefresher::reload_if_changed() {
  auto sources = advisories_.sources();
  if (!sources) return;
  if (options_.on_state) options_.on_state(*sources);
  auto state = feed_state(*sources);
  if (state == loaded_state_) return;
  if (auto loaded = service_.load()) {
    loaded_state_ = std::move(state);
    spdlog::info("feeds: advisory index reloaded ({} advisories)", *loaded);
  } else {
    spdlog::warn("feeds: reloading the advisory index failed: {}", loaded.error().message);
  }
}

}  // namespace regscand::server::feeds
