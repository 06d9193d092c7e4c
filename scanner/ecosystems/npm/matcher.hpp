// npm packages meet advisories under OSV's "npm" ecosystem by package name, whatever the distribution of
// the image; versions in SemVer 2.0.0 precedence (node-semver, loose parsing for old spellings).
#pragma once

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::npm {

class PackageMatcher final : public Matcher {
 public:
  std::string_view ecosystem() const override { return "npm"; }
  std::optional<FeedKey> feed_key(const Package& package,
                                  const std::optional<Distribution>& distribution) const override;
  std::optional<int> compare(std::string_view a, std::string_view b) const override;
};

}  // namespace regscand::scanner::ecosystems::npm
