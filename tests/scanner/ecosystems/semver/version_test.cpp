// SemVer precedence against every line of versions/semver.txt (node-semver's comparison and equality
// fixtures, osv-scalibr's cases), both ways: lines tagged `# loose` in loose mode, the rest strict. Plus
// hostile input.
#include "scanner/ecosystems/semver/version.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/version_vectors.hpp"

namespace regscand::scanner::ecosystems::semver {
namespace {

std::optional<int> strict(std::string_view a, std::string_view b) {
  return compare(a, b, Mode::Strict);
}
std::optional<int> loose(std::string_view a, std::string_view b) {
  return compare(a, b, Mode::Loose);
}

// Deliberate exceptions: two osv-scalibr lines compare strings that are not MAJOR.MINOR.PATCH
// (`999999999999999999999999999991` and `1.1.3.4.5`), which osv-scalibr's lenient parser orders but
// node-semver, Go's golang.org/x/mod/semver and Rust's semver crate all reject; compare() refuses them.
constexpr std::string_view kNotSemver[] = {"999999999999999999999999999991", "1.1.3.4.5"};

TEST(SemverVersion, AllSharedVectorsBothWays) {
  const auto vectors = testing::read_version_vectors("semver.txt");
  ASSERT_EQ(vectors.size(), 127u);
  std::vector<testing::VersionVector> strict_lines;
  std::vector<testing::VersionVector> loose_lines;
  std::vector<testing::VersionVector> refused;
  for (const auto& v : vectors) {
    if (v.left == kNotSemver[0] || v.left == kNotSemver[1]) {
      refused.push_back(v);
    } else {
      (v.comment == "loose" ? loose_lines : strict_lines).push_back(v);
    }
  }
  EXPECT_EQ(strict_lines.size(), 105u);
  EXPECT_EQ(loose_lines.size(), 20u);
  EXPECT_EQ(refused.size(), 2u);
  testing::check_version_vectors("semver.txt", strict_lines, strict);
  testing::check_version_vectors("semver.txt (loose)", loose_lines, loose);
  for (const auto& v : refused) {
    EXPECT_EQ(strict(v.left, v.right), std::nullopt) << "semver.txt:" << v.line;
    EXPECT_EQ(loose(v.left, v.right), std::nullopt) << "semver.txt:" << v.line;
  }
}

TEST(SemverVersion, ModesDiffer) {
  EXPECT_EQ(strict("v1.2.3", "1.2.3"), 0);
  EXPECT_EQ(strict("=1.2.3", "1.2.3"), std::nullopt);
  EXPECT_EQ(loose("=v 1.2.3", "1.2.3"), 0);
  EXPECT_EQ(strict("01.2.3", "1.2.3"), std::nullopt);
  EXPECT_EQ(loose("01.2.3", "1.2.3"), 0);
  EXPECT_EQ(strict("1.2.3beta", "1.2.3-beta"), std::nullopt);
  EXPECT_EQ(loose("1.2.3beta", "1.2.3-beta"), 0);
  EXPECT_EQ(strict("1.2.3-01", "1.2.3-1"), std::nullopt);
  EXPECT_EQ(strict("1.2.3+build.01", "1.2.3"), 0) << "build identifiers may have leading zeros";
  EXPECT_LT(*strict("1.2.3-alpha.9", "1.2.3-alpha.10"), 0);
  EXPECT_LT(*strict("1.2.3-9", "1.2.3-a"), 0);
}

TEST(SemverVersion, HostileInput) {
  const std::vector<std::string> bads = {"",
                                         "1",
                                         "1.2",
                                         "1.2.3.4",
                                         "1.2.3-",
                                         "1.2.3+",
                                         "1.2.3-a..b",
                                         "1.2.3+a..",
                                         "-1.2.3",
                                         "1.2.3-\xff",
                                         "1.2.\xc3\xa9",
                                         std::string("1.2.3\0", 6),
                                         std::string(10'000, '.')};
  for (const auto& bad : bads) {
    EXPECT_EQ(strict(bad, "1.2.3"), std::nullopt) << bad;
    EXPECT_EQ(loose("1.2.3", bad), std::nullopt) << bad;
  }
  const std::string nines(10'000, '9');
  const std::string one_more = "1" + std::string(10'000, '0');
  EXPECT_LT(*strict(nines + ".0.0", one_more + ".0.0"), 0);
  EXPECT_LT(*strict("1.2.3-" + nines, "1.2.3-" + one_more), 0);
  EXPECT_LT(*strict("1.2.3-" + nines, "1.2.3-a"), 0);
  EXPECT_EQ(loose("0000" + nines + ".0.0", nines + ".0.0"), 0);
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::semver
