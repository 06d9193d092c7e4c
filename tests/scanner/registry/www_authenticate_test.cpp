#include "scanner/registry/www_authenticate.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regscand::scanner::registry {
namespace {

TEST(WwwAuthenticate, ParsesDistributionBearerChallenge) {
  auto parsed = parse_www_authenticate(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull")");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 1u);
  const auto bearer = find_bearer(*parsed);
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->realm, "https://auth.example/token");
  EXPECT_EQ(bearer->service, "registry.example");
  EXPECT_EQ(bearer->scope, "repository:a/b:pull");
}

TEST(WwwAuthenticate, SchemeAndParamNamesAreCaseInsensitiveAndSpacesTolerated) {
  auto parsed = parse_www_authenticate(R"(BEARER  Realm = "r" , SERVICE=svc,error="insufficient_scope")");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ((*parsed)[0].scheme, "bearer");
  EXPECT_EQ((*parsed)[0].param("realm"), "r");
  EXPECT_EQ((*parsed)[0].param("service"), "svc");
  EXPECT_EQ((*parsed)[0].param("error"), "insufficient_scope");
}

TEST(WwwAuthenticate, SeveralChallengesInOneValue) {
  auto parsed =
      parse_www_authenticate(R"(Basic realm="x", Bearer realm="https://t/", service="s", Negotiate)");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].scheme, "basic");
  EXPECT_EQ((*parsed)[1].scheme, "bearer");
  EXPECT_EQ((*parsed)[1].param("service"), "s");
  EXPECT_EQ((*parsed)[2].scheme, "negotiate");
  EXPECT_TRUE(has_scheme(*parsed, "basic"));
  EXPECT_FALSE(has_scheme(*parsed, "digest"));
  EXPECT_EQ(find_bearer(*parsed)->realm, "https://t/");
}

TEST(WwwAuthenticate, QuotedStringEscapesAndCommas) {
  auto parsed = parse_www_authenticate(R"(Bearer realm="a\"b,c",scope="repository:x:pull,push")");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ((*parsed)[0].param("realm"), "a\"b,c");
  EXPECT_EQ((*parsed)[0].param("scope"), "repository:x:pull,push");
}

TEST(WwwAuthenticate, Token68) {
  auto parsed = parse_www_authenticate("Negotiate YWJj+/==, Basic realm=r");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].token68, "YWJj+/==");
  EXPECT_EQ((*parsed)[1].param("realm"), "r");
}

TEST(WwwAuthenticate, BearerWithoutRealmIsNotUsable) {
  auto parsed = parse_www_authenticate(R"(Bearer service="s")");
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(find_bearer(*parsed));
  auto empty_realm = parse_www_authenticate(R"(Bearer realm="")");
  ASSERT_TRUE(empty_realm);
  EXPECT_FALSE(find_bearer(*empty_realm));
}

TEST(WwwAuthenticate, RejectsMalformedAndHostileValues) {
  for (const std::string& bad :
       {std::string(""), std::string("   ,, "), std::string(R"(Bearer realm="open)"),
        std::string(R"(Bearer realm=, service="x")"), std::string(R"(Bearer realm="a" service="b")"),
        std::string(R"(Bearer realm="a",realm="b")"), std::string("Bearer realm=\"a\x01\""),
        std::string("=x"), std::string("Bearer realm=\"a\"\\"), std::string(R"(Bearer realm="x", =y)"),
        std::string("B\x80 realm=x"), std::string("Bearer realm=\"\\")}) {
    auto parsed = parse_www_authenticate(bad);
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, ErrorCode::InvalidArgument);
    }
  }
}

TEST(WwwAuthenticate, AnEmptyParamValueReadsAsToken68AndGivesNoRealm) {
  auto parsed = parse_www_authenticate("Bearer realm=");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ((*parsed)[0].token68, "realm=");
  EXPECT_FALSE(find_bearer(*parsed));
}

TEST(WwwAuthenticate, BoundsInputAndCounts) {
  EXPECT_FALSE(parse_www_authenticate("Bearer realm=\"" + std::string(kMaxWwwAuthenticateBytes, 'a') + "\""));
  std::string many_params = "Bearer ";
  for (int i = 0; i < 40; ++i) many_params += "p" + std::to_string(i) + "=v,";
  EXPECT_FALSE(parse_www_authenticate(many_params));
  std::string many_challenges;
  for (int i = 0; i < 20; ++i) many_challenges += "Basic realm=x, ";
  EXPECT_FALSE(parse_www_authenticate(many_challenges));
  // Deep nesting of quotes and escapes stays linear and bounded.
  EXPECT_FALSE(parse_www_authenticate("Bearer realm=\"" + std::string(8000, '\\')));
}

TEST(WwwAuthenticate, EveryPrefixOfAValidValueIsHandled) {
  const std::string value =
      R"(Bearer realm="https://auth/token",service="svc",scope="repository:a:pull", Basic realm="b")";
  for (std::size_t n = 0; n <= value.size(); ++n) {
    auto parsed = parse_www_authenticate(value.substr(0, n));  // must not crash; errors are fine
    if (parsed) {
      EXPECT_FALSE(parsed->empty());
    }
  }
}

}  // namespace
}  // namespace regscand::scanner::registry
