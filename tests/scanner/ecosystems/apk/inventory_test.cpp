// apk installed-database parsing against Trivy's and syft's fixtures in tests/data.
#include "scanner/ecosystems/apk/inventory.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_data.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace regscand::scanner::ecosystems::apk {
namespace {

namespace fs = std::filesystem;
const fs::path kData = fs::path(REGSCAND_TEST_DATA) / "pkgdb";

std::vector<std::string> names_versions(const std::vector<Package>& packages) {
  std::vector<std::string> out;
  for (const auto& p : packages) out.push_back(p.name + " " + p.version);
  return out;
}

TEST(ApkInstalled, TrivyFixtureGivesTrivysPackages) {
  auto parsed = parse_installed(testing::read_file(kData / "apk/trivy/installed"), "lib/apk/db/installed");
  ASSERT_TRUE(parsed) << parsed.error().message;
  std::vector<std::string> want;
  std::istringstream in(testing::read_file(kData / "expected/trivy-apk.txt"));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') want.push_back(line.substr(0, line.find(' ', line.find(' ') + 1)));
  }
  EXPECT_EQ(parsed->size(), 15u);
  EXPECT_EQ(names_versions(*parsed), want);
  const auto crypto =
      std::find_if(parsed->begin(), parsed->end(), [](const Package& p) { return p.name == "libcrypto1.0"; });
  ASSERT_NE(crypto, parsed->end());
  EXPECT_EQ(crypto->source_name, "openssl");
}

TEST(ApkInstalled, SyftFixtures) {
  const fs::path dir = kData / "apk/syft";
  auto multiple = parse_installed(testing::read_file(dir / "multiple-1/lib/apk/db/installed"), "x");
  ASSERT_TRUE(multiple) << multiple.error().message;
  EXPECT_EQ(names_versions(*multiple),
            (std::vector<std::string>{"bash 5.2.21-r0", "busybox-binsh 1.36.1-r15",
                                      "musl 1.2.4_git20230717-r4", "readline 8.2.1-r2"}));
  EXPECT_EQ((*multiple)[1].source_name, "busybox");
  auto single = parse_installed(testing::read_file(dir / "single"), "x");
  ASSERT_TRUE(single);
  EXPECT_EQ(names_versions(*single), std::vector<std::string>{"musl-utils 1.1.24-r2"});
  EXPECT_EQ((*single)[0].source_name, "musl");
  auto extra = parse_installed(testing::read_file(dir / "extra-file-attributes"), "x");
  ASSERT_TRUE(extra) << extra.error().message;
  EXPECT_FALSE(extra->empty());
  auto deps = parse_installed(testing::read_file(dir / "empty-deps-and-provides"), "x");
  ASSERT_TRUE(deps);
  EXPECT_EQ(names_versions(*deps), std::vector<std::string>{"alpine-baselayout-data 3.4.0-r0"});
  auto corrupt =
      parse_installed(testing::read_file(dir / "corrupt/lib/apk/db/installed"), "lib/apk/db/installed");
  ASSERT_FALSE(corrupt);
  EXPECT_NE(corrupt.error().message.find("lib/apk/db/installed:1"), std::string::npos);
}

TEST(ApkInstalled, HostileInput) {
  EXPECT_TRUE(parse_installed("", "x")->empty());
  auto crlf = parse_installed("P:a\r\nV:1-r0\r\n\r\n", "x");
  ASSERT_TRUE(crlf);
  EXPECT_EQ(names_versions(*crlf), std::vector<std::string>{"a 1-r0"});
  EXPECT_FALSE(parse_installed(std::string(1000, '\xff'), "x"));
  EXPECT_FALSE(parse_installed("P:" + std::string(2 << 20, 'x') + "\n", "x"));
  auto no_version = parse_installed("P:a\n\nP:b\nV:2\n", "x");
  ASSERT_TRUE(no_version);
  EXPECT_EQ(names_versions(*no_version), std::vector<std::string>{"b 2"});
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::apk
