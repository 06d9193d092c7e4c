// OSV range evaluation: intervals from sorted events, fixed exclusive, last_affected inclusive, limits,
// explicit versions, and unorderable versions never matching.
#include "scanner/matching/ranges.hpp"

#include <gtest/gtest.h>

#include "scanner/ecosystems/dpkg/version.hpp"

namespace regscand::scanner::matching {
namespace {

using feeds::Affected;
using feeds::Range;
using feeds::RangeEvent;
using Kind = RangeEvent::Kind;

const VersionOrder kDpkg = [](std::string_view a, std::string_view b) {
  return ecosystems::dpkg::compare(a, b);
};

Affected with_events(std::vector<RangeEvent> events) {
  Affected a;
  a.ranges.push_back(Range{Range::Type::Ecosystem, std::move(events)});
  return a;
}

std::string fixed_for(const Affected& a, std::string_view version) {
  const auto hit = affected_version(a, version, kDpkg);
  return hit ? "affected, fixed in '" + hit->fixed + "'" : "not affected";
}

TEST(Ranges, IntroducedZeroToFixed) {
  const auto a = with_events({{Kind::Introduced, "0"}, {Kind::Fixed, "1.2-1"}});
  EXPECT_EQ(fixed_for(a, "1.1-1"), "affected, fixed in '1.2-1'");
  EXPECT_EQ(fixed_for(a, "1.2~rc1-1"), "affected, fixed in '1.2-1'");
  EXPECT_EQ(fixed_for(a, "1.2-1"), "not affected");
  EXPECT_EQ(fixed_for(a, "1:0.1-1"), "not affected") << "an epoch sorts above";
}

TEST(Ranges, LastAffectedIsInclusive) {
  const auto a = with_events({{Kind::Introduced, "1.0"}, {Kind::LastAffected, "1.5"}});
  EXPECT_EQ(fixed_for(a, "0.9"), "not affected");
  EXPECT_EQ(fixed_for(a, "1.0"), "affected, fixed in ''");
  EXPECT_EQ(fixed_for(a, "1.5"), "affected, fixed in ''");
  EXPECT_EQ(fixed_for(a, "1.5.1"), "not affected");
}

TEST(Ranges, SeveralIntervalsInAnyListedOrder) {
  const auto a = with_events(
      {{Kind::Fixed, "2.3"}, {Kind::Introduced, "2.0"}, {Kind::Fixed, "1.2"}, {Kind::Introduced, "1.0"}});
  EXPECT_EQ(fixed_for(a, "0.9"), "not affected");
  EXPECT_EQ(fixed_for(a, "1.1"), "affected, fixed in '1.2'");
  EXPECT_EQ(fixed_for(a, "1.5"), "not affected");
  EXPECT_EQ(fixed_for(a, "2.0"), "affected, fixed in '2.3'");
  EXPECT_EQ(fixed_for(a, "2.3"), "not affected");
}

TEST(Ranges, OpenRangeAndLimit) {
  EXPECT_EQ(fixed_for(with_events({{Kind::Introduced, "0"}}), "99:1"), "affected, fixed in ''");
  const auto limited = with_events({{Kind::Introduced, "0"}, {Kind::Limit, "3.0"}});
  EXPECT_EQ(fixed_for(limited, "2.9"), "affected, fixed in ''");
  EXPECT_EQ(fixed_for(limited, "3.0"), "not affected");
}

TEST(Ranges, ExplicitVersionsMatchExactly) {
  Affected a;
  a.versions = {"1.0-1", "1.0-2"};
  EXPECT_EQ(fixed_for(a, "1.0-2"), "affected, fixed in ''");
  EXPECT_EQ(fixed_for(a, "1.0-3"), "not affected");
}

TEST(Ranges, UnorderableVersionsNeverMatch) {
  EXPECT_EQ(fixed_for(with_events({{Kind::Introduced, "0"}, {Kind::Fixed, "not a version!"}}), "1.0"),
            "not affected");
  EXPECT_EQ(fixed_for(with_events({{Kind::Introduced, "0"}}), ""), "not affected");
  EXPECT_EQ(fixed_for(with_events({{Kind::Introduced, "0"}}), "1:"), "not affected");
  Affected git;
  git.ranges.push_back(Range{Range::Type::Git, {{Kind::Introduced, "0"}}});
  EXPECT_EQ(fixed_for(git, "1.0"), "not affected") << "GIT ranges need commit history";
}

}  // namespace
}  // namespace regscand::scanner::matching
