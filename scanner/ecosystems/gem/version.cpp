#include "scanner/ecosystems/gem/version.hpp"

#include <algorithm>
#include <cstddef>

#include "scanner/ecosystems/common/chars.hpp"

namespace regscand::scanner::ecosystems::gem {
namespace {

using chars::is_digit;
using chars::is_letter;
using chars::is_space;
using chars::sign;

bool is_alnum(char c) {
  return is_digit(c) || is_letter(c);
}

std::string_view strip(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Gem::Version::VERSION_PATTERN, anchored: [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
bool well_formed(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == 0) return false;
  while (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && is_alnum(s[i])) ++i;
    if (i == start) return false;
  }
  if (i == s.size()) return true;
  if (s[i] != '-') return false;
  ++i;
  for (;;) {
    const std::size_t start = i;
    while (i < s.size() && (is_alnum(s[i]) || s[i] == '-')) ++i;
    if (i == start) return false;
    if (i == s.size()) return true;
    if (s[i] != '.') return false;
    ++i;
  }
}

// `version.gsub("-", ".pre.").scan(/[0-9]+|[a-z]+/i)`, numbers without leading zeros.
std::vector<Version::Segment> segments_of(std::string_view s) {
  std::vector<Version::Segment> out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '-') {
      out.push_back({false, "pre"});
      ++i;
      continue;
    }
    if (is_digit(s[i])) {
      while (i < s.size() && s[i] == '0') ++i;
      const std::size_t start = i;
      while (i < s.size() && is_digit(s[i])) ++i;
      out.push_back({true, std::string(s.substr(start, i - start))});
      continue;
    }
    if (is_letter(s[i])) {
      const std::size_t start = i;
      while (i < s.size() && is_letter(s[i])) ++i;
      out.push_back({false, std::string(s.substr(start, i - start))});
      continue;
    }
    ++i;  // '.'
  }
  return out;
}

bool is_zero(const Version::Segment& s) {
  return s.numeric && s.text.empty();
}

// Gem::Version#canonical_segments: the numeric release and the rest (from the first letter segment), each
// without its trailing zeros.
std::vector<Version::Segment> canonical(std::vector<Version::Segment> all) {
  std::size_t first_string = 0;
  while (first_string < all.size() && all[first_string].numeric) ++first_string;
  std::vector<Version::Segment> out;
  std::size_t release_end = first_string;
  while (release_end > 0 && is_zero(all[release_end - 1])) --release_end;
  for (std::size_t i = 0; i < release_end; ++i) out.push_back(std::move(all[i]));
  std::size_t rest_end = all.size();
  while (rest_end > first_string && is_zero(all[rest_end - 1])) --rest_end;
  for (std::size_t i = first_string; i < rest_end; ++i) out.push_back(std::move(all[i]));
  return out;
}

int compare_segments(const Version::Segment& a, const Version::Segment& b) {
  if (a.numeric != b.numeric) return a.numeric ? 1 : -1;
  if (a.numeric && a.text.size() != b.text.size()) return a.text.size() < b.text.size() ? -1 : 1;
  return sign(a.text.compare(b.text));
}

}  // namespace

Result<Version> parse(std::string_view text) {
  const std::string_view s = strip(text);
  Version out;
  if (s.empty()) return out;  // "0"
  if (!well_formed(s)) {
    return fail(ErrorCode::InvalidArgument, "gem version: malformed version number string");
  }
  auto all = segments_of(s);
  for (const auto& segment : all) {
    if (!segment.numeric) out.prerelease = true;
  }
  out.segments = canonical(std::move(all));
  return out;
}

int compare(const Version& a, const Version& b) {
  const Version::Segment zero;
  const std::size_t n = std::max(a.segments.size(), b.segments.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto& x = i < a.segments.size() ? a.segments[i] : zero;
    const auto& y = i < b.segments.size() ? b.segments[i] : zero;
    if (const int c = compare_segments(x, y); c != 0) return c;
  }
  return 0;
}

std::optional<int> compare(std::string_view a, std::string_view b) {
  const auto x = parse(a);
  const auto y = parse(b);
  if (!x || !y) return std::nullopt;
  return compare(*x, *y);
}

}  // namespace regscand::scanner::ecosystems::gem
