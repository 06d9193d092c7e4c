// When to try again after 429/502/503/504: the server's Retry-After (delta-seconds or an IMF-fixdate HTTP
// date) if it sent a usable one, else exponential backoff; both capped. Pure.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace regscand::scanner::registry {

// The delay a Retry-After value asks for, measured from `now`. nullopt when it is neither delta-seconds nor
// an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); a date in the past is zero.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

// Wait before attempt `attempt + 1` (attempt >= 1): retry_after if given, else initial * 2^(attempt-1);
// never more than `max`.
std::chrono::milliseconds retry_delay(std::optional<std::chrono::seconds> retry_after, unsigned attempt,
                                      std::chrono::milliseconds initial, std::chrono::milliseconds max);

}  // namespace regscand::scanner::registry
