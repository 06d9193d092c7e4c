// rpm packages meet advisories by binary package name and epoch:version-release under the distribution's
// OSV ecosystem ("Red Hat:enterprise_linux:9", "Rocky Linux:9", "AlmaLinux:9", "openSUSE:Leap 15.5", ...);
// rpm's EVR order.
#pragma once

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::rpm {

class EvrMatcher final : public Matcher {
 public:
  std::string_view ecosystem() const override { return "rpm"; }
  std::optional<FeedKey> feed_key(const Package& package,
                                  const std::optional<Distribution>& distribution) const override;
  std::optional<int> compare(std::string_view a, std::string_view b) const override;
};

}  // namespace regscand::scanner::ecosystems::rpm
