// Matching an inventory against advisories the way each distribution publishes them: Debian by source
// package and release, Alpine by origin, sources merged per CVE, distro "not affected" winning, severity
// and remediation chosen in a stated order.
#include "scanner/matching/match.hpp"

#include <gtest/gtest.h>

namespace regscand::scanner::matching {
namespace {

using feeds::Advisory;
using feeds::Affected;
using feeds::FixState;
using feeds::Range;
using feeds::RangeEvent;
using feeds::Severity;
using Kind = RangeEvent::Kind;

Affected fixed_in(std::string ecosystem, std::string name, std::string fixed) {
  Affected a;
  a.ecosystem = std::move(ecosystem);
  a.name = std::move(name);
  a.ranges.push_back(
      Range{Range::Type::Ecosystem, {{Kind::Introduced, "0"}, {Kind::Fixed, std::move(fixed)}}});
  a.fix_state = FixState::Fixed;
  return a;
}

Affected open(std::string ecosystem, std::string name) {
  Affected a;
  a.ecosystem = std::move(ecosystem);
  a.name = std::move(name);
  a.ranges.push_back(Range{Range::Type::Ecosystem, {{Kind::Introduced, "0"}}});
  return a;
}

Advisory advisory(std::string source, std::string id, std::vector<Affected> affected) {
  Advisory a;
  a.source = std::move(source);
  a.id = std::move(id);
  a.affected = std::move(affected);
  return a;
}

pipeline::ImageInventory debian12() {
  pipeline::ImageInventory inv;
  inv.distribution = Distribution{"debian", "12.5", "bookworm", "Debian GNU/Linux 12 (bookworm)"};
  inv.packages = {
      {{"dpkg", "libssl3", "3.0.11-1~deb12u2", "amd64", "openssl", "3.0.11-1~deb12u2", "var/lib/dpkg/status"},
       0},
      {{"dpkg", "libc6", "2.36-9+deb12u4", "amd64", "glibc", "2.36-9+deb12u4", "var/lib/dpkg/status"}, 1}};
  return inv;
}

std::vector<Finding> run(std::vector<Advisory> advisories, const pipeline::ImageInventory& inv) {
  const AdvisoryIndex index(std::move(advisories));
  return match_inventory(index, inv, ecosystems::builtin_matchers());
}

TEST(Match, DebianBySourcePackageInItsOwnReleaseOnly) {
  auto tracker =
      advisory("debian-tracker", "CVE-2023-5678",
               {fixed_in("Debian:12", "openssl", "3.0.13-1~deb12u1"), fixed_in("Debian:11", "glibc", "9:9")});
  tracker.affected[0].severity = Severity::Medium;
  tracker.affected[0].severity_source = "debian-urgency";
  const auto findings =
      run({tracker, advisory("debian-tracker", "CVE-2000-0001", {fixed_in("Debian:12", "libssl3", "9:9")})},
          debian12());
  ASSERT_EQ(findings.size(), 1u) << "Debian 11 data and binary-name keys never match";
  const auto& f = findings[0];
  EXPECT_EQ(f.package, 0u);
  EXPECT_EQ(f.vulnerability, "CVE-2023-5678");
  EXPECT_EQ(f.fix_state, FixState::Fixed);
  EXPECT_EQ(f.fixed_version, "3.0.13-1~deb12u1");
  EXPECT_EQ(f.remediation, "Upgrade libssl3 to 3.0.13-1~deb12u1 or later");
  EXPECT_EQ(f.severity, Severity::Medium);
  EXPECT_EQ(f.severity_source, "debian-urgency");
  EXPECT_EQ(f.sources, (std::vector<std::string>{"debian-tracker:CVE-2023-5678"}));
}

TEST(Match, AlreadyFixedVersionsAreNotFindings) {
  EXPECT_TRUE(
      run({advisory("debian-tracker", "CVE-1", {fixed_in("Debian:12", "openssl", "3.0.11-1~deb12u2")})},
          debian12())
          .empty());
}

TEST(Match, SourcesOfOneCveMergeAndTheDistroSpeaksFirst) {
  auto osv = advisory("osv", "DSA-5532-1", {fixed_in("Debian:12", "openssl", "3.0.11-1~deb12u3")});
  osv.aliases = {"CVE-2023-5678"};
  osv.cvss = {{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, Severity::High}};
  osv.references = {"https://www.debian.org/security/2023/dsa-5532"};
  auto tracker =
      advisory("debian-tracker", "CVE-2023-5678", {fixed_in("Debian:12", "openssl", "3.0.13-1~deb12u1")});
  const auto findings = run({osv, tracker}, debian12());
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.vulnerability, "CVE-2023-5678");
  EXPECT_EQ(f.aliases, (std::vector<std::string>{"DSA-5532-1"}));
  EXPECT_EQ(f.fixed_version, "3.0.13-1~deb12u1") << "the tracker's fixed version, not the DSA's";
  EXPECT_EQ(f.severity, Severity::High) << "no distro severity: the CVSS rating";
  EXPECT_EQ(f.severity_source, "cvss:3.1");
  ASSERT_TRUE(f.cvss);
  EXPECT_EQ(f.cvss->score, 7.5);
  EXPECT_EQ(f.sources, (std::vector<std::string>{"debian-tracker:CVE-2023-5678", "osv:DSA-5532-1"}));
  EXPECT_EQ(f.references, osv.references);
}

TEST(Match, DistroNotAffectedWinsAndWithdrawnNeverMatches) {
  auto osv = advisory("osv", "CVE-2023-9999", {open("Debian:12", "openssl")});
  Affected not_affected;
  not_affected.ecosystem = "Debian:12";
  not_affected.name = "openssl";
  not_affected.fix_state = FixState::NotAffected;
  auto withdrawn = advisory("osv", "CVE-2023-7777", {open("Debian:12", "glibc")});
  withdrawn.withdrawn = "2024-01-01T00:00:00Z";
  EXPECT_TRUE(
      run({osv, advisory("debian-tracker", "CVE-2023-9999", {not_affected}), withdrawn}, debian12()).empty());
}

TEST(Match, OpenAndWontFix) {
  auto ignored = open("Debian:12", "glibc");
  ignored.fix_state = FixState::WontFix;
  auto open_one = advisory("debian-tracker", "CVE-2024-0002", {open("Debian:12", "openssl")});
  open_one.severity = Severity::Low;
  open_one.severity_source = "nvd";
  const auto findings = run({open_one, advisory("debian-tracker", "CVE-2024-0001", {ignored})}, debian12());
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].vulnerability, "CVE-2024-0002");
  EXPECT_EQ(findings[0].fix_state, FixState::NotFixed);
  EXPECT_EQ(findings[0].remediation, "No fix available yet");
  EXPECT_EQ(findings[0].severity, Severity::Low);
  EXPECT_EQ(findings[0].severity_source, "nvd");
  EXPECT_EQ(findings[1].package, 1u);
  EXPECT_EQ(findings[1].fix_state, FixState::WontFix);
  EXPECT_EQ(findings[1].severity, Severity::Unknown);
}

