#include "scanner/feeds/default_sources.hpp"

#include <algorithm>
#include <array>

namespace regscand::scanner::feeds {
namespace {

constexpr std::string_view kDefaultKeyword = "default";

#define REGSCAND_SECDB(release)                                                                            \
  DefaultSource{"Alpine:" release, "https://secdb.alpinelinux.org/" release "/main.json"}, DefaultSource { \
    "Alpine:" release, "https://secdb.alpinelinux.org/" release "/community.json"                          \
  }
#define REGSCAND_OSV(ecosystem, path)                                                \
  DefaultSource {                                                                    \
    ecosystem, "https://osv-vulnerabilities.storage.googleapis.com/" path "/all.zip" \
  }

constexpr std::array kDefaultSources{
    DefaultSource{"Debian", "https://security-tracker.debian.org/tracker/data/json"},
    REGSCAND_OSV("Ubuntu", "Ubuntu"),
    REGSCAND_SECDB("v3.16"),
    REGSCAND_SECDB("v3.17"),
    REGSCAND_SECDB("v3.18"),
    REGSCAND_SECDB("v3.19"),
    REGSCAND_SECDB("v3.20"),
    REGSCAND_SECDB("v3.21"),
    REGSCAND_SECDB("v3.22"),
    REGSCAND_SECDB("v3.23"),
    REGSCAND_OSV("Red Hat", "Red%20Hat"),
    REGSCAND_OSV("Rocky Linux", "Rocky%20Linux"),
    REGSCAND_OSV("AlmaLinux", "AlmaLinux"),
    REGSCAND_OSV("SUSE", "SUSE"),
    REGSCAND_OSV("openSUSE", "openSUSE"),
    REGSCAND_OSV("Azure Linux", "Azure%20Linux"),
    REGSCAND_OSV("PyPI", "PyPI"),
    REGSCAND_OSV("npm", "npm"),
    REGSCAND_OSV("RubyGems", "RubyGems"),
};

#undef REGSCAND_SECDB
#undef REGSCAND_OSV

void add_once(std::vector<std::string>& out, std::string_view source) {
  if (std::find(out.begin(), out.end(), source) == out.end()) out.emplace_back(source);
}

}  // namespace

std::span<const DefaultSource> default_sources() {
  return kDefaultSources;
}

std::vector<std::string> expand_sources(const std::vector<std::string>& configured) {
  std::vector<std::string> out;
  for (const auto& source : configured) {
    if (source != kDefaultKeyword) {
      add_once(out, source);
      continue;
    }
    for (const auto& d : kDefaultSources) add_once(out, d.url);
  }
  return out;
}

}  // namespace regscand::scanner::feeds
