// Ruby gems meet advisories under OSV's "RubyGems" ecosystem by gem name, whatever the distribution of the
// image; versions in Gem::Version order.
#pragma once

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::gem {

class GemMatcher final : public Matcher {
 public:
  std::string_view ecosystem() const override { return "gem"; }
  std::optional<FeedKey> feed_key(const Package& package,
                                  const std::optional<Distribution>& distribution) const override;
  std::optional<int> compare(std::string_view a, std::string_view b) const override;
};

}  // namespace regscand::scanner::ecosystems::gem
