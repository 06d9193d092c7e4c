// dpkg status parsing against the peers' fixtures in tests/data (Trivy, claircore, syft) with their
// expected results, plus hostile input.
#include "scanner/ecosystems/dpkg/inventory.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_data.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace regscand::scanner::ecosystems::dpkg {
namespace {

namespace fs = std::filesystem;
const fs::path kData = fs::path(REGSCAND_TEST_DATA) / "pkgdb";

// "name version" lines of an expected/ file, comments skipped.
std::vector<std::string> expected(const std::string& file) {
  std::vector<std::string> out;
  std::istringstream in(testing::read_file(kData / "expected" / file));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, version;
    fields >> name >> version;
    out.push_back(name + " " + version);
  }
  return out;
}

std::vector<std::string> names_versions(const std::vector<Package>& packages) {
  std::vector<std::string> out;
  for (const auto& p : packages) out.push_back(p.name + " " + p.version);
  return out;
}

// The packages of a file read whole (no limit hit).
Result<std::vector<Package>> packages_of(Result<LayerPackages> parsed) {
  if (!parsed) return std::unexpected(std::move(parsed).error());
  EXPECT_TRUE(parsed->problems.empty()) << parsed->problems[0].message;
  return std::move(parsed->packages);
}
Result<std::vector<Package>> status_file(const fs::path& p) {
  return packages_of(parse_status(testing::read_file(p), "var/lib/dpkg/status", false));
}
Result<std::vector<Package>> status_d(const fs::path& p) {
  return packages_of(
      parse_status(testing::read_file(p), "var/lib/dpkg/status.d/" + p.filename().string(), true));
}

std::string stanza(const std::string& name) {
  return "Package: " + name + "\nStatus: install ok installed\nVersion: 1.0\n\n";
}

TEST(DpkgStatus, TrivyFixturesGiveTrivysPackages) {
  const fs::path trivy = kData / "dpkg" / "trivy" / "extracted";
  auto valid = status_file(trivy / "valid" / "var/lib/dpkg/status");
  ASSERT_TRUE(valid) << valid.error().message;
  auto want = expected("trivy-dpkg-valid.txt");
  auto got = names_versions(*valid);
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got.size(), 90u);
  EXPECT_EQ(got, want);
  const auto bsdutils =
      std::find_if(valid->begin(), valid->end(), [](const Package& p) { return p.name == "bsdutils"; });
  ASSERT_NE(bsdutils, valid->end());
  EXPECT_EQ(bsdutils->source_name, "util-linux");
  EXPECT_EQ(bsdutils->version, "1:2.31.1-0.4ubuntu3.1");

  const std::pair<const char*, std::vector<std::string>> cases[] = {
      {"corrupsed",
       {"libpam-runtime 1.1.8-3.1ubuntu3", "libpam-modules-bin 1.1.8-3.1ubuntu3", "makedev 2.3.1-93ubuntu1",
        "libgcc1 1:5.1.1-12ubuntu1"}},
      {"only-apt", {"apt 1.6.3ubuntu0.1"}},
      {"digest", {"sed 4.4-2", "tar 1.34+dfsg-1"}},
      {"md5sums", {"tar 1.29b-2"}},
      {"third-party", {"apt 1.6.3ubuntu0.1", "docker-ce 5:20.10.7~3-0~debian-buster"}},
  };
  for (const auto& [name, packages] : cases) {
    auto parsed = status_file(trivy / name / "var/lib/dpkg/status");
    ASSERT_TRUE(parsed) << name << ": " << parsed.error().message;
    auto got_names = names_versions(*parsed);
    auto want_names = packages;
    std::sort(got_names.begin(), got_names.end());
    std::sort(want_names.begin(), want_names.end());
    EXPECT_EQ(got_names, want_names) << name;
  }
}

