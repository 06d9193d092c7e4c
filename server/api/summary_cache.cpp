#include "server/api/summary_cache.hpp"

#include <spdlog/spdlog.h>

namespace regscand::server::api {

SummaryCache::SummaryCache(Compute compute, std::chrono::milliseconds max_age)
    : compute_(std::move(compute)), max_age_(max_age) {}

SummaryCache::~SummaryCache() {
  if (refresher_.joinable()) {
    refresher_.join();
  }
}

Result<nlohmann::json> SummaryCache::get() {
  std::unique_lock lock(mutex_);
  if (value_ && Clock::now() - computed_at_ < max_age_) {
    return *value_;
  }
  if (value_ && max_age_.count() > 0) {
    refresh_in_background();
    return *value_;
  }
  // Nothing to serve yet (or no caching): compute here, one caller at a time.
  computed_.wait(lock, [&] { return !computing_; });
  if (value_ && Clock::now() - computed_at_ < max_age_) {
    return *value_;
  }
  computing_ = true;
  lock.unlock();
  auto fresh = compute_();
  lock.lock();
  store(fresh);
  return fresh;
}

void SummaryCache::refresh_in_background() {
  if (computing_) {
    return;
  }
  computing_ = true;
  // The previous refresher cleared computing_ under the lock as its last step: joining it is immediate.
  if (refresher_.joinable()) {
    refresher_.join();
  }
  refresher_ = std::thread([this] {
    auto fresh = compute_();
    std::lock_guard guard(mutex_);
    if (!fresh) {
      spdlog::warn("summary: refresh failed, serving the previous value: {}", fresh.error().message);
    }
    store(fresh);
  });
}

void SummaryCache::store(const Result<nlohmann::json>& fresh) {
  if (fresh) {
    value_ = *fresh;
  }
  // After a failed refresh the previous value (its as_of tells its age) is served until the next attempt.
  computed_at_ = Clock::now();
  computing_ = false;
  computed_.notify_all();
}

}  // namespace regscand::server::api
