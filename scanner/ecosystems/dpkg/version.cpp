#include "scanner/ecosystems/dpkg/version.hpp"

#include <string>

#include "scanner/ecosystems/common/chars.hpp"

namespace regscand::scanner::ecosystems::dpkg {
namespace {

using chars::compare_digits;
using chars::is_digit;
using chars::strip_zeros;

constexpr std::string_view kMaxEpoch = "2147483647";

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// dpkg's order(): `~` first, then the end of the string and digits, then letters, then everything else.
int order(char c) {
  if (c == '~') return -1;
  if (c == '\0' || is_digit(c)) return 0;
  if (is_alpha(c)) return static_cast<unsigned char>(c);
  return static_cast<unsigned char>(c) + 256;
}

char at(std::string_view s, std::size_t i) {
  return i < s.size() ? s[i] : '\0';
}

int verrevcmp(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      const int ac = order(at(a, i));
      const int bc = order(at(b, j));
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    const std::size_t a_start = i;
    const std::size_t b_start = j;
    while (i < a.size() && is_digit(a[i])) ++i;
    while (j < b.size() && is_digit(b[j])) ++j;
    if (const int c = compare_digits(a.substr(a_start, i - a_start), b.substr(b_start, j - b_start));
        c != 0) {
      return c;
    }
  }
  return 0;
}

std::string quoted(std::string_view text) {
  return "dpkg: version \"" + std::string(text) + "\": ";
}

}  // namespace

Result<Version> parse(std::string_view text) {
  if (text.empty()) return fail(ErrorCode::InvalidArgument, "dpkg: version string is empty");
  for (const char c : text) {
    if (c <= ' ' || c > '~') {
      return fail(ErrorCode::InvalidArgument, quoted(text) + "blank, control or non-ASCII byte");
    }
  }
  Version v;
  std::string_view rest = text;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    const std::string_view epoch = rest.substr(0, colon);
    if (epoch.empty()) return fail(ErrorCode::InvalidArgument, quoted(text) + "epoch is empty");
    for (const char c : epoch) {
      if (!is_digit(c)) return fail(ErrorCode::InvalidArgument, quoted(text) + "epoch is not a number");
    }
    v.epoch = strip_zeros(epoch);
    if (compare_digits(v.epoch, kMaxEpoch) > 0) {
      return fail(ErrorCode::InvalidArgument, quoted(text) + "epoch is too big");
    }
    rest.remove_prefix(colon + 1);
    if (rest.empty()) return fail(ErrorCode::InvalidArgument, quoted(text) + "nothing after the colon");
  }
  if (const auto hyphen = rest.rfind('-'); hyphen != std::string_view::npos) {
    v.revision = rest.substr(hyphen + 1);
    if (v.revision.empty()) return fail(ErrorCode::InvalidArgument, quoted(text) + "revision is empty");
    rest = rest.substr(0, hyphen);
  }
  if (rest.empty()) return fail(ErrorCode::InvalidArgument, quoted(text) + "upstream version is empty");
  v.upstream = rest;
  return v;
}

int compare(const Version& a, const Version& b) {
  if (const int c = compare_digits(a.epoch, b.epoch); c != 0) return c;
  if (const int c = verrevcmp(a.upstream, b.upstream); c != 0) return c;
  return verrevcmp(a.revision, b.revision);
}

std::optional<int> compare(std::string_view a, std::string_view b) {
  const auto va = parse(a);
  const auto vb = parse(b);
  if (!va || !vb) return std::nullopt;
  return compare(*va, *vb);
}

}  // namespace regscand::scanner::ecosystems::dpkg
