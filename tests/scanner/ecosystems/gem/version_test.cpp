// Gem::Version order against the vectors of RubyGems' own test suite, test/rubygems/test_gem_version.rb
// (rubygems/rubygems f0d9440234a3a91bc0218242e8e2f9bf269c7d86: test_spaceship, test_semver, test_eql_eh /
// test_equals2, test_hash, test_initialize, test_initialize_invalid, test_empty_version, test_prerelease,
// test_canonical_segments, test_frozen_version), plus hostile input.
#include "scanner/ecosystems/gem/version.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regscand::scanner::ecosystems::gem {
namespace {

struct Vector {
  std::string_view left;
  int want;
  std::string_view right;
};

// `assert_equal(want, v(left) <=> v(right))`, `assert_less_than left, right` (-1) and
// `assert_version_equal` (0) from test_gem_version.rb.
constexpr Vector kVectors[] = {
    // test_spaceship
    {"1.0", 0, "1.0.0"},
    {"1.0", 1, "1.0.a"},
    {"1.8.2", 1, "0.0.0"},
    {"1.8.2", 1, "1.8.2.a"},
    {"1.8.2.b", 1, "1.8.2.a"},
    {"1.8.2.a", -1, "1.8.2"},
    {"1.8.2.a10", 1, "1.8.2.a9"},
    {"", 0, "0"},
    {"0.beta.1", 0, "0.0.beta.1"},
    {"0.0.beta", -1, "0.0.beta.1"},
    {"0.0.beta", -1, "0.beta.1"},
    {"5.a", -1, "5.0.0.rc2"},
    {"5.x", 1, "5.0.0.rc2"},
    // test_semver
    {"1.0.0-alpha", -1, "1.0.0-alpha.1"},
    {"1.0.0-alpha.1", -1, "1.0.0-beta.2"},
    {"1.0.0-beta.2", -1, "1.0.0-beta.11"},
    {"1.0.0-beta.11", -1, "1.0.0-rc.1"},
    {"1.0.0-rc1", -1, "1.0.0"},
    {"1.0.0-1", -1, "1"},
    // test_equals2, test_hash, test_initialize
    {"1.2", 0, "1.2"},
    {"1.2", -1, "1.3"},
    {"1.2.b1", 0, "1.2.b.1"},
    {"1.2", 0, "1.2.0"},
    {"1.2.pre.1", 0, "1.2.0.pre.1.0"},
    {"1.0", 0, "1.0 "},
    {"1.0", 0, " 1.0 "},
    {"1.0", 0, "1.0\n"},
    {"1.0", 0, "\n1.0\n"},
    // test_frozen_version
    {"1.freeze.test", -1, "1"},
    // test_release's pairs order as release > prerelease
    {"1.2.0", 1, "1.2.0.a"},
    {"1.1", 1, "1.1.rc10"},
    {"1.9.3", 1, "1.9.3.alpha.5"},
};

int sign(int c) {
  return (c > 0) - (c < 0);
}

TEST(GemVersion, RubyGemsSpaceshipVectorsBothWays) {
  for (const auto& v : kVectors) {
    const auto ab = compare(v.left, v.right);
    const auto ba = compare(v.right, v.left);
    ASSERT_TRUE(ab && ba) << v.left << " vs " << v.right;
    EXPECT_EQ(sign(*ab), v.want) << "\"" << v.left << "\" <=> \"" << v.right << "\"";
    EXPECT_EQ(sign(*ba), -v.want) << "\"" << v.right << "\" <=> \"" << v.left << "\"";
  }
}

TEST(GemVersion, MalformedAsGemVersionNewRefusesThem) {
  // test_initialize_invalid, CVE-2013-4287's string included.
  for (const std::string_view bad : {"junk", "1.0\n2.0", "1..2", "1.2 3.4",
                                     "2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e."}) {
    EXPECT_FALSE(parse(bad)) << bad;
    EXPECT_EQ(compare(bad, "1"), std::nullopt) << bad;
  }
  for (const std::string_view bad : {"1.", ".1", "a1", "1-", "1.0-a..b", "1_0", "1.0+build", "-1"}) {
    EXPECT_FALSE(parse(bad)) << bad;
  }
}

TEST(GemVersion, EmptyIsZeroAndPrerelease) {
  // test_empty_version
  for (const std::string_view empty : {"", "   ", " "}) {
    auto v = parse(empty);
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->segments.empty());
    EXPECT_EQ(compare(empty, "0"), 0);
  }
  // test_prerelease
  for (const std::string_view pre : {"1.2.0.a", "2.9.b", "22.1.50.0.d", "1.2.d.42", "1.A", "1-1", "1-a"}) {
    EXPECT_TRUE(parse(pre)->prerelease) << pre;
  }
  for (const std::string_view release : {"1.2.0", "2.9", "22.1.50.0"}) {
    EXPECT_FALSE(parse(release)->prerelease) << release;
  }
}

TEST(GemVersion, CanonicalSegments) {
  using S = Version::Segment;
  // test_canonical_segments: [1], [1, "a", 1], [1, 2, 3, "pre", 1]
  EXPECT_EQ(parse("1.0.0")->segments, (std::vector<S>{{true, "1"}}));
  EXPECT_EQ(parse("1.0.0.a.1.0")->segments, (std::vector<S>{{true, "1"}, {false, "a"}, {true, "1"}}));
  EXPECT_EQ(parse("1.2.3-1")->segments,
            (std::vector<S>{{true, "1"}, {true, "2"}, {true, "3"}, {false, "pre"}, {true, "1"}}));
  EXPECT_EQ(parse("1.0a")->segments, (std::vector<S>{{true, "1"}, {false, "a"}}));
}

TEST(GemVersion, HostileInput) {
  const std::string big(100'000, '9');
  EXPECT_EQ(compare(big, big + "9"), -1) << "numbers compare by value at any length";
  EXPECT_EQ(compare("007", "7"), 0);
  EXPECT_EQ(compare("1.A", "1.a"), -1) << "letters compare bytewise, as Ruby's String#<=>";
  std::string dotted = "1";
  for (int i = 0; i < 50'000; ++i) dotted += ".0";
  EXPECT_EQ(compare(dotted, "1"), 0);
  EXPECT_EQ(compare(std::string("1\0", 2), "1"), std::nullopt);
  EXPECT_EQ(compare("\xff\xfe", "1"), std::nullopt);
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::gem
