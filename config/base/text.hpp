// Small pure string helpers shared by parsers that split identifiers on a separator.
#pragma once

#include <cstddef>
#include <string_view>

namespace regscand::text {

// The first `n` `separator`-separated fields of `s`, or all of `s` when it has fewer:
// leading_fields("Red Hat:8:appstream", ':', 2) == "Red Hat:8".
constexpr std::string_view leading_fields(std::string_view s, char separator, std::size_t n) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n; ++i) {
    pos = s.find(separator, pos);
    if (pos == std::string_view::npos) return s;
    if (i + 1 < n) ++pos;
  }
  return s.substr(0, pos);
}

}  // namespace regscand::text
