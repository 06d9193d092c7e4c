#include "scanner/ecosystems/rpm/matcher.hpp"

#include "scanner/ecosystems/rpm/version.hpp"

namespace regscand::scanner::ecosystems::rpm {

std::optional<FeedKey> EvrMatcher::feed_key(const Package& package,
                                            const std::optional<Distribution>& distribution) const {
  if (!distribution || distribution->version_id.empty()) return std::nullopt;
  const std::string_view id = distribution->id;
  const std::string major(
      std::string_view(distribution->version_id).substr(0, distribution->version_id.find('.')));
  std::string ecosystem;
  if (id == "rhel") {
    ecosystem = "Red Hat:enterprise_linux:" + major;
  } else if (id == "rocky") {
    ecosystem = "Rocky Linux:" + major;
  } else if (id == "almalinux") {
    ecosystem = "AlmaLinux:" + major;
  } else if (id == "opensuse-leap") {
    ecosystem = "openSUSE:Leap " + distribution->version_id;
  } else if (id == "sles") {
    ecosystem = "SUSE:Linux Enterprise Server " + distribution->version_id;
  } else if (id == "mariner" || id == "azurelinux") {
    ecosystem = "Azure Linux:" + distribution->version_id;
  } else {
    return std::nullopt;
  }
  return FeedKey{std::move(ecosystem), package.name, package.version};
}

std::optional<int> EvrMatcher::compare(std::string_view a, std::string_view b) const {
  return rpm::compare(a, b);
}

}  // namespace regscand::scanner::ecosystems::rpm
