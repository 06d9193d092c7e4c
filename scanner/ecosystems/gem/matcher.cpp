#include "scanner/ecosystems/gem/matcher.hpp"

#include "scanner/ecosystems/gem/version.hpp"

namespace regscand::scanner::ecosystems::gem {

std::optional<FeedKey> GemMatcher::feed_key(const Package& package,
                                            const std::optional<Distribution>& /*distribution*/) const {
  if (package.name.empty() || package.version.empty()) return std::nullopt;
  return FeedKey{"RubyGems", package.name, package.version};
}

std::optional<int> GemMatcher::compare(std::string_view a, std::string_view b) const {
  return gem::compare(a, b);
}

}  // namespace regscand::scanner::ecosystems::gem
