#include "scanner/ecosystems/rpm/matcher.hpp"

#include "config/base/text.hpp"
#include "scanner/ecosystems/rpm/version.hpp"

namespace regscand::scanner::ecosystems::rpm {
namespace {

// SUSE names a service pack in words: "15.3" -> "15 SP3", "15" -> "15".
std::string service_pack(std::string_view version_id) {
  const auto dot = version_id.find('.');
  if (dot == std::string_view::npos) return std::string(version_id);
  const auto sp = version_id.substr(dot + 1);
  if (sp == "0") return std::string(version_id.substr(0, dot));
  return std::string(version_id.substr(0, dot)) + " SP" + std::string(sp);
}

// Amazon Linux 1 has date versions ("2018.03"); 2, 2022 and 2023 are plain numbers.
std::string amazon_release(std::string_view version_id) {
  if (version_id.find('.') != std::string_view::npos) return "1";
  return std::string(version_id);
}

}  // namespace

std::optional<FeedKey> EvrMatcher::feed_key(const Package& package,
                                            const std::optional<Distribution>& distribution) const {
  if (!distribution || distribution->version_id.empty()) return std::nullopt;
  const std::string_view id = distribution->id;
  const std::string_view version_id = distribution->version_id;
  const std::string major(text::leading_fields(version_id, '.', 1));
  std::string ecosystem;
  if (id == "rhel" || id == "centos") {
    ecosystem = "Red Hat:enterprise_linux:" + major;
  } else if (id == "rocky") {
    ecosystem = "Rocky Linux:" + major;
  } else if (id == "almalinux") {
    ecosystem = "AlmaLinux:" + major;
  } else if (id == "opensuse-leap") {
    ecosystem = "openSUSE:Leap " + std::string(text::leading_fields(version_id, '.', 2));
  } else if (id == "opensuse-tumbleweed") {
    ecosystem = "openSUSE:Tumbleweed";
  } else if (id == "sles") {
    ecosystem = "SUSE:Linux Enterprise Server " + service_pack(version_id);
  } else if (id == "sle-micro") {
    ecosystem = "SUSE:Linux Enterprise Micro " + std::string(version_id);
  } else if (id == "mariner" || id == "azurelinux") {
    ecosystem = "Azure Linux:" + std::string(version_id);
  } else if (id == "amzn") {
    ecosystem = "Amazon Linux:" + amazon_release(version_id);
  } else if (id == "photon") {
    // Photon's advisories name the source package (curl covers curl-libs).
    return FeedKey{"Photon OS:" + std::string(text::leading_fields(version_id, '.', 2)),
                   package.source_name.empty() ? package.name : package.source_name,
                   package.source_version.empty() ? package.version : package.source_version};
  } else {
    return std::nullopt;
  }
  return FeedKey{std::move(ecosystem), package.name, package.version};
}

std::optional<int> EvrMatcher::compare(std::string_view a, std::string_view b) const {
  return rpm::compare(a, b);
}

}  // namespace regscand::scanner::ecosystems::rpm
