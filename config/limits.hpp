// Bounds the configuration enforces, shared by the setters (which reject a value where it is written)
// and validate() (which re-checks a Config built in code). Internal to config/.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/base/error.hpp"
#include "config/units.hpp"

namespace regscand::config {

struct Range {
  std::uint64_t min;
  std::uint64_t max;
};

inline constexpr Range kThreadsRange{1, 256};
inline constexpr Range kPoolSizeRange{1, 1000};
inline constexpr Range kBodyLimitRange{1, std::uint64_t{1} << 30};
inline constexpr std::chrono::milliseconds kMaxTimeout = std::chrono::hours(24);
inline constexpr std::size_t kMinTokenLength = 16;
inline constexpr Range kWorkersRange{0, 64};  // 0: this replica runs no workers (API and inbox only)
inline constexpr Range kMaxAttemptsRange{1, 100};
inline constexpr std::size_t kMaxFeedSources = 64;
inline constexpr Range kMaxPerMinuteRange{1, 100'000};
inline constexpr Range kBlobMinRateRange{0, std::uint64_t{1} << 30};

struct DurationRange {
  std::chrono::milliseconds min;
  std::chrono::milliseconds max;
};

inline constexpr DurationRange kDrainDelayRange{std::chrono::milliseconds(0), std::chrono::minutes(10)};
inline constexpr DurationRange kLeaseRange{std::chrono::seconds(1), std::chrono::hours(24)};
inline constexpr DurationRange kPollIntervalRange{std::chrono::milliseconds(10), std::chrono::hours(24)};
inline constexpr DurationRange kRetryBackoffRange{std::chrono::milliseconds(0), std::chrono::hours(24)};
inline constexpr DurationRange kRetryBackoffMaxRange{std::chrono::milliseconds(0), std::chrono::days(7)};
inline constexpr DurationRange kBlobRateWindowRange{std::chrono::seconds(1), std::chrono::hours(1)};
inline constexpr DurationRange kRefreshIntervalRange{std::chrono::minutes(1), std::chrono::days(30)};
inline constexpr DurationRange kTickRange{std::chrono::seconds(1), std::chrono::days(7)};
inline constexpr DurationRange kPulledWithinRange{std::chrono::minutes(1), std::chrono::days(3650)};
inline constexpr DurationRange kRescanEveryRange{std::chrono::minutes(1), std::chrono::days(365)};
inline constexpr DurationRange kPushedWithinRange{std::chrono::minutes(1), std::chrono::days(3650)};

// "must be 1..256, got 300".
[[nodiscard]] inline Result<void> check_range(std::uint64_t value, Range range) {
  if (value >= range.min && value <= range.max) return {};
  return fail(ErrorCode::InvalidArgument, "must be " + std::to_string(range.min) + ".." +
                                              std::to_string(range.max) + ", got " + std::to_string(value));
}

// Every timeout is in (0, 24h]: "must be greater than 0 and at most 24h, got 0s".
[[nodiscard]] inline Result<void> check_timeout(std::chrono::milliseconds value) {
  if (value.count() > 0 && value <= kMaxTimeout) return {};
  return fail(ErrorCode::InvalidArgument,
              "must be greater than 0 and at most 24h, got " + format_duration(value));
}

// "must be 1s..24h, got 500ms".
[[nodiscard]] inline Result<void> check_duration(std::chrono::milliseconds value, DurationRange range) {
  if (value >= range.min && value <= range.max) return {};
  return fail(ErrorCode::InvalidArgument, "must be " + format_duration(range.min) + ".." +
                                              format_duration(range.max) + ", got " + format_duration(value));
}

}  // namespace regscand::config
