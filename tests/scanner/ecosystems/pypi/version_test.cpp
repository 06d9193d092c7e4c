// PEP 440 ordering against every line of versions/pep440.txt (pypa/packaging's own sorted list and
// normalisation cases, osv-scalibr's PyPI cases, all confirmed with packaging 23.0), both ways, plus
// hostile input.
#include "scanner/ecosystems/pypi/version.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/version_vectors.hpp"

namespace regscand::scanner::ecosystems::pypi {
namespace {

std::optional<int> cmp(std::string_view a, std::string_view b) {
  return compare(a, b);
}

// Deliberate exception: 80 osv-scalibr lines order legacy versions (`0.7.10p1`, `2013-01-21T20:33:09+0100`,
// `0.1-bulbasaur`) by packaging < 22's LegacyVersion, which sorted them before every PEP 440 version.
// packaging 22 removed LegacyVersion and raises InvalidVersion for them (the README's packaging 23.0 run
// skips the same 80), so here they are invalid: compare() must give nullopt both ways.
TEST(PypiVersion, AllSharedVectorsBothWays) {
  const auto vectors = testing::read_version_vectors("pep440.txt");
  ASSERT_EQ(vectors.size(), 16'791u);
  std::vector<testing::VersionVector> pep440;
  std::vector<testing::VersionVector> legacy;
  for (const auto& v : vectors) (parse(v.left) && parse(v.right) ? pep440 : legacy).push_back(v);
  EXPECT_EQ(pep440.size(), 16'711u);
  EXPECT_EQ(legacy.size(), 80u);
  testing::check_version_vectors("pep440.txt", pep440, cmp);
  for (const auto& v : legacy) {
    EXPECT_TRUE(v.source.starts_with("google/osv-scalibr")) << "pep440.txt:" << v.line;
    EXPECT_EQ(cmp(v.left, v.right), std::nullopt) << "pep440.txt:" << v.line;
    EXPECT_EQ(cmp(v.right, v.left), std::nullopt) << "pep440.txt:" << v.line;
  }
}

TEST(PypiVersion, Normalises) {
  EXPECT_EQ(cmp("V1.0-ALPHA.1", "1.0a1"), 0);
  EXPECT_EQ(cmp("1.0-1", "1.0.post1"), 0);
  EXPECT_EQ(cmp("1.0rev", "1.0.post0"), 0);
  EXPECT_EQ(cmp("1.0c1", "1.0rc1"), 0);
  EXPECT_EQ(cmp(" 1.0.dev \n", "1.0.dev0"), 0);
  EXPECT_EQ(cmp("0!1.0.0", "1"), 0);
  EXPECT_EQ(cmp("1.0+ubuntu-01", "1.0+ubuntu.1"), 0);
  EXPECT_LT(*cmp("1.0.dev1", "1.0a1"), 0);
  EXPECT_LT(*cmp("1.0", "1.0+local"), 0);
  EXPECT_LT(*cmp("1.0+abc", "1.0+1"), 0) << "numeric local parts sort after alphanumeric ones";
  const auto v = parse("2!1.02.0rc3.post4.dev5+Local.07");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->epoch, "2");
  EXPECT_EQ(v->release, (std::vector<std::string>{"1", "2", ""}));
  EXPECT_EQ(v->local, (std::vector<std::string>{"local", "7"}));
}

TEST(PypiVersion, InvalidVersionsHaveNoOrder) {
  const std::vector<std::string> bads = {"",
                                         "v",
                                         "1.0-",
                                         "1..0",
                                         "1.0+",
                                         "1.0+a..b",
                                         "1.0+a_",
                                         "french toast",
                                         "1.0.0-beta.1.2",
                                         "1!",
                                         "!1",
                                         "1.0\xff",
                                         std::string("1.0\0", 4),
                                         "0.1-rc1-rc2",
                                         "1.0foo",
                                         std::string(10'000, '.')};
  for (const auto& bad : bads) {
    EXPECT_FALSE(parse(bad)) << bad;
    EXPECT_EQ(cmp(bad, "1.0"), std::nullopt) << bad;
    EXPECT_EQ(cmp("1.0", bad), std::nullopt) << bad;
  }
}

TEST(PypiVersion, HugeNumbersCompareByValue) {
  const std::string nines(10'000, '9');
  const std::string one_more = "1" + std::string(10'000, '0');
  EXPECT_LT(*cmp(nines, one_more), 0);
  EXPECT_LT(*cmp(nines + "!0", one_more + "!0"), 0);
  EXPECT_LT(*cmp("1.0a" + nines, "1.0a" + one_more), 0);
  EXPECT_LT(*cmp("1.0+" + nines, "1.0+" + one_more), 0);
  EXPECT_EQ(cmp("1.0.post000" + nines, "1.0.post" + nines), 0);
  std::string many = "1";
  for (int i = 0; i < 5'000; ++i) many += ".0";
  EXPECT_EQ(cmp(many, "1"), 0);
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::pypi
