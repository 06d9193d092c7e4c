#include "server/http/router.hpp"

#include <gtest/gtest.h>

#include "server/http/request_context.hpp"

namespace regscand::server::http {
namespace {

Handler noop() {
  return [](RequestContext&) -> net::awaitable<Response> { co_return json_response(Status::ok, {}); };
}

std::string param(const RouteMatch& match, std::string_view name) {
  for (const auto& [key, value] : match.params) {
    if (key == name) {
      return value;
    }
  }
  return "<missing>";
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add(Verb::get, "/healthz", {}, noop());
    router_.add(Verb::get, "/v1/images/{digest}", {}, noop());
    router_.add(Verb::delete_, "/v1/images/{digest}", {}, noop());
    router_.add(Verb::get, "/v1/images/stats", {}, noop());
    router_.add(Verb::get, "/v1/repositories/{name...}/images", {}, noop());
    router_.add(Verb::get, "/v1/repositories/{name...}/tags/{tag}", {}, noop());
    router_.add(Verb::get, "/v1/blobs/{name...}", {}, noop());
    router_.add(Verb::post, "/v1/scans", {}, noop());
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralRoute) {
  auto m = router_.match(Verb::get, "/healthz");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(m.route->pattern, "/healthz");
  EXPECT_TRUE(m.params.empty());
}

TEST_F(RouterTest, ExtractsSegmentParameter) {
  auto m = router_.match(Verb::get, "/v1/images/sha256:abc");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(m.route->pattern, "/v1/images/{digest}");
  EXPECT_EQ(param(m, "digest"), "sha256:abc");
}

TEST_F(RouterTest, PicksMethodAmongRoutesOfSamePattern) {
  auto m = router_.match(Verb::delete_, "/v1/images/sha256:abc");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(m.route->method, Verb::delete_);
}

TEST_F(RouterTest, LiteralBeatsParameterRegardlessOfOrder) {
  auto m = router_.match(Verb::get, "/v1/images/stats");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(m.route->pattern, "/v1/images/stats");
}

TEST_F(RouterTest, GreedyParameterSpansSlashesBeforeSuffix) {
  auto m = router_.match(Verb::get, "/v1/repositories/library/team/alpine/images");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(m.route->pattern, "/v1/repositories/{name...}/images");
  EXPECT_EQ(param(m, "name"), "library/team/alpine");
}

TEST_F(RouterTest, GreedyParameterOfOneSegment) {
  auto m = router_.match(Verb::get, "/v1/repositories/alpine/images");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(param(m, "name"), "alpine");
}

TEST_F(RouterTest, GreedyFollowedByLiteralAndParameter) {
  auto m = router_.match(Verb::get, "/v1/repositories/a/b/tags/v1.2");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(m.route->pattern, "/v1/repositories/{name...}/tags/{tag}");
  EXPECT_EQ(param(m, "name"), "a/b");
  EXPECT_EQ(param(m, "tag"), "v1.2");
}

TEST_F(RouterTest, GreedyNameMayContainTheSuffixWord) {
  auto m = router_.match(Verb::get, "/v1/repositories/images/images");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(param(m, "name"), "images");
}

TEST_F(RouterTest, TrailingGreedyTakesTheRest) {
  auto m = router_.match(Verb::get, "/v1/blobs/a/b/c");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(param(m, "name"), "a/b/c");
}

TEST_F(RouterTest, GreedyNeedsAtLeastOneSegment) {
  EXPECT_EQ(router_.match(Verb::get, "/v1/repositories/images").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(router_.match(Verb::get, "/v1/blobs/").kind, RouteMatch::Kind::NotFound);
}

TEST_F(RouterTest, EmptySegmentsDoNotMatch) {
  EXPECT_EQ(router_.match(Verb::get, "/v1/images/").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(router_.match(Verb::get, "/v1//images/x").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(router_.match(Verb::get, "/v1/repositories/a//b/images").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(router_.match(Verb::get, "/healthz/").kind, RouteMatch::Kind::NotFound);
}

TEST_F(RouterTest, DotSegmentsAreNotFound) {
  EXPECT_EQ(router_.match(Verb::get, "/v1/images/..").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(router_.match(Verb::get, "/v1/repositories/a/../images").kind, RouteMatch::Kind::NotFound);
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  auto m = router_.match(Verb::get, "/nope");
  EXPECT_EQ(m.kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(m.route, nullptr);
}

TEST_F(RouterTest, WrongMethodListsAllowedMethods) {
  auto m = router_.match(Verb::put, "/v1/images/sha256:abc");
  ASSERT_EQ(m.kind, RouteMatch::Kind::MethodNotAllowed);
  EXPECT_EQ(m.allow, "DELETE, GET, HEAD");
  auto post_only = router_.match(Verb::get, "/v1/scans");
  ASSERT_EQ(post_only.kind, RouteMatch::Kind::MethodNotAllowed);
  EXPECT_EQ(post_only.allow, "POST");
}

TEST_F(RouterTest, HeadIsServedByGet) {
  auto m = router_.match(Verb::head, "/healthz");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(m.route->method, Verb::get);
  EXPECT_EQ(router_.match(Verb::head, "/v1/scans").kind, RouteMatch::Kind::MethodNotAllowed);
}

TEST_F(RouterTest, ParametersArePercentDecoded) {
  auto m = router_.match(Verb::get, "/v1/repositories/my%20team/app/tags/a%2Bb");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(param(m, "name"), "my team/app");
  EXPECT_EQ(param(m, "tag"), "a+b");
}

TEST_F(RouterTest, MalformedPercentEncodingIsBadPath) {
  EXPECT_EQ(router_.match(Verb::get, "/v1/images/abc%zz").kind, RouteMatch::Kind::BadPath);
  EXPECT_EQ(router_.match(Verb::get, "/v1/images/abc%4").kind, RouteMatch::Kind::BadPath);
  EXPECT_EQ(router_.match(Verb::get, "/v1/images/a%00b").kind, RouteMatch::Kind::BadPath);
}

TEST_F(RouterTest, ParameterThatIsNotUtf8IsBadPathNamingIt) {
  auto m = router_.match(Verb::get, "/v1/images/%ff%fe");
  EXPECT_EQ(m.kind, RouteMatch::Kind::BadPath);
  EXPECT_EQ(m.error, "digest: must be valid UTF-8");
  m = router_.match(Verb::get, "/v1/images/caf%C3%A9");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(param(m, "digest"), "caf\xc3\xa9");
}

TEST_F(RouterTest, TargetMustBeAbsolutePath) {
  EXPECT_EQ(router_.match(Verb::get, "http://host/healthz").kind, RouteMatch::Kind::BadPath);
  EXPECT_EQ(router_.match(Verb::options, "*").kind, RouteMatch::Kind::BadPath);
}

TEST(RouterRoot, RootPattern) {
  Router router;
  router.add(Verb::get, "/", {}, noop());
  EXPECT_EQ(router.match(Verb::get, "/").kind, RouteMatch::Kind::Found);
  EXPECT_EQ(router.match(Verb::get, "/x").kind, RouteMatch::Kind::NotFound);
}

// A ':' inside a segment (Google AIP custom methods: POST /v1/scans:catalog) is part of a literal, distinct
// from the collection, its {id} children, and a parameter at the same depth.
TEST(RouterColon, ColonSegmentIsALiteralOfItsOwn) {
  Router router;
  router.add(Verb::post, "/v1/scans", {}, noop());
  router.add(Verb::get, "/v1/scans/{id}", {}, noop());
  router.add(Verb::get, "/v1/{collection}", {}, noop());
  router.add(Verb::post, "/v1/scans:catalog", {}, noop());
  ASSERT_TRUE(parse_pattern("/v1/scans:catalog").has_value());
  EXPECT_EQ((*parse_pattern("/v1/scans:catalog"))[1].kind, Route::Segment::Kind::Literal);

  auto m = router.match(Verb::post, "/v1/scans:catalog");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(m.route->pattern, "/v1/scans:catalog");
  EXPECT_TRUE(m.params.empty());
  m = router.match(Verb::post, "/v1/scans");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(m.route->pattern, "/v1/scans");
  m = router.match(Verb::get, "/v1/scans/7");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(m.route->pattern, "/v1/scans/{id}");
  m = router.match(Verb::get, "/v1/scans/a:catalog");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(param(m, "id"), "a:catalog");
  // The literal beats the parameter at its depth for its own method; GET falls to the parameter route.
  m = router.match(Verb::get, "/v1/scans:catalog");
  ASSERT_EQ(m.kind, RouteMatch::Kind::Found);
  EXPECT_EQ(m.route->pattern, "/v1/{collection}");
  EXPECT_EQ(param(m, "collection"), "scans:catalog");
  m = router.match(Verb::delete_, "/v1/scans:catalog");
  ASSERT_EQ(m.kind, RouteMatch::Kind::MethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");

  Router plain;
  plain.add(Verb::post, "/v1/scans:catalog", {}, noop());
  plain.add(Verb::get, "/v1/scans/{id}", {}, noop());
  EXPECT_EQ(plain.match(Verb::post, "/v1/scans:catalog/1").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(plain.match(Verb::post, "/v1/scans:other").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(plain.match(Verb::post, "/v1/scans:").kind, RouteMatch::Kind::NotFound);
  EXPECT_EQ(plain.match(Verb::post, "/v1/scans%3Acatalog").kind, RouteMatch::Kind::NotFound)
      << "an encoded ':' is another segment (RFC 3986: reserved characters are not decoded for matching)";
  EXPECT_EQ(plain.match(Verb::get, "/v1/scans:catalog").kind, RouteMatch::Kind::MethodNotAllowed);
}

TEST(ParsePattern, AcceptsValidPatterns) {
  auto segs = parse_pattern("/v1/repositories/{name...}/tags/{tag}");
  ASSERT_TRUE(segs.has_value());
  ASSERT_EQ(segs->size(), 5U);
  EXPECT_EQ((*segs)[2].kind, Route::Segment::Kind::Greedy);
  EXPECT_EQ((*segs)[2].text, "name");
  EXPECT_EQ((*segs)[4].kind, Route::Segment::Kind::Param);
}

TEST(ParsePattern, RejectsInvalidPatterns) {
  for (const char* bad : {"", "v1/x", "/a//b", "/{a}/{a}", "/{a...}/{b...}", "/{A}", "/{a", "/a{b}", "/{}",
                          "/a/", "/..", "/{1x}"}) {
    EXPECT_FALSE(parse_pattern(bad).has_value()) << bad;
  }
}

TEST(RouterDeath, InvalidOrDuplicatePatternAborts) {
  EXPECT_DEATH(
      {
        Router router;
        router.add(Verb::get, "/{a", {}, noop());
      },
      "");
  EXPECT_DEATH(
      {
        Router router;
        router.add(Verb::get, "/a", {}, noop());
        router.add(Verb::get, "/a", {}, noop());
      },
      "");
}

}  // namespace
}  // namespace regscand::server::http
