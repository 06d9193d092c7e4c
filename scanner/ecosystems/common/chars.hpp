// ASCII character classes and digit-run comparison shared by the version schemes: locale-free, so a
// version sorts the same on every machine.
#pragma once

#include <string_view>

namespace regscand::scanner::ecosystems::chars {

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
constexpr bool is_letter(char c) {
  return is_lower(c) || (c >= 'A' && c <= 'Z');
}
// C's isspace() in the "C" locale (also Ruby's and Python's \s over ASCII).
constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
constexpr int sign(int c) {
  return (c > 0) - (c < 0);
}

constexpr std::string_view strip_zeros(std::string_view digits) {
  while (!digits.empty() && digits.front() == '0') digits.remove_prefix(1);
  return digits;
}

// Two runs of digits compared as numbers of any length ("007" == "7" < "10"): -1, 0 or 1.
constexpr int compare_digits(std::string_view a, std::string_view b) {
  a = strip_zeros(a);
  b = strip_zeros(b);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return sign(a.compare(b));
}

}  // namespace regscand::scanner::ecosystems::chars