TEST(Match, AlpineByOriginUnderMajorMinor) {
  pipeline::ImageInventory inv;
  inv.distribution = Distribution{"alpine", "3.11.5", "", "Alpine Linux v3.11"};
  inv.packages = {
      {{"apk", "libcrypto1.1", "1.1.1d-r3", "x86_64", "openssl", "1.1.1d-r3", "lib/apk/db/installed"}, 0}};
  const auto findings =
      run({advisory("alpine-secdb", "CVE-2020-1967", {fixed_in("Alpine:v3.11", "openssl", "1.1.1g-r0")}),
           advisory("alpine-secdb", "CVE-2020-0000", {fixed_in("Alpine:v3.10", "openssl", "9")})},
          inv);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].vulnerability, "CVE-2020-1967");
  EXPECT_EQ(findings[0].remediation, "Upgrade libcrypto1.1 to 1.1.1g-r0 or later");
}

TEST(Match, UnknownDistributionsAndEcosystemsMatchNothing) {
  auto inv = debian12();
  inv.distribution.reset();
  EXPECT_TRUE(run({advisory("osv", "CVE-1", {open("Debian:12", "openssl")})}, inv).empty());
  EXPECT_EQ(normalize_ecosystem("Ubuntu:22.04:LTS"), "Ubuntu:22.04");
  EXPECT_EQ(normalize_ecosystem("Red Hat:enterprise_linux:9::appstream"), "Red Hat:enterprise_linux:9");
  EXPECT_EQ(normalize_name("PyPI", "Zope.Interface__x"), "zope-interface-x");
  EXPECT_EQ(normalize_name("npm", "Zope.Interface"), "Zope.Interface");
}

