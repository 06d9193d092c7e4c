#include "config/units.hpp"

#include <gtest/gtest.h>

namespace regscand::config {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration("500ms").value(), milliseconds(500));
  EXPECT_EQ(parse_duration("30s").value(), milliseconds(30'000));
  EXPECT_EQ(parse_duration("5m").value(), milliseconds(300'000));
  EXPECT_EQ(parse_duration("6h").value(), milliseconds(6 * 3'600'000));
  EXPECT_EQ(parse_duration("7d").value(), milliseconds(7 * 86'400'000LL));
}

TEST(ParseDuration, PlainIntegerIsSeconds) {
  EXPECT_EQ(parse_duration("45").value(), milliseconds(45'000));
  EXPECT_EQ(parse_duration("0").value(), milliseconds(0));
}

TEST(ParseDuration, RejectsMalformedInput) {
  for (const char* text :
       {"", "s", "30 s", " 30s", "-5s", "+5s", "1.5s", "5x", "5S", "1h30m", "ms", "30sec"}) {
    const auto parsed = parse_duration(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(parsed.error().message.find("expected a duration"), std::string::npos)
        << parsed.error().message;
  }
}

TEST(ParseDuration, RejectsHugeValuesWithoutOverflow) {
  EXPECT_FALSE(parse_duration("3651d").has_value());
  EXPECT_TRUE(parse_duration("3650d").has_value());
  EXPECT_FALSE(parse_duration("99999999999999999999d").has_value());
  EXPECT_FALSE(parse_duration("9999999999999999d").has_value());  // overflows when scaled to ms
}

TEST(FormatDuration, UsesLargestExactUnitAndRoundTrips) {
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
  EXPECT_EQ(format_duration(milliseconds(500)), "500ms");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(format_duration(milliseconds(30'000)), "30s");
  EXPECT_EQ(format_duration(milliseconds(90'000)), "90s");
  EXPECT_EQ(format_duration(milliseconds(300'000)), "5m");
  EXPECT_EQ(format_duration(milliseconds(7 * 86'400'000LL)), "7d");
  for (const long long ms : {1LL, 999LL, 1000LL, 61'000LL, 3'600'000LL, 90'000'000LL}) {
    EXPECT_EQ(parse_duration(format_duration(milliseconds(ms))).value(), milliseconds(ms)) << ms;
  }
}

TEST(ParseSize, AcceptsBytesAndBinarySuffixes) {
  EXPECT_EQ(parse_size("1048576").value(), 1048576u);
  EXPECT_EQ(parse_size("512KiB").value(), 512u * 1024);
  EXPECT_EQ(parse_size("1MiB").value(), 1024u * 1024);
  EXPECT_EQ(parse_size("2GiB").value(), 2ull << 30);
}

TEST(ParseSize, RejectsOtherSpellings) {
  for (const char* text : {"", "1MB", "1 MiB", "1mib", "-1", "1.5MiB", "MiB", "99999999999999999999"}) {
    const auto parsed = parse_size(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_NE(parsed.error().message.find("expected a size"), std::string::npos);
  }
}

TEST(ParseUint, AcceptsOnlyDigits) {
  EXPECT_EQ(parse_uint("42").value(), 42u);
  EXPECT_FALSE(parse_uint("").has_value());
  EXPECT_FALSE(parse_uint("-1").has_value());
  EXPECT_FALSE(parse_uint("4x").has_value());
  EXPECT_FALSE(parse_uint("2s").has_value());
}

}  // namespace
}  // namespace regscand::config
