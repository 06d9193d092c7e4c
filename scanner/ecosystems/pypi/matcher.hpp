// Python distributions meet advisories under OSV's "PyPI" ecosystem by PEP 503 normalised project name,
// whatever the distribution of the image; versions in PEP 440 order (legacy versions never match).
#pragma once

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::pypi {

class ProjectMatcher final : public Matcher {
 public:
  std::string_view ecosystem() const override { return "pypi"; }
  std::optional<FeedKey> feed_key(const Package& package,
                                  const std::optional<Distribution>& distribution) const override;
  std::optional<int> compare(std::string_view a, std::string_view b) const override;
};

}  // namespace regscand::scanner::ecosystems::pypi
