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

// The packages of a file read whole (no limit hit).
Result<std::vector<Package>> installed(std::string_view text, std::string_view path) {
  auto parsed = parse_installed(text, path);
  if (!parsed) return std::unexpected(std::move(parsed).error());
  EXPECT_TRUE(parsed->problems.empty()) << parsed->problems[0].message;
  return std::move(parsed->packages);
}

std::vector<std::string> names_versions(const std::vector<Package>& packages) {
  std::vector<std::string> out;
  for (const auto& p : packages) out.push_back(p.name + " " + p.version);
  return out;
}

TEST(ApkInstalled, TrivyFixtureGivesTrivysPackages) {
  auto parsed = installed(testing::read_file(kData / "apk/trivy/installed"), "lib/apk/db/installed");
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
  auto multiple = installed(testing::read_file(dir / "multiple-1/lib/apk/db/installed"), "x");
  ASSERT_TRUE(multiple) << multiple.error().message;
  EXPECT_EQ(names_versions(*multiple),
            (std::vector<std::string>{"bash 5.2.21-r0", "busybox-binsh 1.36.1-r15",
                                      "musl 1.2.4_git20230717-r4", "readline 8.2.1-r2"}));
  EXPECT_EQ((*multiple)[1].source_name, "busybox");
  auto single = installed(testing::read_file(dir / "single"), "x");
  ASSERT_TRUE(single);
  EXPECT_EQ(names_versions(*single), std::vector<std::string>{"musl-utils 1.1.24-r2"});
  EXPECT_EQ((*single)[0].source_name, "musl");
  auto extra = installed(testing::read_file(dir / "extra-file-attributes"), "x");
  ASSERT_TRUE(extra) << extra.error().message;
  EXPECT_FALSE(extra->empty());
  auto deps = installed(testing::read_file(dir / "empty-deps-and-provides"), "x");
  ASSERT_TRUE(deps);
  EXPECT_EQ(names_versions(*deps), std::vector<std::string>{"alpine-baselayout-data 3.4.0-r0"});
  auto corrupt = installed(testing::read_file(dir / "corrupt/lib/apk/db/installed"), "lib/apk/db/installed");
  ASSERT_FALSE(corrupt);
  EXPECT_NE(corrupt.error().message.find("lib/apk/db/installed:1"), std::string::npos);
}

TEST(ApkInstalled, HostileInput) {
  EXPECT_TRUE(installed("", "x")->empty());
  auto crlf = installed("P:a\r\nV:1-r0\r\n\r\n", "x");
  ASSERT_TRUE(crlf);
  EXPECT_EQ(names_versions(*crlf), std::vector<std::string>{"a 1-r0"});
  EXPECT_FALSE(installed(std::string(1000, '\xff'), "x"));
  auto no_version = installed("P:a\n\nP:b\nV:2\n", "x");
  ASSERT_TRUE(no_version);
  EXPECT_EQ(names_versions(*no_version), std::vector<std::string>{"b 2"});
}

TEST(ApkInstalled, AFileOverALimitKeepsThePackagesBeforeItAndIsAProblem) {
  const std::string records = "P:a\nV:1-r0\n\nP:b\nV:2-r0\n\nP:c\nV:3-r0\n\n";
  auto cut = parse_installed(records, "lib/apk/db/installed", {.max_records = 2});
  ASSERT_TRUE(cut) << cut.error().message;
  EXPECT_EQ(names_versions(cut->packages), (std::vector<std::string>{"a 1-r0", "b 2-r0"}));
  ASSERT_EQ(cut->problems.size(), 1u);
  EXPECT_EQ(cut->problems[0].ecosystem, "apk");
  EXPECT_EQ(cut->problems[0].limit, "max_records");
  EXPECT_EQ(cut->problems[0].value, 2u);
  EXPECT_EQ(cut->problems[0].message,
            "apk: lib/apk/db/installed: more than max_records 2 records: the rest is not read");

  auto long_line = parse_installed("P:a\nV:1-r0\n\nP:" + std::string(2 << 20, 'x') + "\n", "x");
  ASSERT_TRUE(long_line) << long_line.error().message;
  EXPECT_EQ(names_versions(long_line->packages), std::vector<std::string>{"a 1-r0"});
  ASSERT_EQ(long_line->problems.size(), 1u);
  EXPECT_EQ(long_line->problems[0].limit, "max_line_bytes");
  EXPECT_EQ(long_line->problems[0].value, 1u << 20);
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::apk