// Language packages match under their registry's OSV ecosystem whatever the image's distribution (here
// none at all): PyPI by PEP 503 name, npm by a SEMVER range, RubyGems in Gem::Version order.
pipeline::ImageInventory language_packages() {
  pipeline::ImageInventory inv;
  const std::string site = "usr/local/lib/python3.12/site-packages/";
  inv.packages = {
      {{"gem", "rack", "3.0.0.beta1", "", "rack", "3.0.0.beta1", "specifications/rack-3.0.0.beta1.gemspec"},
       0},
      {{"npm", "lodash", "4.17.20", "", "lodash", "4.17.20", "app/node_modules/lodash/package.json"}, 0},
      {{"npm", "minimist", "1.2.6", "", "minimist", "1.2.6", "app/node_modules/minimist/package.json"}, 0},
      {{"pypi", "Django_REST.framework", "3.14.0", "", "django-rest-framework", "3.14.0",
        site + "Django_REST.framework-3.14.0.dist-info/METADATA"},
       0}};
  return inv;
}

Affected semver_fixed_in(std::string name, std::string fixed) {
  auto a = fixed_in("npm", std::move(name), "");
  a.ranges = {Range{Range::Type::Semver, {{Kind::Introduced, "0"}, {Kind::Fixed, std::move(fixed)}}}};
  return a;
}

TEST(Match, LanguagePackagesNeedNoDistribution) {
  const auto inv = language_packages();
  ASSERT_FALSE(inv.distribution);
  auto drf = advisory("osv", "GHSA-xxxx-drf", {fixed_in("PyPI", "django-rest-framework", "3.15.2")});
  drf.aliases = {"CVE-2024-21520"};
  auto rack = advisory("osv", "GHSA-xxxx-rack", {open("RubyGems", "rack")});
  rack.affected[0].ranges[0].events = {{Kind::Introduced, "3.0.0.beta1"}, {Kind::Fixed, "3.0.4.1"}};
  rack.affected[0].fix_state = FixState::Fixed;
  const auto findings =
      run({drf, rack, advisory("osv", "GHSA-xxxx-lodash", {semver_fixed_in("lodash", "4.17.21")}),
           advisory("osv", "GHSA-xxxx-minimist", {semver_fixed_in("minimist", "1.2.6")}),
           advisory("osv", "GHSA-xxxx-pypi-lodash", {fixed_in("PyPI", "lodash", "9")})},
          inv);
  ASSERT_EQ(findings.size(), 3u) << "minimist 1.2.6 is the fixed version; a PyPI lodash is another package";
  EXPECT_EQ(findings[0].package, 0u);
  EXPECT_EQ(findings[0].vulnerability, "GHSA-xxxx-rack");
  EXPECT_EQ(findings[0].fixed_version, "3.0.4.1") << "3.0.0.beta1 is the first affected (Gem::Version)";
  EXPECT_EQ(findings[1].package, 1u);
  EXPECT_EQ(findings[1].vulnerability, "GHSA-xxxx-lodash");
  EXPECT_EQ(findings[1].remediation, "Upgrade lodash to 4.17.21 or later");
  EXPECT_EQ(findings[2].package, 3u);
  EXPECT_EQ(findings[2].vulnerability, "CVE-2024-21520");
  EXPECT_EQ(findings[2].fixed_version, "3.15.2");
  EXPECT_EQ(findings[2].remediation, "Upgrade Django_REST.framework to 3.15.2 or later");

  auto on_debian = language_packages();
  on_debian.distribution = debian12().distribution;
  EXPECT_EQ(run({drf}, on_debian).size(), 1u) << "and the distribution changes nothing";
  EXPECT_EQ(ecosystems::package_type("pypi"), "language");
  EXPECT_EQ(ecosystems::package_type("npm"), "language");
  EXPECT_EQ(ecosystems::package_type("gem"), "language");
  EXPECT_EQ(ecosystems::package_type("dpkg"), "os");
}

TEST(Match, PypiNamesMatchWhateverTheStoredSourceName) {
  // The matcher normalises the name itself: an empty source_name changes nothing.
  pipeline::ImageInventory inv;
  inv.packages = {{{"pypi", "Django_REST.framework", "3.14.0", "", "", "", "x.dist-info/METADATA"}, 0}};
  EXPECT_EQ(
      run({advisory("osv", "GHSA-1", {fixed_in("PyPI", "Django-Rest-Framework", "3.15.2")})}, inv).size(),
      1u);
}

}  // namespace
}  // namespace regscand::scanner::matching
