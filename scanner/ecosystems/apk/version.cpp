#include "scanner/ecosystems/apk/version.hpp"

#include <array>
#include <cstdint>
#include <string>

#include "scanner/ecosystems/common/chars.hpp"

namespace regscand::scanner::ecosystems::apk {
namespace {

using chars::compare_digits;
using chars::is_digit;
using chars::is_lower;
using chars::sign;

// The order matters: a token may only be followed by a later one (digits and suffixes may repeat), and a
// version that ends where the other goes on sorts by the token type that follows.
enum class Token { InitialDigit, Digit, Letter, Suffix, SuffixNo, CommitHash, RevisionNo, End, Invalid };

// Pre-release suffixes sort before kNone, the rest after.
constexpr int kNone = 5;
constexpr std::array<std::string_view, 11> kSuffixes = {"",    "alpha", "beta", "pre", "rc", "",
                                                        "cvs", "svn",   "git",  "hg",  "p"};

bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}

int suffix_value(std::string_view s) {
  for (int i = 1; i < static_cast<int>(kSuffixes.size()); ++i) {
    if (i != kNone && s == kSuffixes[static_cast<std::size_t>(i)]) return i;
  }
  return 0;
}

struct Tokenizer {
  explicit Tokenizer(std::string_view text) : rest(text) {}

  std::string_view rest;
  Token token = Token::InitialDigit;
  int suffix = 0;
  std::string_view value;

  std::string_view take(bool (*pred)(char)) {
    std::size_t n = 0;
    while (n < rest.size() && pred(rest[n])) ++n;
    const auto out = rest.substr(0, n);
    rest.remove_prefix(n);
    return out;
  }

  void digits(Token t) {
    token = t;
    value = take(is_digit);
    if (value.empty()) token = Token::Invalid;
  }

  void first() { digits(Token::InitialDigit); }

  void next() {
    if (rest.empty()) {
      token = Token::End;
      return;
    }
    const char c = rest.front();
    if (is_lower(c)) {
      if (token > Token::Digit) return invalid();
      value = rest.substr(0, 1);
      rest.remove_prefix(1);
      token = Token::Letter;
      return;
    }
    if (c == '.' || is_digit(c)) {
      if (c == '.') {
        if (token > Token::Digit) return invalid();
        rest.remove_prefix(1);
      }
      if (token == Token::InitialDigit || token == Token::Digit) return digits(Token::Digit);
      if (token == Token::Suffix) return digits(Token::SuffixNo);
      return invalid();
    }
    if (c == '_') {
      if (token > Token::SuffixNo) return invalid();
      rest.remove_prefix(1);
      value = take(is_lower);
      suffix = suffix_value(value);
      if (suffix == 0) return invalid();
      token = Token::Suffix;
      return;
    }
    if (c == '~') {
      if (token >= Token::CommitHash) return invalid();
      rest.remove_prefix(1);
      value = take(is_hex);
      if (value.empty()) return invalid();
      token = Token::CommitHash;
      return;
    }
    if (c == '-') {
      if (token >= Token::RevisionNo || !rest.starts_with("-r")) return invalid();
      rest.remove_prefix(2);
      return digits(Token::RevisionNo);
    }
    invalid();
  }