TEST(DpkgStatus, ClaircoreFixtures) {
  const fs::path dir = kData / "dpkg" / "claircore";
  auto texlive = status_file(dir / "texlive.status");
  ASSERT_TRUE(texlive) << texlive.error().message;
  EXPECT_EQ(texlive->size(), 357u);
  auto keyring = status_file(dir / "debian-only.status");
  ASSERT_TRUE(keyring);
  EXPECT_EQ(names_versions(*keyring), std::vector<std::string>{"debian-archive-keyring 2019.1"});
  auto postgres = status_file(dir / "postgresql.status");
  ASSERT_TRUE(postgres);
  const auto client = std::find_if(postgres->begin(), postgres->end(),
                                   [](const Package& p) { return p.name == "postgresql-client"; });
  ASSERT_NE(client, postgres->end());
  EXPECT_EQ(client->source_name, "postgresql-common");
  EXPECT_EQ(client->source_version, "200+deb10u5");
  auto vcpkg = status_file(dir / "vcpkg.status");
  ASSERT_FALSE(vcpkg) << "vcpkg's status file is not a dpkg database";
  EXPECT_NE(vcpkg.error().message.find("x64-windows"), std::string::npos);
}

TEST(DpkgStatus, SyftDistrolessFixtures) {
  const fs::path dir = kData / "dpkg" / "syft" / "var/lib/dpkg/status.d";
  auto single = status_d(dir / "single");
  ASSERT_TRUE(single);
  EXPECT_EQ(names_versions(*single), std::vector<std::string>{"apt 1.8.2"});
  auto sized = status_d(dir / "installed-size-4KB");
  ASSERT_TRUE(sized);
  EXPECT_EQ(names_versions(*sized), std::vector<std::string>{"apt 1.8.2"});
  // syft also lists "no-version" (no Version field); without a version there is nothing to match, and dpkg
  // itself refuses such a stanza, so it is skipped here.
  auto multiple = status_d(dir / "multiple");
  ASSERT_TRUE(multiple);
  EXPECT_EQ(names_versions(*multiple),
            (std::vector<std::string>{"tzdata 2020a-0+deb10u1", "util-linux 2.33.1-0.1"}));
  EXPECT_EQ((*multiple)[0].source_name, "tzdata-dev");
  auto deinstall = status_d(dir / "deinstall");
  ASSERT_TRUE(deinstall);
  EXPECT_EQ(names_versions(*deinstall),
            std::vector<std::string>{"linux-image-6.14.0-1012-aws 6.14.0-1012.12~24.04.1"});
  auto corrupt = status_d(dir / "corrupt");
  EXPECT_FALSE(corrupt);
  auto empty = status_d(dir / "empty");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto sqlite = status_d(kData / "dpkg/syft/image-distroless-deb/var/lib/dpkg/status.d/libsqlite3-0");
  ASSERT_TRUE(sqlite);
  ASSERT_EQ(sqlite->size(), 1u);
  EXPECT_EQ((*sqlite)[0].version, "3.34.1-3");
  EXPECT_EQ((*sqlite)[0].source_name, "sqlite3");
}

TEST(DpkgStatus, HostileInput) {
  EXPECT_TRUE(parse_status("", "s", false)->packages.empty());
  auto crlf = packages_of(
      parse_status("Package: a\r\nStatus: install ok installed\r\nVersion: 1.0\r\n\r\n", "s", false));
  ASSERT_TRUE(crlf);
  EXPECT_EQ(names_versions(*crlf), std::vector<std::string>{"a 1.0"});
  std::string garbage(4096, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 131 % 256);
  (void)parse_status(garbage, "s", false);  // any defined result
  auto truncated = parse_status("Package: a\nStatus: install ok installed\nVers", "s", false);
  ASSERT_TRUE(truncated);
  EXPECT_TRUE(truncated->packages.empty());
}

