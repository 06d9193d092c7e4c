#include "scanner/ecosystems/npm/matcher.hpp"

#include "scanner/ecosystems/semver/version.hpp"

namespace regscand::scanner::ecosystems::npm {

std::optional<FeedKey> PackageMatcher::feed_key(const Package& package,
                                                const std::optional<Distribution>& /*distribution*/) const {
  if (package.name.empty() || package.version.empty()) return std::nullopt;
  return FeedKey{"npm", package.name, package.version};
}

std::optional<int> PackageMatcher::compare(std::string_view a, std::string_view b) const {
  return semver::compare(a, b, semver::Mode::Loose);
}

}  // namespace regscand::scanner::ecosystems::npm
