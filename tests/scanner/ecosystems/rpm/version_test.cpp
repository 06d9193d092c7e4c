// RPM version ordering against every line of versions/rpm.txt, both ways: [vercmp] blocks through
// rpmvercmp(), [evr] blocks as [epoch:]version[-release], [nevra] blocks with claircore's name-aware compare.
// The README's lines rpm 4.18's rpm.vercmp() disagrees with are not exceptions here: (a) `""` is an empty
// string to rpmvercmp() (rpm.vercmp refuses it only because it parses an EVR first; go-rpm-version's cases
// order it before everything, as rpmvercmp.c's "whichever version still has characters left over wins"
// does); (b) a `-` inside a [vercmp] string is a plain separator to rpmvercmp(); (c) [nevra] lines go
// through compare_nevra().
#include "scanner/ecosystems/rpm/version.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/version_vectors.hpp"

namespace regscand::scanner::ecosystems::rpm {
namespace {

using testing::VersionVector;

std::vector<VersionVector> tagged(const std::vector<VersionVector>& all, std::string_view tag) {
  std::vector<VersionVector> out;
  for (const auto& v : all) {
    if (v.source.find(tag) != std::string::npos) out.push_back(v);
  }
  return out;
}

TEST(RpmVersion, AllSharedVectorsBothWays) {
  const auto all = testing::read_version_vectors("rpm.txt");
  ASSERT_EQ(all.size(), 4'946u);
  const auto vercmp = tagged(all, "[vercmp]");
  const auto evr = tagged(all, "[evr]");
  const auto nevra = tagged(all, "[nevra]");
  EXPECT_EQ(vercmp.size() + evr.size() + nevra.size(), all.size());
  testing::check_version_vectors("rpm.txt [vercmp]", vercmp, [](std::string_view a, std::string_view b) {
    return compare_segments(a, b);
  });
  testing::check_version_vectors("rpm.txt [evr]", evr,
                                 [](std::string_view a, std::string_view b) { return compare(a, b); });
  testing::check_version_vectors("rpm.txt [nevra]", nevra,
                                 [](std::string_view a, std::string_view b) { return compare_nevra(a, b); });
}

TEST(RpmVersion, ParsesEvrAsRpmDoes) {
  auto e = parse_evr("2:1.0-3.el9");
  EXPECT_EQ(e.epoch, "2");
  EXPECT_EQ(e.version, "1.0");
  EXPECT_EQ(e.release, "3.el9");
  e = parse_evr("1.0");
  EXPECT_EQ(e.epoch, "");
  EXPECT_FALSE(e.release);
  e = parse_evr("a:1-2-3");
  EXPECT_EQ(e.version, "a:1-2");
  EXPECT_EQ(e.release, "3");
  // osv-scalibr's redhat-versions.txt (lines 4906-4908 of rpm.txt) orders a missing release first, as
  // rpm's labelCompare() does: "1" < "1-" < "1-0".
  EXPECT_LT(*compare("1.0", "1.0-"), 0);
  EXPECT_LT(*compare("1.0-", "1.0-0"), 0);
  EXPECT_EQ(compare("0:1.0-1", "1.0-1"), 0);
  EXPECT_EQ(compare(":1.0-1", "0:1.0-1"), 0);
  EXPECT_LT(*compare("1.0~rc1", "1.0"), 0);
  EXPECT_GT(*compare("1.0^git1", "1.0"), 0);
  EXPECT_LT(*compare("1.0^git1", "1.0.1"), 0);
}

TEST(RpmVersion, HostileInput) {
  const std::string nines(10'000, '9');
  const std::string one_more = "1" + std::string(10'000, '0');
  EXPECT_LT(*compare_segments(nines, one_more), 0);
  EXPECT_GT(*compare(one_more + ":0", nines + ":9"), 0);
  EXPECT_EQ(compare_segments("0000" + nines, nines), 0);
  EXPECT_EQ(compare_segments(std::string(10'000, '.'), ""), 0);
  EXPECT_EQ(compare_segments(std::string(10'000, '^'), std::string(10'000, '^')), 0);
  const std::string nul("1.0\0", 4);
  EXPECT_EQ(compare_segments(nul, "1.0"), std::nullopt);
  EXPECT_EQ(compare("1.0", nul), std::nullopt);
  EXPECT_EQ(compare_nevra(nul, "a-1-1"), std::nullopt);
  EXPECT_EQ(compare_nevra("nohyphen", "a-1-1"), std::nullopt);
  EXPECT_EQ(compare_segments("1.\xff\xfe", "1"), 0) << "non-ASCII bytes are separators, as in rpm";
  EXPECT_EQ(compare("", ""), 0);
  EXPECT_LT(*compare("", "0"), 0);
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::rpm
