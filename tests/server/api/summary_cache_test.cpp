#include "server/api/summary_cache.hpp"

#include <atomic>
#include <future>
#include <vector>

#include <gtest/gtest.h>

namespace regscand::server::api {
namespace {

using namespace std::chrono_literals;

// Counts its computations; each returns {"n": <its number>}, or fails when `fail` is set.
struct Counter {
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};
  Result<nlohmann::json> operator()() {
    const int n = ++calls;
    if (fail) return regscand::fail(ErrorCode::Unavailable, "database down");
    return nlohmann::json{{"n", n}};
  }
};

TEST(SummaryCache, ServesAFreshValueWithoutComputingAgain) {
  Counter counter;
  SummaryCache cache([&] { return counter(); }, 1h);
  ASSERT_EQ(cache.get().value()["n"], 1);
  ASSERT_EQ(cache.get().value()["n"], 1);
  EXPECT_EQ(counter.calls, 1);
}

TEST(SummaryCache, ZeroMaxAgeComputesEveryTime) {
  Counter counter;
  SummaryCache cache([&] { return counter(); }, 0ms);
  EXPECT_EQ(cache.get().value()["n"], 1);
  EXPECT_EQ(cache.get().value()["n"], 2);
}

TEST(SummaryCache, ServesTheStaleValueAtOnceWhileOneRefreshRuns) {
  std::atomic<int> calls{0};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  SummaryCache cache(
      [&]() -> Result<nlohmann::json> {
        const int n = ++calls;
        if (n > 1) released.wait();  // the refresh is slow until the test lets it finish
        return nlohmann::json{{"n", n}};
      },
      1ms);
  ASSERT_EQ(cache.get().value()["n"], 1);
  std::this_thread::sleep_for(5ms);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(cache.get().value()["n"], 1);  // stale, and no caller waits for the refresh
  }
  release.set_value();
  for (int i = 0; i < 500 && cache.get().value()["n"] == 1; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(cache.get().value()["n"], 2);
  EXPECT_LE(calls, 3);  // one refresh at a time, not one per stale get()
}

TEST(SummaryCache, AFailedFirstComputationIsReturnedAndRetried) {
  Counter counter;
  counter.fail = true;
  SummaryCache cache([&] { return counter(); }, 1h);
  const auto failed = cache.get();
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::Unavailable);
  counter.fail = false;
  EXPECT_EQ(cache.get().value()["n"], 2);
}

TEST(SummaryCache, AFailedRefreshKeepsServingThePreviousValue) {
  Counter counter;
  SummaryCache cache([&] { return counter(); }, 20ms);
  ASSERT_EQ(cache.get().value()["n"], 1);
  counter.fail = true;
  const auto until = std::chrono::steady_clock::now() + 200ms;
  int gets = 0;
  while (std::chrono::steady_clock::now() < until) {
    EXPECT_EQ(cache.get().value()["n"], 1);
    ++gets;
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_GT(counter.calls, 2);       // refreshes were attempted,
  EXPECT_LE(counter.calls, 1 + 11);  // at most one per 20 ms, not one per get()
  EXPECT_GT(gets, 50);
}

TEST(SummaryCache, ConcurrentFirstCallersShareOneComputation) {
  std::atomic<int> calls{0};
  SummaryCache cache(
      [&]() -> Result<nlohmann::json> {
        ++calls;
        std::this_thread::sleep_for(50ms);
        return nlohmann::json{{"n", 1}};
      },
      1h);
  std::vector<std::future<Result<nlohmann::json>>> callers;
  for (int i = 0; i < 8; ++i) callers.push_back(std::async(std::launch::async, [&] { return cache.get(); }));
  for (auto& caller : callers) EXPECT_EQ(caller.get().value()["n"], 1);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace regscand::server::api
