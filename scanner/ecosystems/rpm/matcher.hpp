// rpm packages meet advisories under the distribution's OSV-style ecosystem ("Red Hat:enterprise_linux:9",
// "Rocky Linux:9", "openSUSE:Leap 15.5", "Amazon Linux:2", "Photon OS:3.0", ...), by binary package name
// and epoch:version-release, except Photon OS, which publishes by source package; rpm's EVR order. CentOS
// is a rebuild of RHEL and has no feed of its own: it is looked up under Red Hat's ecosystem, as Trivy and
// Grype do.
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
