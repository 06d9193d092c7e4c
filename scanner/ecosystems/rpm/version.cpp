#include "scanner/ecosystems/rpm/version.hpp"

#include <array>

#include "scanner/ecosystems/common/chars.hpp"

namespace regscand::scanner::ecosystems::rpm {
namespace {

using chars::compare_digits;
using chars::is_digit;
using chars::sign;

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_separator(char c) {
  return !is_digit(c) && !is_alpha(c) && c != '~' && c != '^';
}
bool has_nul(std::string_view s) {
  return s.find('\0') != std::string_view::npos;
}

std::string_view take_while(std::string_view& s, bool (*pred)(char)) {
  std::size_t n = 0;
  while (n < s.size() && pred(s[n])) ++n;
  const auto out = s.substr(0, n);
  s.remove_prefix(n);
  return out;
}

int rpmvercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  for (;;) {
    while (!a.empty() && is_separator(a.front())) a.remove_prefix(1);
    while (!b.empty() && is_separator(b.front())) b.remove_prefix(1);
    const bool a_tilde = a.starts_with('~');
    const bool b_tilde = b.starts_with('~');
    if (a_tilde || b_tilde) {
      if (!a_tilde) return 1;
      if (!b_tilde) return -1;
      a.remove_prefix(1);
      b.remove_prefix(1);
      continue;
    }
    const bool a_caret = a.starts_with('^');
    const bool b_caret = b.starts_with('^');
    if (a_caret || b_caret) {
      if (a.empty()) return -1;
      if (b.empty()) return 1;
      if (!a_caret) return 1;
      if (!b_caret) return -1;
      a.remove_prefix(1);
      b.remove_prefix(1);
      continue;
    }
    if (a.empty() || b.empty()) break;
    const bool numeric = is_digit(a.front());
    const auto a_seg = take_while(a, numeric ? is_digit : is_alpha);
    const auto b_seg = take_while(b, numeric ? is_digit : is_alpha);
    if (b_seg.empty()) return numeric ? 1 : -1;
    const int c = numeric ? compare_digits(a_seg, b_seg) : sign(a_seg.compare(b_seg));
    if (c != 0) return c;
  }
  if (a.empty() && b.empty()) return 0;
  return a.empty() ? -1 : 1;
}

struct Nevra {
  std::optional<std::string_view> name;
  std::string_view epoch = "0";
  std::string_view version;
  std::string_view release;
  std::optional<std::string_view> arch;
};

constexpr std::array<std::string_view, 9> kArches = {"aarch64", "i386",  "i686", "noarch", "ppc64le",
                                                     "riscv",   "s390x", "src",  "x86_64"};

std::optional<Nevra> parse_nevra(std::string_view text) {
  const auto last = text.rfind('-');
  if (last == std::string_view::npos) return std::nullopt;
  Nevra n;
  if (const auto before = text.rfind('-', last == 0 ? 0 : last - 1);
      last > 0 && before != std::string_view::npos) {
    n.name = text.substr(0, before);
    text.remove_prefix(before + 1);
  }
  const auto hyphen = text.find('-');
  std::string_view ev = text.substr(0, hyphen);
  n.release = text.substr(hyphen + 1);
  n.version = ev;
  if (const auto colon = ev.find(':'); colon != std::string_view::npos) {
    if (colon > 0) n.epoch = ev.substr(0, colon);
    n.version = ev.substr(colon + 1);
  }
  if (const auto dot = n.release.rfind('.'); dot != std::string_view::npos) {
    const auto arch = n.release.substr(dot + 1);
    for (const auto known : kArches) {
      if (arch != known) continue;
      n.arch = arch;
      n.release = n.release.substr(0, dot);
      break;
    }
  }
  return n;
}

int compare_optional(const std::optional<std::string_view>& a, const std::optional<std::string_view>& b) {
  if (!a || !b) return static_cast<int>(a.has_value()) - static_cast<int>(b.has_value());
  return rpmvercmp(*a, *b);
}

}  // namespace

std::optional<int> compare_segments(std::string_view a, std::string_view b) {
  if (has_nul(a) || has_nul(b)) return std::nullopt;
  return rpmvercmp(a, b);
}

Evr parse_evr(std::string_view text) {
  Evr evr;
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  const auto hyphen = text.rfind('-');
  const bool has_release = hyphen != std::string_view::npos && hyphen >= digits;
  if (has_release) {
    evr.release = text.substr(hyphen + 1);
    text = text.substr(0, hyphen);
  }
  if (digits < text.size() && text[digits] == ':') {
    evr.epoch = text.substr(0, digits);
    text.remove_prefix(digits + 1);
  }
  evr.version = text;
  return evr;
}

int compare(const Evr& a, const Evr& b) {
  if (const int c = rpmvercmp(a.epoch.empty() ? "0" : a.epoch, b.epoch.empty() ? "0" : b.epoch); c != 0) {
    return c;
  }
  if (const int c = rpmvercmp(a.version, b.version); c != 0) return c;
  return compare_optional(a.release, b.release);
}

std::optional<int> compare(std::string_view a, std::string_view b) {
  if (has_nul(a) || has_nul(b)) return std::nullopt;
  return compare(parse_evr(a), parse_evr(b));
}

std::optional<int> compare_nevra(std::string_view a, std::string_view b) {
  if (has_nul(a) || has_nul(b)) return std::nullopt;
  const auto na = parse_nevra(a);
  const auto nb = parse_nevra(b);
  if (!na || !nb) return std::nullopt;
  if (const int c = compare_optional(na->name, nb->name); c != 0) return c;
  if (const int c = rpmvercmp(na->epoch, nb->epoch); c != 0) return c;
  if (const int c = rpmvercmp(na->version, nb->version); c != 0) return c;
  if (const int c = rpmvercmp(na->release, nb->release); c != 0) return c;
  return compare_optional(na->arch, nb->arch);
}

}  // namespace regscand::scanner::ecosystems::rpm
