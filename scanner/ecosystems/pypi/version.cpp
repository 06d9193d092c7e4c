#include "scanner/ecosystems/pypi/version.hpp"

#include <array>
#include <cstddef>
#include <utility>

#include "scanner/ecosystems/common/chars.hpp"

namespace regscand::scanner::ecosystems::pypi {
namespace {

using chars::compare_digits;
using chars::is_digit;
using chars::is_space;
using chars::sign;
using chars::strip_zeros;

bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z');
}
bool is_separator(char c) {
  return c == '-' || c == '_' || c == '.';
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  std::size_t pos() const { return pos_; }
  void reset(std::size_t pos) { pos_ = pos; }
  bool done() const { return pos_ == s_.size(); }
  bool accept(char c) {
    if (done() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  void separator() {
    if (!done() && is_separator(s_[pos_])) ++pos_;
  }
  std::optional<std::string> number() {
    const std::size_t start = pos_;
    while (!done() && is_digit(s_[pos_])) ++pos_;
    if (pos_ == start) return std::nullopt;
    return std::string(strip_zeros(s_.substr(start, pos_ - start)));
  }
  // The longest of `words` at the cursor, as its index.
  template <std::size_t N>
  std::optional<std::size_t> word(const std::array<std::string_view, N>& words) {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < N; ++i) {
      if (s_.substr(pos_).starts_with(words[i]) && (!best || words[i].size() > words[*best].size())) best = i;
    }
    if (best) pos_ += words[*best].size();
    return best;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

constexpr std::array<std::string_view, 8> kPreWords = {"a",     "b",    "c",   "rc",
                                                       "alpha", "beta", "pre", "preview"};
constexpr std::array<Version::Pre, 8> kPreTags = {
    Version::Pre::Alpha, Version::Pre::Beta, Version::Pre::Rc, Version::Pre::Rc,
    Version::Pre::Alpha, Version::Pre::Beta, Version::Pre::Rc, Version::Pre::Rc};
constexpr std::array<std::string_view, 3> kPostWords = {"post", "rev", "r"};
constexpr std::array<std::string_view, 1> kDevWords = {"dev"};

// [-_.]?WORD[-_.]?N? ; the cursor is left unmoved when WORD is absent.
template <std::size_t N>
std::optional<std::pair<std::size_t, std::string>> labelled(Cursor& c,
                                                            const std::array<std::string_view, N>& words) {
  const std::size_t start = c.pos();
  c.separator();
  const auto w = c.word(words);
  if (!w) {
    c.reset(start);
    return std::nullopt;
  }
  c.separator();
  return std::pair{*w, c.number().value_or(std::string())};
}

std::optional<Version::Tagged> post_release(Cursor& c) {
  const std::size_t start = c.pos();
  if (c.accept('-')) {
    if (auto n = c.number()) return Version::Tagged{0, std::move(*n)};
    c.reset(start);
  }
  if (auto p = labelled(c, kPostWords)) return Version::Tagged{0, std::move(p->second)};
  return std::nullopt;
}

std::optional<std::vector<std::string>> local_parts(std::string_view s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && is_alnum(s[i])) continue;
    if (i < s.size() && !is_separator(s[i])) return std::nullopt;
    const auto part = s.substr(start, i - start);
    if (part.empty()) return std::nullopt;
    bool numeric = true;
    for (const char ch : part) numeric = numeric && is_digit(ch);
    parts.push_back(std::string(numeric ? strip_zeros(part) : part));
    start = i + 1;
  }
  return parts;
}

int compare_tagged(const Version::Tagged& a, const Version::Tagged& b) {
  if (a.tag != b.tag) return a.tag < b.tag ? -1 : 1;
  return compare_digits(a.number, b.number);
}

// The pre-release slot of packaging's key: a dev-only release sorts before every pre-release, a final
// (no pre) after them all.
int pre_rank(const Version& v) {
  if (v.pre) return 1;
  if (!v.post && v.dev) return 0;
  return 2;
}

int compare_release(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t na = a.size();
  std::size_t nb = b.size();
  while (na > 0 && a[na - 1].empty()) --na;
  while (nb > 0 && b[nb - 1].empty()) --nb;
  for (std::size_t i = 0; i < na && i < nb; ++i) {
    if (const int c = compare_digits(a[i], b[i]); c != 0) return c;
  }
  return na == nb ? 0 : na < nb ? -1 : 1;
}

bool numeric(const std::string& part) {
  for (const char ch : part) {
    if (!is_digit(ch)) return false;
  }
  return true;
}

// Numeric parts sort after alphanumeric ones, and by value; alphanumeric ones as strings.
int compare_local(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const bool na = numeric(a[i]);
    const bool nb = numeric(b[i]);
    if (na != nb) return na ? 1 : -1;
    const int c = na ? compare_digits(a[i], b[i]) : sign(a[i].compare(b[i]));
    if (c != 0) return c;
  }
  return a.size() == b.size() ? 0 : a.size() < b.size() ? -1 : 1;
}

}  // namespace

