// Debian version ordering as `dpkg --compare-versions` does it: [epoch:]upstream[-revision], `~` before
// everything (even the end), letters before other characters, digit runs compared numerically at any length.
#pragma once

#include <optional>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::scanner::ecosystems::dpkg {

struct Version {
  std::string_view epoch;  // digits without leading zeros; empty for 0
  std::string_view upstream;
  std::string_view revision;  // empty when absent
};

// Fails, as dpkg does, on an empty string, blanks, a non-numeric, empty or over-INT_MAX epoch, nothing after
// the colon, or an empty revision. Also refused: bytes outside printable ASCII (dpkg only warns). What dpkg
// merely warns about otherwise (no leading digit, characters such as `_`) is accepted. The views point into
// `text`.
[[nodiscard]] Result<Version> parse(std::string_view text);

// <0, 0 or >0 as `a` sorts before, with or after `b`.
int compare(const Version& a, const Version& b);

// Both parsed and compared; nullopt when either does not parse.
std::optional<int> compare(std::string_view a, std::string_view b);

}  // namespace regscand::scanner::ecosystems::dpkg