TEST(DpkgStatus, AFileOverALimitKeepsThePackagesBeforeItAndIsAProblem) {
  auto cut = parse_status(stanza("a") + stanza("b") + stanza("c"), "var/lib/dpkg/status", false,
                          StatusLimits{.max_stanzas = 2});
  ASSERT_TRUE(cut) << cut.error().message;
  EXPECT_EQ(names_versions(cut->packages), (std::vector<std::string>{"a 1.0", "b 1.0"}));
  ASSERT_EQ(cut->problems.size(), 1u);
  EXPECT_EQ(cut->problems[0].ecosystem, "dpkg");
  EXPECT_EQ(cut->problems[0].path, "var/lib/dpkg/status");
  EXPECT_EQ(cut->problems[0].limit, "max_stanzas");
  EXPECT_EQ(cut->problems[0].value, 2u);
  EXPECT_EQ(cut->problems[0].message,
            "dpkg: var/lib/dpkg/status: more than max_stanzas 2 stanzas: the rest is not read");

  auto whole = parse_status(stanza("a") + stanza("b"), "s", false, StatusLimits{.max_stanzas = 2});
  ASSERT_TRUE(whole);
  EXPECT_TRUE(whole->problems.empty()) << "exactly the limit is no problem";

  // The default limit: 200000 stanzas, the count the 60 MiB file (304451 stanzas) went over.
  std::string many;
  for (int i = 0; i <= 200'000; ++i) many += "Package: p\nVersion: 1\n\n";
  auto over = parse_status(many, "var/lib/dpkg/status.d/x", true);
  ASSERT_TRUE(over) << over.error().message;
  EXPECT_EQ(over->packages.size(), 200'000u);
  ASSERT_EQ(over->problems.size(), 1u);
  EXPECT_EQ(over->problems[0].value, 200'000u);

  auto long_line = parse_status(stanza("a") + "Description: " + std::string(2 << 20, 'x') + "\n", "s", false);
  ASSERT_TRUE(long_line) << long_line.error().message;
  EXPECT_EQ(names_versions(long_line->packages), std::vector<std::string>{"a 1.0"});
  ASSERT_EQ(long_line->problems.size(), 1u);
  EXPECT_EQ(long_line->problems[0].limit, "max_line_bytes");
  EXPECT_EQ(long_line->problems[0].value, 1u << 20);
  EXPECT_EQ(long_line->problems[0].message,
            "dpkg: s: line 5 longer than max_line_bytes 1048576: the rest is not read");
}

TEST(DpkgStatus, TheScannerReportsTheProblemsOfEachFile) {
  layers::LayerFiles files;
  std::string many;
  for (int i = 0; i <= 200'000; ++i) many += "Package: p\nVersion: 1\n\n";
  files.add("var/lib/dpkg/status.d/big", std::move(many));
  files.add("var/lib/dpkg/status.d/small", "Package: b\nVersion: 2\n");
  auto found = StatusScanner().scan(files);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->packages.size(), 200'001u);
  ASSERT_EQ(found->problems.size(), 1u);
  EXPECT_EQ(found->problems[0].path, "var/lib/dpkg/status.d/big");
  EXPECT_EQ(found->problems[0].limit, "max_stanzas");
}

TEST(DpkgStatus, ScannerWantsTheDatabases) {
  StatusScanner scanner;
  EXPECT_TRUE(scanner.wants("var/lib/dpkg/status"));
  EXPECT_TRUE(scanner.wants("var/lib/dpkg/status.d/base"));
  EXPECT_FALSE(scanner.wants("var/lib/dpkg/status.d/base.md5sums"));
  EXPECT_FALSE(scanner.wants("var/lib/dpkg/status-old"));
  EXPECT_FALSE(scanner.wants("var/lib/dpkg/status.d/"));
  layers::LayerFiles files;
  files.add("var/lib/dpkg/status", "Package: a\nStatus: install ok installed\nVersion: 1\n");
  files.add("var/lib/dpkg/status.d/b", "Package: b\nVersion: 2\n");
  auto found = scanner.scan(files);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->packages.size(), 2u);
  EXPECT_EQ(found->packages[1].path, "var/lib/dpkg/status.d/b");
  EXPECT_TRUE(found->problems.empty());
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::dpkg
