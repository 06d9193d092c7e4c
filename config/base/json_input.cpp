#include "config/base/json_input.hpp"

namespace regscand {

std::size_t json_nesting_depth(std::string_view text, std::size_t cap) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
      if (depth > deepest) deepest = depth;
      if (deepest > cap) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<nlohmann::json> parse_json(std::string_view text, JsonLimits limits) {
  if (text.size() > limits.max_bytes) {
    return fail(ErrorCode::InvalidArgument,
                "JSON document is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  if (json_nesting_depth(text, limits.max_depth) > limits.max_depth) {
    return fail(ErrorCode::InvalidArgument, "JSON nesting deeper than " + std::to_string(limits.max_depth));
  }
  auto value = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded())
    return fail(ErrorCode::InvalidArgument, "invalid JSON (or invalid UTF-8 in a string)");
  return value;
}

}  // namespace regscand
