#include "scanner/registry/auth.hpp"

#include <gtest/gtest.h>

namespace regscand::scanner::registry {
namespace {

using namespace std::chrono_literals;

TEST(Auth, BasicAuthorization) {
  EXPECT_EQ(basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(basic_authorization("", ""), "Basic Og==");
}

TEST(Auth, TokenRequestTarget) {
  auto realm = parse_url("https://auth.example/token?account=x");
  ASSERT_TRUE(realm);
  BearerChallenge challenge{"https://auth.example/token?account=x", "registry.example",
                            "repository:a/b:pull"};
  EXPECT_EQ(token_request_target(*realm, challenge, "ignored"),
            "/token?account=x&service=registry.example&scope=repository%3Aa%2Fb%3Apull");
  challenge.scope.clear();
  challenge.service.clear();
  auto plain = parse_url("https://auth.example/token");
  EXPECT_EQ(token_request_target(*plain, challenge, pull_scope("c")), "/token?scope=repository%3Ac%3Apull");
}

TEST(Auth, ParsesTokenResponses) {
  auto token =
      parse_token_response(R"({"token":"abc.def.ghi","expires_in":300,"issued_at":"2024-01-01T00:00:00Z"})");
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->value, "abc.def.ghi");
  EXPECT_EQ(token->expires_in, 300s);
  auto access = parse_token_response(R"({"access_token":"xyz"})");
  ASSERT_TRUE(access);
  EXPECT_EQ(access->value, "xyz");
  EXPECT_EQ(access->expires_in, kDefaultTokenLifetime);
  auto empty_token = parse_token_response(R"({"token":"","access_token":"second"})");
  ASSERT_TRUE(empty_token);
  EXPECT_EQ(empty_token->value, "second");
  auto zero = parse_token_response(R"({"token":"t","expires_in":0})");
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->expires_in, kDefaultTokenLifetime);
  auto huge = parse_token_response(R"({"token":"t","expires_in":1e30})");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->expires_in, 24h);
}

TEST(Auth, RejectsGarbageTokenResponses) {
  for (const std::string& body :
       {std::string(""), std::string("<html>"), std::string("[]"), std::string("{}"),
        std::string(R"({"token":5})"), std::string(R"({"token":"a b"})"),
        std::string("{\"token\":\"a\\r\\nX-Injected: 1\"}"),
        std::string(R"({"token":"t","expires_in":"60"})"),
        std::string(R"({"token":")") + std::string(20000, 'a') + "\"}", std::string(100, '{')}) {
    auto token = parse_token_response(body);
    EXPECT_FALSE(token) << body.substr(0, 40);
    if (!token) {
      EXPECT_EQ(token.error().code, ErrorCode::InvalidArgument);
      EXPECT_EQ(token.error().message.find("X-Injected"), std::string::npos);
    }
  }
}

TEST(Auth, TokenCacheExpiresShortlyBeforeTheToken) {
  TokenCache cache;
  const auto t0 = TokenCache::Clock::now();
  cache.put("repository:a:pull", Token{"tok", 300s}, t0);
  EXPECT_EQ(cache.get("repository:a:pull", t0 + 269s), "tok");
  EXPECT_FALSE(cache.get("repository:a:pull", t0 + 270s));  // 30 s margin
  EXPECT_FALSE(cache.get("repository:b:pull", t0));
  cache.put("short", Token{"s", 10s}, t0);
  EXPECT_EQ(cache.get("short", t0 + 7s), "s");
  EXPECT_FALSE(cache.get("short", t0 + 8s));  // a fifth of the lifetime
  cache.erase("short");
  EXPECT_FALSE(cache.get("short", t0));
}

TEST(Auth, TokenCacheIsBounded) {
  TokenCache cache(3);
  const auto t0 = TokenCache::Clock::now();
  cache.put("a", Token{"a", 100s}, t0);
  cache.put("b", Token{"b", 50s}, t0);
  cache.put("c", Token{"c", 200s}, t0);
  cache.put("d", Token{"d", 300s}, t0);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.get("b", t0));  // expired first, evicted first
  EXPECT_EQ(cache.get("d", t0), "d");
}

}  // namespace
}  // namespace regscand::scanner::registry
