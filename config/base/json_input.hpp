// Parsing of untrusted JSON: nesting depth and size are checked before nlohmann parses anything, and
// malformed text or invalid UTF-8 is an InvalidArgument error, never an exception.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/base/error.hpp"

namespace regscand {

struct JsonLimits {
  std::size_t max_depth = 32;
  std::size_t max_bytes = 16 * 1024 * 1024;
};

[[nodiscard]] Result<nlohmann::json> parse_json(std::string_view text, JsonLimits limits = {});

// Deepest nesting of arrays/objects in `text`, ignoring brackets inside strings. Stops counting past `cap`.
std::size_t json_nesting_depth(std::string_view text, std::size_t cap);

}  // namespace regscand
