#include "scanner/ecosystems/apk/matcher.hpp"

#include "scanner/ecosystems/apk/version.hpp"

namespace regscand::scanner::ecosystems::apk {

std::optional<FeedKey> OriginMatcher::feed_key(const Package& package,
                                               const std::optional<Distribution>& distribution) const {
  if (!distribution || distribution->id != "alpine") return std::nullopt;
  // "3.19.1" -> "v3.19".
  const std::string_view id = distribution->version_id;
  const auto first = id.find('.');
  if (first == std::string_view::npos || first == 0) return std::nullopt;
  const auto second = id.find_first_not_of("0123456789", first + 1);
  const std::string_view release = id.substr(0, second);
  if (release.size() == first + 1) return std::nullopt;
  return FeedKey{"Alpine:v" + std::string(release),
                 package.source_name.empty() ? package.name : package.source_name, package.version};
}

std::optional<int> OriginMatcher::compare(std::string_view a, std::string_view b) const {
  return apk::compare(a, b);
}

}  // namespace regscand::scanner::ecosystems::apk
