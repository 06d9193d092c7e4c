// Semantic Versioning 2.0.0 precedence as npm's node-semver applies it, shared by npm, Go and crates:
// MAJOR.MINOR.PATCH[-prerelease][+build], build metadata ignored, prerelease identifiers numeric (by value)
// before alphanumeric (ASCII). Numbers compare by value at any length (node-semver stops at 2^53 - 1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"

namespace regscand::scanner::ecosystems::semver {

struct Version {
  std::string major, minor, patch;      // digits without leading zeros; empty for 0
  std::vector<std::string> prerelease;  // numeric identifiers without leading zeros
  std::vector<std::string> build;
};

enum class Mode {
  Strict,  // node-semver's default: an optional `v`, no leading zeros, `-` before the prerelease
  Loose,   // node-semver's loose: any run of `v`, `=` and blanks first, leading zeros, `-` optional
};

// Surrounding blanks are ignored in both modes.
[[nodiscard]] Result<Version> parse(std::string_view text, Mode mode = Mode::Strict);

// <0, 0 or >0 as `a` sorts before, with or after `b`.
int compare(const Version& a, const Version& b);

// Both parsed and compared; nullopt when either does not parse in `mode`.
std::optional<int> compare(std::string_view a, std::string_view b, Mode mode = Mode::Strict);

}  // namespace regscand::scanner::ecosystems::semver
