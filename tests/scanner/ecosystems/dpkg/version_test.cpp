// dpkg version ordering against every line of versions/dpkg.txt (dpkg's own, apt's, go-deb-version's and
// osv-scalibr's cases, all confirmed with dpkg --compare-versions), both ways, plus hostile input.
#include "scanner/ecosystems/dpkg/version.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/version_vectors.hpp"

namespace regscand::scanner::ecosystems::dpkg {
namespace {

std::optional<int> cmp(std::string_view a, std::string_view b) {
  return compare(a, b);
}

TEST(DpkgVersion, AllSharedVectorsBothWays) {
  const auto vectors = testing::read_version_vectors("dpkg.txt");
  ASSERT_EQ(vectors.size(), 14'625u);
  const auto report = testing::check_version_vectors("dpkg.txt", vectors, cmp);
  EXPECT_EQ(report.checked, 14'625u);
}

TEST(DpkgVersion, ParsesEpochUpstreamRevision) {
  const auto v = parse("01:2.30-1ubuntu1-2");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->epoch, "1");
  EXPECT_EQ(v->upstream, "2.30-1ubuntu1");
  EXPECT_EQ(v->revision, "2");
  EXPECT_EQ(cmp("0:1.0", "1.0"), 0);
  EXPECT_LT(*cmp("1.0~rc1", "1.0"), 0);
  EXPECT_LT(*cmp("1.0", "1.0+b1"), 0);
}

TEST(DpkgVersion, InvalidVersionsHaveNoOrder) {
  const std::vector<std::string> bads = {"",
                                         ":1.0",
                                         "a:1.0",
                                         "1:",
                                         "1.0-",
                                         "1.0 1",
                                         " 1.0",
                                         "-1",
                                         "99999999999:1",
                                         std::string("1.0\0", 4),
                                         "1.0\xff",
                                         "1.\xc3\xa9"};
  for (const auto& bad : bads) {
    EXPECT_FALSE(parse(bad)) << bad;
    EXPECT_EQ(cmp(bad, "1.0"), std::nullopt) << bad;
    EXPECT_EQ(cmp("1.0", bad), std::nullopt) << bad;
  }
  EXPECT_TRUE(parse("2147483647:1"));
  EXPECT_FALSE(parse("2147483648:1"));
}

TEST(DpkgVersion, HugeNumbersCompareByValue) {
  const std::string nines(10'000, '9');
  const std::string one_more = "1" + std::string(10'000, '0');
  EXPECT_LT(*cmp(nines, one_more), 0);
  EXPECT_GT(*cmp(one_more, nines), 0);
  EXPECT_EQ(cmp("000" + nines, nines), 0);
  EXPECT_LT(*cmp("1:" + nines, "2:0"), 0);
  EXPECT_EQ(cmp(std::string(10'000, '~'), std::string(10'000, '~')), 0);
  EXPECT_LT(*cmp("1." + nines + "~", "1." + nines), 0);
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::dpkg