Result<Version> parse(std::string_view text) {
  const auto invalid = [&] {
    return fail(ErrorCode::InvalidArgument, "pypi: \"" + std::string(text) + "\" is not a PEP 440 version");
  };
  std::string_view trimmed = text;
  while (!trimmed.empty() && is_space(trimmed.front())) trimmed.remove_prefix(1);
  while (!trimmed.empty() && is_space(trimmed.back())) trimmed.remove_suffix(1);
  std::string lower(trimmed);
  for (char& ch : lower) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  std::string_view s = lower;
  std::optional<std::vector<std::string>> local;
  if (const auto plus = s.find('+'); plus != std::string_view::npos) {
    local = local_parts(s.substr(plus + 1));
    if (!local) return invalid();
    s = s.substr(0, plus);
  }
  Cursor c(s);
  c.accept('v');
  Version v;
  const std::size_t start = c.pos();
  if (auto n = c.number(); n && c.accept('!')) {
    v.epoch = std::move(*n);
  } else {
    c.reset(start);
  }
  do {
    auto n = c.number();
    if (!n) return invalid();
    v.release.push_back(std::move(*n));
  } while (!c.done() && [&] {
    const std::size_t dot = c.pos();
    if (c.accept('.') && !c.done() && is_digit(s[c.pos()])) return true;
    c.reset(dot);
    return false;
  }());
  if (auto p = labelled(c, kPreWords)) {
    v.pre = Version::Tagged{static_cast<int>(kPreTags[p->first]), std::move(p->second)};
  }
  v.post = post_release(c);
  if (auto d = labelled(c, kDevWords)) v.dev = Version::Tagged{0, std::move(d->second)};
  if (!c.done()) return invalid();
  if (local) v.local = std::move(*local);
  return v;
}

int compare(const Version& a, const Version& b) {
  if (const int c = compare_digits(a.epoch, b.epoch); c != 0) return c;
  if (const int c = compare_release(a.release, b.release); c != 0) return c;
  if (const int c = pre_rank(a) - pre_rank(b); c != 0) return sign(c);
  if (a.pre && b.pre) {
    if (const int c = compare_tagged(*a.pre, *b.pre); c != 0) return c;
  }
  if (a.post.has_value() != b.post.has_value()) return a.post ? 1 : -1;
  if (a.post) {
    if (const int c = compare_tagged(*a.post, *b.post); c != 0) return c;
  }
  if (a.dev.has_value() != b.dev.has_value()) return a.dev ? -1 : 1;
  if (a.dev) {
    if (const int c = compare_tagged(*a.dev, *b.dev); c != 0) return c;
  }
  if (a.local.empty() != b.local.empty()) return a.local.empty() ? -1 : 1;
  return compare_local(a.local, b.local);
}

std::optional<int> compare(std::string_view a, std::string_view b) {
  const auto va = parse(a);
  const auto vb = parse(b);
  if (!va || !vb) return std::nullopt;
  return compare(*va, *vb);
}

}  // namespace regscand::scanner::ecosystems::pypi
