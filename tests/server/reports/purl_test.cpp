// Package URLs per ecosystem: types, namespaces, qualifiers, and percent-encoding of every component.
#include "server/reports/purl.hpp"

#include <gtest/gtest.h>

namespace regscand::server::reports {
namespace {

ReportImage debian() {
  ReportImage image;
  image.os_id = "debian";
  image.os_version = "12";
  return image;
}

ReportPackage pkg(std::string ecosystem, std::string name, std::string version, std::string arch = "") {
  ReportPackage p;
  p.ecosystem = std::move(ecosystem);
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = std::move(arch);
  return p;
}

TEST(Purl, DebKeepsTheEpochInTheVersionEncoded) {
  EXPECT_EQ(purl(pkg("dpkg", "openssl", "3.0.11-1~deb12u2", "amd64"), debian()),
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12");
  EXPECT_EQ(purl(pkg("dpkg", "bsdutils", "1:2.38.1-5+b1", "amd64"), debian()),
            "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1?arch=amd64&distro=debian-12");
}

TEST(Purl, DebOnUbuntuAndWithoutDistribution) {
  ReportImage ubuntu;
  ubuntu.os_id = "ubuntu";
  ubuntu.os_version = "22.04";
  EXPECT_EQ(purl(pkg("dpkg", "zlib1g", "1:1.2.11", "amd64"), ubuntu),
            "pkg:deb/ubuntu/zlib1g@1%3A1.2.11?arch=amd64&distro=ubuntu-22.04");
  EXPECT_EQ(purl(pkg("dpkg", "zlib1g", "1.2"), ReportImage{}), "pkg:deb/debian/zlib1g@1.2");
}

TEST(Purl, Apk) {
  ReportImage alpine;
  alpine.os_id = "alpine";
  alpine.os_version = "3.18.4";
  EXPECT_EQ(purl(pkg("apk", "musl", "1.2.4-r2", "x86_64"), alpine),
            "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4");
}

TEST(Purl, RpmSplitsTheEpochIntoAQualifier) {
  ReportImage rhel;
  rhel.os_id = "rhel";
  rhel.os_version = "9.2";
  EXPECT_EQ(purl(pkg("rpm", "openssl-libs", "1:3.0.7-24.el9", "x86_64"), rhel),
            "pkg:rpm/redhat/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rhel-9.2&epoch=1");
  EXPECT_EQ(purl(pkg("rpm", "bash", "5.1.8-6.el9", "x86_64"), rhel),
            "pkg:rpm/redhat/bash@5.1.8-6.el9?arch=x86_64&distro=rhel-9.2");
}

TEST(Purl, LanguagePackages) {
  EXPECT_EQ(purl(pkg("pypi", "Django_Rest", "4.2.0"), debian()), "pkg:pypi/django-rest@4.2.0");
  EXPECT_EQ(purl(pkg("gem", "rack", "2.2.8"), debian()), "pkg:gem/rack@2.2.8");
  EXPECT_EQ(purl(pkg("npm", "lodash", "4.17.21"), debian()), "pkg:npm/lodash@4.17.21");
  EXPECT_EQ(purl(pkg("maven", "org.apache:commons-text", "1.9"), debian()),
            "pkg:maven/org.apache/commons-text@1.9");
  EXPECT_EQ(purl(pkg("cargo", "serde", "1.0"), debian()), "pkg:generic/serde@1.0");
}

TEST(Purl, ScopedNpmNameIsANamespaceWithAnEncodedAt) {
  EXPECT_EQ(purl(pkg("npm", "@angular/core", "16.2.0"), debian()), "pkg:npm/%40angular/core@16.2.0");
  EXPECT_EQ(purl(pkg("npm", "@Babel/Core", "7.0.0-beta.1+build"), debian()),
            "pkg:npm/%40babel/core@7.0.0-beta.1%2Bbuild");
}

TEST(Purl, HostileComponentsAreEncodedAndCannotAddSeparators) {
  const auto text = purl(pkg("dpkg", "a/b?c=d#e@f", "1 2&x=y", "amd64&distro=evil"), debian());
  EXPECT_EQ(text,
            "pkg:deb/debian/a%2Fb%3Fc%3Dd%23e%40f@1%202%26x%3Dy?arch=amd64%26distro%3Devil&distro=debian-12");
  EXPECT_EQ(purl_encode("\xc3\xa9\n\"<>"), "%C3%A9%0A%22%3C%3E");
  EXPECT_EQ(purl_encode("AZaz09.-_~"), "AZaz09.-_~");
}

}  // namespace
}  // namespace regscand::server::reports
