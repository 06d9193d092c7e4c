// The API's one query string parser: decoding, unknown and repeated names, malformed percent-encoding and
// text that is not UTF-8, each refused naming the parameter; and the page parameters read from it.
#include "server/api/query_params.hpp"

#include <gtest/gtest.h>

namespace regscand::server::api {
namespace {

std::string message_of(std::string_view query, std::initializer_list<std::string_view> known) {
  auto parsed = QueryParams::parse(query, known);
  if (parsed) return "(parsed)";
  EXPECT_EQ(parsed.error().code, ErrorCode::InvalidArgument) << query;
  return parsed.error().message;
}

TEST(QueryParams, DecodesNamesAndValues) {
  auto parsed = QueryParams::parse("q=a+b%20c&li%6Dit=5&flag&empty=&&=x", {"q", "limit", "flag", "empty"});
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->get("q"), "a b c");
  EXPECT_EQ(parsed->get("limit"), "5");
  EXPECT_EQ(parsed->get("flag"), "");
  EXPECT_EQ(parsed->get("empty"), "");
  EXPECT_EQ(parsed->get("missing"), std::nullopt);
  EXPECT_EQ(QueryParams::parse("repository=caf%C3%A9", {"repository"})->get("repository"), "caf\xc3\xa9");
  EXPECT_TRUE(QueryParams::parse("", {}));
}

TEST(QueryParams, RefusesUnknownNames) {
  EXPECT_EQ(message_of("bogus=1", {"limit"}), "unknown query parameter \"bogus\"");
  EXPECT_EQ(message_of("bogus=%ZZ", {"limit"}), "unknown query parameter \"bogus\"");
  EXPECT_EQ(message_of("%ZZ=1", {"limit"}), "unknown query parameter \"%ZZ\"");
  EXPECT_EQ(message_of("limit=1", {}), "unknown query parameter \"limit\"");
}

TEST(QueryParams, RefusesRepeatedNamesHoweverEncoded) {
  EXPECT_EQ(message_of("limit=1&limit=2", {"limit"}), "limit: given more than once");
  EXPECT_EQ(message_of("limit=1&li%6Dit=1", {"limit"}), "limit: given more than once");
  EXPECT_EQ(message_of("limit&limit", {"limit"}), "limit: given more than once");
}

TEST(QueryParams, RefusesMalformedPercentEncoding) {
  EXPECT_EQ(message_of("limit=%ZZ", {"limit"}), "limit: malformed percent-encoding");
  EXPECT_EQ(message_of("state=%ZZ", {"state"}), "state: malformed percent-encoding");
  EXPECT_EQ(message_of("state=abc%4", {"state"}), "state: malformed percent-encoding");
  EXPECT_EQ(message_of("state=%00", {"state"}), "state: malformed percent-encoding");
}

TEST(QueryParams, RefusesTextThatIsNotUtf8) {
  EXPECT_EQ(message_of("repository=%ff%fe", {"repository"}), "repository: must be valid UTF-8");
  EXPECT_EQ(message_of("package=%C0%AF", {"package"}), "package: must be valid UTF-8");
  EXPECT_EQ(message_of("registry=a%ED%A0%80", {"registry"}), "registry: must be valid UTF-8");
}

TEST(PageParams, DefaultsAndBounds) {
  const auto page = [](std::string_view query) {
    return page_params(*QueryParams::parse(query, {"limit", "cursor"}));
  };
  ASSERT_TRUE(page(""));
  EXPECT_EQ(page("")->limit, 50);
  EXPECT_EQ(page("")->cursor, "");
  EXPECT_EQ(page("limit=500&cursor=abc")->limit, 500);
  EXPECT_EQ(page("limit=500&cursor=abc")->cursor, "abc");
  for (const auto* bad : {"limit=0", "limit=501", "limit=x", "limit=", "limit=5x", "limit=-1"}) {
    ASSERT_FALSE(page(bad)) << bad;
    EXPECT_EQ(page(bad).error().message, "limit: must be 1..500") << bad;
  }
  ASSERT_FALSE(page("cursor="));
  EXPECT_EQ(page("cursor=").error().message, "cursor: empty");
}

}  // namespace
}  // namespace regscand::server::api
