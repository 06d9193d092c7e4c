// Percent coding shared by the router, the registry client, the feed fetcher and the report renderers.
#include "config/base/percent.hpp"

#include <gtest/gtest.h>

namespace regscand::text {
namespace {

TEST(PercentDecode, DecodesAndRejects) {
  EXPECT_EQ(percent_decode("a%2Fb"), "a/b");
  EXPECT_EQ(percent_decode("%41%7a%7A"), "Azz");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%2B", true), "+");
  EXPECT_EQ(percent_decode(""), "");
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("a%4"), std::nullopt);
  EXPECT_EQ(percent_decode("%g0"), std::nullopt);
  EXPECT_EQ(percent_decode("%00"), std::nullopt);
  EXPECT_EQ(percent_decode("%ff"), std::string(1, '\xff'));
}

TEST(PercentEncode, KeepsLettersDigitsAndTheGivenSet) {
  EXPECT_EQ(percent_encode("repository:a/b:pull,push", "-._~"), "repository%3Aa%2Fb%3Apull%2Cpush");
  EXPECT_EQ(percent_encode("A-z_0.~ &", "-._~"), "A-z_0.~%20%26");
  EXPECT_EQ(percent_encode("a/b@c", "/"), "a/b%40c");
  EXPECT_EQ(percent_encode(std::string("\x00\xff", 2), ""), "%00%FF");
}

TEST(PercentCoding, RoundTripsEveryByte) {
  std::string all;
  for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(percent_decode(percent_encode(all, "-._~")), all);
}

}  // namespace
}  // namespace regscand::text
