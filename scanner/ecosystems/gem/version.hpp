// RubyGems version order as Gem::Version (rubygems 3.x) defines it: `[0-9]+(\.[0-9A-Za-z]+)*` with an
// optional `-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*` suffix (each `-` read as ".pre."), surrounding blanks ignored,
// blank meaning "0". Segments split at dots and at letter/digit boundaries; trailing zeros of the release
// and of the prerelease part are ignored; a letter segment sorts before any number ("1.0.a" < "1.0").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"

namespace regscand::scanner::ecosystems::gem {

struct Version {
  struct Segment {
    bool numeric = true;
    std::string text;  // numbers: digits without leading zeros, empty for 0; letters: as written
    friend bool operator==(const Segment&, const Segment&) = default;
  };
  std::vector<Segment> segments;  // Gem::Version#canonical_segments
  bool prerelease = false;        // any letter (or `-`) in the version
};

// InvalidArgument for what Gem::Version.new refuses ("Malformed version number string").
[[nodiscard]] Result<Version> parse(std::string_view text);

// <0, 0 or >0 as `a` sorts before, with or after `b` (Gem::Version#<=>).
int compare(const Version& a, const Version& b);

// Both parsed and compared; nullopt when either is malformed.
std::optional<int> compare(std::string_view a, std::string_view b);

}  // namespace regscand::scanner::ecosystems::gem
