// GET /v1/summary aggregates every open finding (seconds at a million findings), so it is served from
// memory: a value younger than max_age as is; an older one still, while one refresh runs in the background.
// Only the first request waits for the aggregate. get() blocks: call it on the blocking pool.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "config/base/error.hpp"

namespace regscand::server::api {

class SummaryCache {
 public:
  using Compute = std::function<Result<nlohmann::json>()>;
  using Clock = std::chrono::steady_clock;

  // `compute` must stay callable until the cache is destroyed; max_age 0 computes on every get().
  SummaryCache(Compute compute, std::chrono::milliseconds max_age);
  ~SummaryCache();  // waits for a refresh in flight
  SummaryCache(const SummaryCache&) = delete;
  SummaryCache& operator=(const SummaryCache&) = delete;

  [[nodiscard]] Result<nlohmann::json> get();

 private:
  void refresh_in_background();  // with mutex_ held
  void store(const Result<nlohmann::json>& fresh);

  Compute compute_;
  std::chrono::milliseconds max_age_;
  std::mutex mutex_;
  std::condition_variable computed_;
  std::optional<nlohmann::json> value_;
  Clock::time_point computed_at_;
  bool computing_ = false;
  std::thread refresher_;
};

}  // namespace regscand::server::api