  void invalid() { token = Token::Invalid; }
};

// Both tokens have the same type.
int compare_tokens(const Tokenizer& a, const Tokenizer& b) {
  switch (a.token) {
    case Token::Digit:
      if (a.value.front() == '0' || b.value.front() == '0') return sign(a.value.compare(b.value));
      return compare_digits(a.value, b.value);
    case Token::InitialDigit:
    case Token::SuffixNo:
    case Token::RevisionNo:
      return compare_digits(a.value, b.value);
    case Token::Suffix:
      return sign(a.suffix - b.suffix);
    default:
      return sign(a.value.compare(b.value));
  }
}

// apk-tools 2.x: get_token() yields the value of the token of type `type` and moves `type` to the next
// token's. Values are digit runs, a negative count of leading zeros after a dot, a letter or a suffix
// index (negative before "no suffix").
namespace apk2 {

enum Type { kInvalid = -1, kDigitOrZero, kDigit, kLetter, kSuffix, kSuffixNo, kRevisionNo, kEnd };

struct Value {
  std::int64_t small = 0;
  std::optional<std::string_view> digits;
};

int compare_values(const Value& a, const Value& b) {
  if (a.digits && b.digits) return compare_digits(*a.digits, *b.digits);
  if (a.digits) return b.small < 0 ? 1 : compare_digits(*a.digits, std::to_string(b.small));
  if (b.digits) return a.small < 0 ? -1 : compare_digits(std::to_string(a.small), *b.digits);
  return sign(static_cast<int>((a.small > b.small) - (a.small < b.small)));
}

void next_type(int& type, std::string_view& s) {
  int n = kInvalid;
  if (s.empty()) {
    n = kEnd;
  } else if ((type == kDigit || type == kDigitOrZero) && is_lower(s.front())) {
    n = kLetter;
  } else if (type == kLetter && is_digit(s.front())) {
    n = kDigit;
  } else if (type == kSuffix && is_digit(s.front())) {
    n = kSuffixNo;
  } else {
    if (s.front() == '.') {
      n = kDigitOrZero;
    } else if (s.front() == '_') {
      n = kSuffix;
    } else if (s.front() == '-' && s.size() > 1 && s[1] == 'r') {
      n = kRevisionNo;
      s.remove_prefix(1);
    }
    s.remove_prefix(1);
  }
  if (n < type && !((n == kDigitOrZero && type == kDigit) || (n == kSuffix && type == kSuffixNo) ||
                    (n == kDigit && type == kLetter))) {
    n = kInvalid;
  }
  type = n;
}

Value get_token(int& type, std::string_view& s) {
  if (s.empty()) {
    type = kEnd;
    return {};
  }
  Value v;
  std::size_t i = 0;
  int then = kInvalid;
  if (type == kDigitOrZero && s.front() == '0') {
    while (i < s.size() && s[i] == '0') ++i;
    then = kDigit;
    v.small = -static_cast<std::int64_t>(i);
  } else if (type == kDigitOrZero || type == kDigit || type == kSuffixNo || type == kRevisionNo) {
    while (i < s.size() && is_digit(s[i])) ++i;
    v.digits = s.substr(0, i);
  } else if (type == kLetter) {
    v.small = static_cast<unsigned char>(s[i++]);
  } else if (type == kSuffix) {
    static constexpr std::array<std::string_view, 4> kPre = {"alpha", "beta", "pre", "rc"};
    static constexpr std::array<std::string_view, 5> kPost = {"cvs", "svn", "git", "hg", "p"};
    bool found = false;
    for (std::size_t k = 0; k < kPre.size() && !found; ++k) {
      if (s.starts_with(kPre[k])) {
        v.small = static_cast<std::int64_t>(k) - static_cast<std::int64_t>(kPre.size());
        i = kPre[k].size();
        found = true;
      }
    }
    for (std::size_t k = 0; k < kPost.size() && !found; ++k) {
      if (s.starts_with(kPost[k])) {
        v.small = static_cast<std::int64_t>(k);
        i = kPost[k].size();
        found = true;
      }
    }
    if (!found) {
      type = kInvalid;
      return Value{-1, std::nullopt};
    }
  } else {
    type = kInvalid;
    return Value{-1, std::nullopt};
  }
  s.remove_prefix(i);
  if (s.empty()) {
    type = kEnd;
  } else if (then != kInvalid) {
    type = then;
  } else {
    next_type(type, s);
  }
  return v;
}

int compare(std::string_view a, std::string_view b) {
  int at = kDigit;
  int bt = kDigit;
  Value av;
  Value bv;
  int c = 0;
  while (at == bt && at != kEnd && at != kInvalid && c == 0) {
    av = get_token(at, a);
    bv = get_token(bt, b);
    c = compare_values(av, bv);
  }
  if (c != 0) return c;
  if (at == bt) return 0;
  int tt = at;
  if (at == kSuffix && compare_values(get_token(tt, a), Value{}) < 0) return -1;
  tt = bt;
  if (bt == kSuffix && compare_values(get_token(tt, b), Value{}) < 0) return 1;
  return at > bt ? -1 : 1;
}

}  // namespace apk2
}  // namespace

bool valid(std::string_view version) {
  Tokenizer t{version};
  for (t.first(); t.token < Token::End; t.next()) {
  }
  return t.token == Token::End;
}

std::optional<int> compare(std::string_view a, std::string_view b) {
  Tokenizer ta{a};
  Tokenizer tb{b};
  for (ta.first(), tb.first(); ta.token == tb.token && ta.token < Token::End; ta.next(), tb.next()) {
    if (const int c = compare_tokens(ta, tb); c != 0) return c;
  }
  if (ta.token == Token::Invalid || tb.token == Token::Invalid) return std::nullopt;
  if (ta.token == tb.token) return 0;
  if (ta.token == Token::Suffix && ta.suffix < kNone) return -1;
  if (tb.token == Token::Suffix && tb.suffix < kNone) return 1;
  return ta.token > tb.token ? -1 : 1;
}

std::optional<int> compare_apk2(std::string_view a, std::string_view b) {
  if (a.find('\0') != std::string_view::npos || b.find('\0') != std::string_view::npos) return std::nullopt;
  return apk2::compare(a, b);
}

}  // namespace regscand::scanner::ecosystems::apk
