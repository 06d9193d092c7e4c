#include "scanner/ecosystems/semver/version.hpp"

#include <cstddef>

#include "scanner/ecosystems/common/chars.hpp"

namespace regscand::scanner::ecosystems::semver {
namespace {

using chars::compare_digits;
using chars::is_digit;
using chars::is_space;
using chars::sign;
using chars::strip_zeros;

bool is_ident(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

bool all_digits(std::string_view s) {
  for (const char c : s) {
    if (!is_digit(c)) return false;
  }
  return !s.empty();
}

// A number (in strict mode without leading zeros), taken from the front of `s`.
std::optional<std::string> take_number(std::string_view& s, Mode mode) {
  std::size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  if (n == 0) return std::nullopt;
  const auto digits = s.substr(0, n);
  if (mode == Mode::Strict && n > 1 && digits.front() == '0') return std::nullopt;
  s.remove_prefix(n);
  return std::string(strip_zeros(digits));
}

// Dot-separated non-empty identifiers of [0-9A-Za-z-]; `numeric_rules` applies the
// prerelease rule against leading zeros on numeric identifiers and normalises them.
std::optional<std::vector<std::string>> identifiers(std::string_view s, bool numeric_rules, Mode mode) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && is_ident(s[i])) continue;
    if (i < s.size() && s[i] != '.') return std::nullopt;
    const auto id = s.substr(start, i - start);
    if (id.empty()) return std::nullopt;
    if (numeric_rules && all_digits(id)) {
      if (mode == Mode::Strict && id.size() > 1 && id.front() == '0') return std::nullopt;
      out.push_back(std::string(strip_zeros(id)));
    } else {
      out.emplace_back(id);
    }
    start = i + 1;
  }
  return out;
}

int compare_prerelease(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() != b.empty()) return a.empty() ? 1 : -1;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const bool na = all_digits(a[i]) || a[i].empty();
    const bool nb = all_digits(b[i]) || b[i].empty();
    if (na != nb) return na ? -1 : 1;
    const int c = na ? compare_digits(a[i], b[i]) : sign(a[i].compare(b[i]));
    if (c != 0) return c;
  }
  return a.size() == b.size() ? 0 : a.size() < b.size() ? -1 : 1;
}

}  // namespace

Result<Version> parse(std::string_view text, Mode mode) {
  const auto invalid = [&] {
    return fail(ErrorCode::InvalidArgument,
                "semver: \"" + std::string(text) + "\" is not a semantic version");
  };
  std::string_view s = text;
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  if (mode == Mode::Strict) {
    if (s.starts_with('v')) s.remove_prefix(1);
  } else {
    while (!s.empty() && (s.front() == 'v' || s.front() == '=' || is_space(s.front()))) s.remove_prefix(1);
  }
  Version v;
  std::string* parts[] = {&v.major, &v.minor, &v.patch};
  for (std::size_t i = 0; i < 3; ++i) {
    if (i > 0) {
      if (!s.starts_with('.')) return invalid();
      s.remove_prefix(1);
    }
    auto n = take_number(s, mode);
    if (!n) return invalid();
    *parts[i] = std::move(*n);
  }
  const auto plus = s.find('+');
  if (plus != std::string_view::npos) {
    auto build = identifiers(s.substr(plus + 1), false, mode);
    if (!build) return invalid();
    v.build = std::move(*build);
    s = s.substr(0, plus);
  }
  if (s.empty()) return v;
  if (s.starts_with('-')) {
    s.remove_prefix(1);
  } else if (mode == Mode::Strict) {
    return invalid();
  }
  auto pre = identifiers(s, true, mode);
  if (!pre) return invalid();
  v.prerelease = std::move(*pre);
  return v;
}

int compare(const Version& a, const Version& b) {
  if (const int c = compare_digits(a.major, b.major); c != 0) return c;
  if (const int c = compare_digits(a.minor, b.minor); c != 0) return c;
  if (const int c = compare_digits(a.patch, b.patch); c != 0) return c;
  return compare_prerelease(a.prerelease, b.prerelease);
}

std::optional<int> compare(std::string_view a, std::string_view b, Mode mode) {
  const auto va = parse(a, mode);
  const auto vb = parse(b, mode);
  if (!va || !vb) return std::nullopt;
  return compare(*va, *vb);
}

}  // namespace regscand::scanner::ecosystems::semver
