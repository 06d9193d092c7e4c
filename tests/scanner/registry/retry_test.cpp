#include "scanner/registry/retry.hpp"

#include <gtest/gtest.h>

namespace regscand::scanner::registry {
namespace {

using namespace std::chrono_literals;

// 1994-11-06 08:49:37 UTC
const auto kNow = std::chrono::sys_days(std::chrono::year(1994) / 11 / 6) + 8h + 49min + 37s;

TEST(RetryAfter, DeltaSeconds) {
  EXPECT_EQ(parse_retry_after("120", kNow), 120s);
  EXPECT_EQ(parse_retry_after(" 0 ", kNow), 0s);
}

TEST(RetryAfter, HttpDate) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", kNow), 30s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", kNow), 0s);  // in the past
  EXPECT_EQ(parse_retry_after("Mon, 07 Nov 1994 08:49:37 GMT", kNow), 24h);
}

TEST(RetryAfter, Garbage) {
  for (const char* bad : {"", "-1", "1.5", "soon", "99999999999", "Sun, 31 Feb 1994 08:00:00 GMT",
                          "Sun, 06 Nov 1994 25:00:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                          "Sun, 06 Xyz 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC"}) {
    EXPECT_FALSE(parse_retry_after(bad, kNow)) << bad;
  }
}

TEST(RetryDelay, RetryAfterWinsButIsCapped) {
  EXPECT_EQ(retry_delay(2s, 1, 1s, 30s), 2s);
  EXPECT_EQ(retry_delay(3600s, 1, 1s, 30s), 30s);
}

TEST(RetryDelay, ExponentialBackoffWithoutRetryAfter) {
  EXPECT_EQ(retry_delay(std::nullopt, 1, 500ms, 10s), 500ms);
  EXPECT_EQ(retry_delay(std::nullopt, 2, 500ms, 10s), 1s);
  EXPECT_EQ(retry_delay(std::nullopt, 3, 500ms, 10s), 2s);
  EXPECT_EQ(retry_delay(std::nullopt, 40, 500ms, 10s), 10s);
}

}  // namespace
}  // namespace regscand::scanner::registry
