// Alpine version ordering as apk-tools 3 does it: digit{.digit}[letter]{_suffix[N]}[~hash][-rN], suffixes
// _alpha < _beta < _pre < _rc < none < _cvs < _svn < _git < _hg < _p, numbers by value at any length.
#pragma once

#include <optional>
#include <string_view>

namespace regscand::scanner::ecosystems::apk {

// apk_version_validate(): the whole string follows the grammar above.
bool valid(std::string_view version);

// <0, 0 or >0 as `a` sorts before, with or after `b`. Like apk, the strings are compared token by token
// and a difference found before any invalid part decides (apk-tools' own `23_foo > 4_beta`); when the
// walk reaches an invalid token in either string the result is nullopt (apk would guess: invalid sorts
// lowest, two invalid tails are equal). Call valid() first to refuse any invalid string outright.
std::optional<int> compare(std::string_view a, std::string_view b);

// apk-tools 2.x's order, which accepted far more (a letter followed by digits as in `6.6.2p1-r0`, empty
// or repeated dots, bare letters) and orders every string: unknown tails sort first and two unknown tails
// compare equal. It differs from apk-tools 3 even on some valid versions (`6.0_pre1`, `8.2.001`, `~hash`).
// For parity with old Alpine releases and osv-scalibr's apk 2 generated vectors only; nullopt on a NUL.
std::optional<int> compare_apk2(std::string_view a, std::string_view b);

}  // namespace regscand::scanner::ecosystems::apk
