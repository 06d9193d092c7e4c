#include "scanner/ecosystems/dpkg/matcher.hpp"

#include "scanner/ecosystems/dpkg/version.hpp"

namespace regscand::scanner::ecosystems::dpkg {
namespace {

// "12.5" -> "12": Debian's feeds key a release by its major number.
std::string_view major(std::string_view version_id) {
  return version_id.substr(0, version_id.find('.'));
}

}  // namespace

std::optional<FeedKey> SourceMatcher::feed_key(const Package& package,
                                               const std::optional<Distribution>& distribution) const {
  if (!distribution || distribution->version_id.empty()) return std::nullopt;
  std::string ecosystem;
  if (distribution->id == "debian") {
    ecosystem = "Debian:" + std::string(major(distribution->version_id));
  } else if (distribution->id == "ubuntu") {
    ecosystem = "Ubuntu:" + distribution->version_id;
  } else {
    return std::nullopt;
  }
  return FeedKey{std::move(ecosystem), package.source_name.empty() ? package.name : package.source_name,
                 package.source_version.empty() ? package.version : package.source_version};
}

std::optional<int> SourceMatcher::compare(std::string_view a, std::string_view b) const {
  return dpkg::compare(a, b);
}

}  // namespace regscand::scanner::ecosystems::dpkg
