// Parsing and printing the quantities operators write in config files and env vars (internal to
// config/). Errors carry the problem only; the caller prefixes the key.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::config {

// "500ms", "30s", "5m", "6h", "7d"; a plain integer means seconds. No sign, no fraction, no spaces.
// At most 3650 days.
[[nodiscard]] Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// The shortest exact spelling: 86400000ms -> "1d", 90000ms -> "90s", 1500ms -> "1500ms".
std::string format_duration(std::chrono::milliseconds duration);

// An integer number of bytes, or with a binary suffix: "512KiB", "1MiB", "2GiB".
[[nodiscard]] Result<std::uint64_t> parse_size(std::string_view text);

// A plain non-negative decimal integer.
[[nodiscard]] Result<std::uint64_t> parse_uint(std::string_view text);

// "true" or "false", any case (YAML's yes/no/on/off are rejected as ambiguous).
[[nodiscard]] Result<bool> parse_bool(std::string_view text);

}  // namespace regscand::config
