// Severity names and order, the one ranking the API's filters and sorts, its SQL and the reports use.
#include "scanner/feeds/advisory.hpp"

#include <gtest/gtest.h>

namespace regscand::scanner::feeds {
namespace {

TEST(Severity, ListedLowestFirst) {
  ASSERT_EQ(std::size(kSeverities), 6u);
  for (std::size_t i = 0; i < std::size(kSeverities); ++i)
    EXPECT_EQ(static_cast<std::size_t>(kSeverities[i]), i);
  EXPECT_LT(Severity::Unknown, Severity::Negligible);
  EXPECT_LT(Severity::High, Severity::Critical);
}

TEST(Severity, ParsesItsNamesInAnyCase) {
  for (const Severity severity : kSeverities) {
    EXPECT_EQ(parse_severity(severity_name(severity)), severity);
  }
  EXPECT_EQ(parse_severity("critical"), Severity::Critical);
  EXPECT_EQ(parse_severity("NEGLIGIBLE"), Severity::Negligible);
  EXPECT_EQ(parse_severity("unknown"), Severity::Unknown);
  EXPECT_EQ(parse_severity("moderate"), std::nullopt);
  EXPECT_EQ(parse_severity(""), std::nullopt);
  EXPECT_EQ(parse_severity("high "), std::nullopt);
}

}  // namespace
}  // namespace regscand::scanner::feeds
