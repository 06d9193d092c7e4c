// Small pure string helpers shared by parsers: splitting identifiers on a separator, ASCII case.
#pragma once

#include <cstddef>
#include <string>
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

// ASCII letters lower-cased, every other byte (UTF-8 included) unchanged: protocol words, host names.
constexpr char lower_case(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
inline std::string lower_case(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_case(c);
  return out;
}

// `a` and `b` are equal ignoring ASCII case.
constexpr bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_case(a[i]) != lower_case(b[i])) return false;
  }
  return true;
}

}  // namespace regscand::text
