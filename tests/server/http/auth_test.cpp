#include "server/http/auth.hpp"

#include <gtest/gtest.h>

namespace regscand::server::http {
namespace {

using config::Role;

config::ApiToken api_token(std::string name, Role role, std::string secret) {
  config::ApiToken token;
  token.name = std::move(name);
  token.role = role;
  token.token = std::move(secret);
  return token;
}

config::AuthConfig three_tokens() {
  config::AuthConfig auth;
  auth.tokens.push_back(api_token("ci-reader", Role::Reader, "reader-token"));
  auth.tokens.push_back(api_token("ci-writer", Role::Writer, "writer-token"));
  auth.tokens.push_back(api_token("ops-admin", Role::Admin, "admin-token"));
  return auth;
}

TEST(ConstantTimeEquals, ComparesContent) {
  EXPECT_TRUE(constant_time_equals("secret", "secret"));
  EXPECT_FALSE(constant_time_equals("secret", "secreT"));
  EXPECT_FALSE(constant_time_equals("secret", "secret-longer"));
  EXPECT_FALSE(constant_time_equals("", "x"));
  EXPECT_TRUE(constant_time_equals("", ""));
}

TEST(ConstantTimeEquals, GoesThroughTheDigestCompare) {
  auto before = digest_comparisons_for_test();
  (void)constant_time_equals("a", "b");
  EXPECT_EQ(digest_comparisons_for_test(), before + 1);
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  Authenticator auth_{three_tokens()};
};

TEST_F(AuthenticatorTest, AcceptsKnownTokenWithSufficientRole) {
  auto p = auth_.check("Bearer writer-token", Role::Reader);
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(p->name, "ci-writer");
  EXPECT_EQ(p->role, Role::Writer);
  auto admin = auth_.check("Bearer admin-token", Role::Writer);
  ASSERT_TRUE(admin.has_value());
  EXPECT_EQ(admin->name, "ops-admin");
}

TEST_F(AuthenticatorTest, SchemeIsCaseInsensitive) {
  EXPECT_TRUE(auth_.check("bearer reader-token", Role::Reader).has_value());
  EXPECT_TRUE(auth_.check("BEARER reader-token", Role::Reader).has_value());
}

TEST_F(AuthenticatorTest, MissingTokenIsUnauthenticated) {
  auto p = auth_.check(std::nullopt, Role::Reader);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, ErrorCode::Unauthenticated);
}

TEST_F(AuthenticatorTest, UnknownTokenIsUnauthenticated) {
  auto p = auth_.check("Bearer reader-token2", Role::Reader);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, ErrorCode::Unauthenticated);
  EXPECT_EQ(p.error().message.find("reader-token2"), std::string::npos) << "the token reached the message";
}

TEST_F(AuthenticatorTest, MalformedHeaderIsUnauthenticated) {
  for (const char* bad : {"", "Bearer", "Bearer ", "Basic cmVhZGVyOnRva2Vu", "Bearer reader-token extra",
                          "Bearer  reader-token", "Bearerreader-token", "Bearer =abc", "Bearer a\tb"}) {
    auto p = auth_.check(bad, Role::Reader);
    ASSERT_FALSE(p.has_value()) << bad;
    EXPECT_EQ(p.error().code, ErrorCode::Unauthenticated) << bad;
  }
  EXPECT_FALSE(auth_.check("Bearer " + std::string(5000, 'a'), Role::Reader).has_value());
}

TEST_F(AuthenticatorTest, WeakRoleIsPermissionDenied) {
  auto p = auth_.check("Bearer reader-token", Role::Writer);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, ErrorCode::PermissionDenied);
  auto w = auth_.check("Bearer writer-token", Role::Admin);
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().code, ErrorCode::PermissionDenied);
}

TEST_F(AuthenticatorTest, ComparesAgainstEveryTokenWithoutEarlyExit) {
  // The first configured token matches; all three must still be compared.
  auto before = digest_comparisons_for_test();
  ASSERT_TRUE(auth_.check("Bearer reader-token", Role::Reader).has_value());
  EXPECT_EQ(digest_comparisons_for_test() - before, 3U);
  before = digest_comparisons_for_test();
  ASSERT_FALSE(auth_.check("Bearer nobody", Role::Reader).has_value());
  EXPECT_EQ(digest_comparisons_for_test() - before, 3U);
}

TEST(AuthenticatorDisabled, EveryoneIsAnonymousAdmin) {
  Authenticator auth{config::AuthConfig{}};
  EXPECT_FALSE(auth.enabled());
  auto p = auth.check(std::nullopt, Role::Admin);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "anonymous");
  EXPECT_EQ(p->role, Role::Admin);
}

}  // namespace
}  // namespace regscand::server::http
