#include "scanner/ecosystems/pypi/matcher.hpp"

#include "scanner/ecosystems/pypi/inventory.hpp"
#include "scanner/ecosystems/pypi/version.hpp"

namespace regscand::scanner::ecosystems::pypi {

std::optional<FeedKey> ProjectMatcher::feed_key(const Package& package,
                                                const std::optional<Distribution>& /*distribution*/) const {
  if (package.name.empty() || package.version.empty()) return std::nullopt;
  return FeedKey{"PyPI", normalize_name(package.name), package.version};
}

std::optional<int> ProjectMatcher::compare(std::string_view a, std::string_view b) const {
  return pypi::compare(a, b);
}

}  // namespace regscand::scanner::ecosystems::pypi
