// dpkg packages meet advisories the way Debian and Ubuntu publish them: by source package and source
// version, under the release's own ecosystem ("Debian:12", "Ubuntu:22.04"); dpkg version order.
#pragma once

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::dpkg {

class SourceMatcher final : public Matcher {
 public:
  std::string_view ecosystem() const override { return "dpkg"; }
  std::optional<FeedKey> feed_key(const Package& package,
                                  const std::optional<Distribution>& distribution) const override;
  std::optional<int> compare(std::string_view a, std::string_view b) const override;
};

}  // namespace regscand::scanner::ecosystems::dpkg
