#include "server/api/version.hpp"

#include <gtest/gtest.h>

#include "tests/server/test_server.hpp"
#include "tests/support/http_client.hpp"

namespace regscand::testing {
namespace {

TEST(VersionRoute, NeedsReaderToken) {
  TestServer ts;
  server::api::add_version_routes(ts.router, "0123abc");
  ts.start(test_server_config(), test_auth_config());

  EXPECT_EQ(http_get(ts.port(), "/v1/version").status, 401);
  auto res = http_get(ts.port(), "/v1/version", {{"Authorization", "Bearer reader-token"}});
  ASSERT_EQ(res.status, 200);
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body, nlohmann::json(
                      {{"name", "regscand"}, {"version", REGSCAND_EXPECTED_VERSION}, {"git", "0123abc"}}));
  EXPECT_EQ(server::api::version(), REGSCAND_EXPECTED_VERSION);
}

TEST(VersionRoute, OmitsGitWhenUnknown) {
  TestServer ts;
  server::api::add_version_routes(ts.router);
  ts.start();
  auto body = nlohmann::json::parse(http_get(ts.port(), "/v1/version").body);
  EXPECT_FALSE(body.contains("git"));
  EXPECT_EQ(body["name"], "regscand");
}

}  // namespace
}  // namespace regscand::testing
