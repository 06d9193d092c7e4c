// The rpm analyzer on every rpm database in tests/data against the peers' expected results (go-rpmdb's
// packages.csv from `rpm -qa`, curl.json, and the libuuid and syft BerkeleyDB cases), through the scanner
// interface on layer files, and on files that are not rpm databases.
#include "scanner/ecosystems/rpm/inventory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "tests/scanner/ecosystems/rpm/rpm_files.hpp"
#include "tests/support/test_data.hpp"

namespace regscand::scanner::ecosystems::rpm {
namespace {

namespace fs = std::filesystem;
const fs::path kRpm = regscand::testing::test_data() / "pkgdb/rpm";

std::vector<std::string> split(const std::string& line, std::string_view separator) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (auto at = line.find(separator); at != std::string::npos; at = line.find(separator, from)) {
    out.push_back(line.substr(from, at - from));
    from = at + separator.size();
  }
  out.push_back(line.substr(from));
  return out;
}

// go-rpmdb's packages.csv (epoch¶name¶version¶release¶arch¶sourcerpm¶size¶license¶vendor¶...) as
// "name evr arch sourcerpm license vendor" lines, sorted. Fields are compared as stored: Amazon's
// gpg-pubkey header holds the literal SOURCERPM "(none)" and no ARCH.
std::vector<std::string> expected_csv(const fs::path& csv) {
  std::vector<std::string> out;
  std::istringstream in(regscand::testing::read_file(csv));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto f = split(line, "¶");
    EXPECT_GE(f.size(), 9u) << line;
    if (f.size() < 9) continue;
    const std::string evr = (f[0].empty() ? "" : f[0] + ":") + f[2] + "-" + f[3];
    out.push_back(f[1] + " " + evr + " " + f[4] + " " + f[5] + " " + f[7] + " " + f[8]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> describe(const std::vector<Header>& headers) {
  std::vector<std::string> out;
  for (const auto& h : headers) {
    out.push_back(h.name + " " + evr(h) + " " + h.arch + " " + h.source_rpm + " " + h.license + " " +
                  h.vendor);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const Package* find(const std::vector<Package>& packages, std::string_view name) {
  const auto it =
      std::find_if(packages.begin(), packages.end(), [&](const Package& p) { return p.name == name; });
  return it == packages.end() ? nullptr : &*it;
}

TEST(RpmInventory, SqliteAmazonLinux2023MatchesRpmQa) {
  auto headers = read_headers(regscand::testing::read_file(kRpm / "amazonlinux2023-plain/rpmdb.sqlite"),
                              "var/lib/rpm/rpmdb.sqlite");
  ASSERT_TRUE(headers) << headers.error().message;
  EXPECT_EQ(headers->size(), 103u);
  EXPECT_EQ(describe(*headers), expected_csv(kRpm / "amazonlinux2023-plain/packages.csv"));
}

TEST(RpmInventory, NdbSle15MatchesRpmQa) {
  auto headers = read_headers(regscand::testing::read_file(kRpm / "sle15-bci/Packages.db"),
                              "usr/lib/sysimage/rpm/Packages.db");
  ASSERT_TRUE(headers) << headers.error().message;
  EXPECT_EQ(headers->size(), 36u);
  EXPECT_EQ(describe(*headers), expected_csv(kRpm / "sle15-bci/packages.csv"));
}

TEST(RpmInventory, SqliteMarinerHasGoRpmdbsCurl) {
  auto packages = parse_rpmdb(regscand::testing::read_file(kRpm / "cbl-mariner-2.0/rpmdb.sqlite"),
                              "var/lib/rpm/rpmdb.sqlite");
  ASSERT_TRUE(packages) << packages.error().message;
  EXPECT_EQ(packages->size(), 129u);
  const Package* curl = find(*packages, "curl");
  ASSERT_NE(curl, nullptr);
  EXPECT_EQ(*curl, (Package{"rpm", "curl", "7.76.0-6.cm2", "x86_64", "curl", "7.76.0-6.cm2",
                            "var/lib/rpm/rpmdb.sqlite"}));
  auto headers = read_headers(regscand::testing::read_file(kRpm / "cbl-mariner-2.0/rpmdb.sqlite"), "x");
  ASSERT_TRUE(headers);
  const auto h =
      std::find_if(headers->begin(), headers->end(), [](const Header& h) { return h.name == "curl"; });
  ASSERT_NE(h, headers->end());
  EXPECT_EQ(h->source_rpm, "curl-7.76.0-6.cm2.src.rpm");
  EXPECT_EQ(h->vendor, "Microsoft Corporation");
  EXPECT_EQ(h->license, "MIT");
  EXPECT_EQ(h->modularity_label, "");
  EXPECT_FALSE(h->epoch);
}

TEST(RpmInventory, BerkeleyDbLibuuidAndDive) {
  auto libuuid =
      parse_rpmdb(regscand::testing::read_file(kRpm / "libuuid-rhel8-bdb/Packages"), "var/lib/rpm/Packages");
  ASSERT_TRUE(libuuid) << libuuid.error().message;
  EXPECT_EQ(*libuuid, (std::vector<Package>{{"rpm", "libuuid", "2.32.1-42.el8_8", "x86_64", "util-linux",
                                             "2.32.1-42.el8_8", "var/lib/rpm/Packages"}}));

  auto dive = parse_rpmdb(regscand::testing::read_file(kRpm / "syft-redhat-testdata-bdb/Packages"),
                          "var/lib/rpm/Packages");
  ASSERT_TRUE(dive) << dive.error().message;
  EXPECT_EQ(*dive, (std::vector<Package>{
                       {"rpm", "dive", "0.9.2-1", "x86_64", "dive", "0.9.2-1", "var/lib/rpm/Packages"}}));
}

TEST(RpmInventory, EpochGoesIntoVersionAndSourceVersion) {
  auto packages = parse_rpmdb(regscand::testing::read_file(kRpm / "amazonlinux2023-plain/rpmdb.sqlite"),
                              "var/lib/rpm/rpmdb.sqlite");
  ASSERT_TRUE(packages) << packages.error().message;
  const Package* ssl = find(*packages, "openssl-libs");
  ASSERT_NE(ssl, nullptr);
  EXPECT_EQ(ssl->version, "1:3.0.8-1.amzn2023.0.4");
  EXPECT_EQ(ssl->source_name, "openssl");
  EXPECT_EQ(ssl->source_version, "1:3.0.8-1.amzn2023.0.4");
  const Package* key = find(*packages, "gpg-pubkey");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->version, "d832c631-63977702");
  EXPECT_EQ(key->source_name, "gpg-pubkey");
  EXPECT_EQ(key->source_version, "d832c631-63977702");
  EXPECT_EQ(key->arch, "");
}

TEST(RpmInventory, ModularityLabelIsKept) {
  Header header;
  header.name = "nodejs";
  header.version = "18.18.2";
  header.release = "1.module_el8.8.0+3671+1b5a8d4d";
  header.epoch = 1;
  header.modularity_label = "nodejs:18:8080020230825:ad008a3a";
  const Package p = to_package(header, "var/lib/rpm/Packages");
  EXPECT_EQ(p.version, "1:18.18.2-1.module_el8.8.0+3671+1b5a8d4d");
  EXPECT_EQ(p.module, "nodejs:18:8080020230825:ad008a3a");
  header.modularity_label.clear();
  EXPECT_EQ(to_package(header, "var/lib/rpm/Packages").module, "");
}

TEST(RpmInventory, ScannerWantsTheSixDatabasePaths) {
  const PackagesScanner scanner;
  for (const char* path : {"var/lib/rpm/Packages", "var/lib/rpm/Packages.db", "var/lib/rpm/rpmdb.sqlite",
                           "usr/lib/sysimage/rpm/Packages", "usr/lib/sysimage/rpm/Packages.db",
                           "usr/lib/sysimage/rpm/rpmdb.sqlite"}) {
    EXPECT_TRUE(scanner.wants(path)) << path;
  }
  for (const char* path : {"var/lib/rpm/Name", "var/lib/rpm/rpmdb.sqlite-wal", "var/lib/rpm/x/Packages",
                           "opt/var/lib/rpm/Packages", "var/lib/rpm", "var/lib/rpmPackages", ""}) {
    EXPECT_FALSE(scanner.wants(path)) << path;
  }
}

TEST(RpmInventory, ScannerReadsEveryDatabaseOfALayer) {
  layers::LayerFiles files;
  files.add("var/lib/rpm/Packages", regscand::testing::read_file(kRpm / "libuuid-rhel8-bdb/Packages"));
  files.add("usr/lib/sysimage/rpm/Packages.db", regscand::testing::read_file(kRpm / "sle15-bci/Packages.db"));
  files.add("etc/os-release", "ID=x\n");
  auto scanned = PackagesScanner().scan(files);
  ASSERT_TRUE(scanned) << scanned.error().message;
  const auto& packages = scanned->packages;
  EXPECT_EQ(packages.size(), 37u);
  EXPECT_EQ(std::count_if(packages.begin(), packages.end(),
                          [](const Package& p) { return p.path == "usr/lib/sysimage/rpm/Packages.db"; }),
            36);
  EXPECT_TRUE(PackagesScanner().scan(layers::LayerFiles())->packages.empty());
}

TEST(RpmInventory, SyftCoverageRootfsHasDive) {
  layers::LayerFiles files;
  files.add("var/lib/rpm/Packages",
            regscand::testing::read_file(regscand::testing::test_data() /
                                         "pkgdb/syft-image-pkg-coverage/pkgs/var/lib/rpm/Packages"));
  auto scanned = PackagesScanner().scan(files);
  ASSERT_TRUE(scanned) << scanned.error().message;
  ASSERT_EQ(scanned->packages.size(), 1u);
  EXPECT_EQ(scanned->packages.front().name, "dive");
}

TEST(RpmInventory, NonDatabasesAndBadRecordsAreErrorsNamingTheFile) {
  auto garbage = parse_rpmdb("this is not a database at all", "var/lib/rpm/Packages");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().message,
            "rpm: var/lib/rpm/Packages: not an rpm database (BerkeleyDB hash, ndb or SQLite)");
  auto empty = parse_rpmdb("", "var/lib/rpm/Packages");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());

  const std::string bad = testing::header_blob({testing::str(1001, "1"), testing::str(1002, "1")});
  auto record = parse_rpmdb(testing::make_ndb({testing::package_blob("ok"), bad}), "var/lib/rpm/Packages.db");
  ASSERT_FALSE(record);
  EXPECT_EQ(record.error().message, "rpm: var/lib/rpm/Packages.db: record 1: no NAME");

  layers::LayerFiles files;
  files.add("var/lib/rpm/rpmdb.sqlite", "SQLite format 3");
  auto scanned = PackagesScanner().scan(files);
  ASSERT_FALSE(scanned);
  EXPECT_NE(scanned.error().message.find("rpm: var/lib/rpm/rpmdb.sqlite: "), std::string::npos);
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::rpm
