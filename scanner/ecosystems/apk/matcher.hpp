// apk packages meet advisories the way Alpine publishes them (secdb, OSV "Alpine:v3.19"): by origin and
// package version under the release's major.minor; apk version order.
#pragma once

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::apk {

class OriginMatcher final : public Matcher {
 public:
  std::string_view ecosystem() const override { return "apk"; }
  std::optional<FeedKey> feed_key(const Package& package,
                                  const std::optional<Distribution>& distribution) const override;
  std::optional<int> compare(std::string_view a, std::string_view b) const override;
};

}  // namespace regscand::scanner::ecosystems::apk
