#include "server/api/metrics.hpp"

#include <gtest/gtest.h>

#include <prometheus/gauge.h>

#include "tests/server/test_server.hpp"
#include "tests/support/http_client.hpp"

namespace regscand::testing {
namespace {

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST(MetricsRoute, ExposesRequestCountersByRoutePattern) {
  TestServer ts;
  server::api::add_metrics_routes(ts.router, ts.metrics);
  ts.router.add(http::Verb::get, "/v1/images/{digest}", {}, json_handler({}));
  ts.start(test_server_config(), test_auth_config());

  ASSERT_EQ(http_get(ts.port(), "/v1/images/sha256:aaa").status, 200);
  ASSERT_EQ(http_get(ts.port(), "/v1/images/sha256:bbb").status, 200);
  ASSERT_EQ(http_get(ts.port(), "/no/such/path").status, 404);

  auto res = http_get(ts.port(), "/metrics");  // open even with auth on
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_TRUE(contains(
      res.body, R"(regscand_http_requests_total{method="GET",route="/v1/images/{digest}",status="200"} 2)"))
      << res.body;
  EXPECT_TRUE(
      contains(res.body, R"(regscand_http_requests_total{method="GET",route="unmatched",status="404"} 1)"))
      << res.body;
  EXPECT_TRUE(
      contains(res.body, R"(regscand_http_request_duration_seconds_count{route="/v1/images/{digest}"} 2)"))
      << res.body;
  EXPECT_FALSE(contains(res.body, "sha256:aaa")) << "raw paths never become labels";
}

TEST(MetricsRoute, CollectorHookPublishesGaugesAtScrape) {
  TestServer ts;
  auto& pool = prometheus::BuildGauge()
                   .Name("regscand_db_pool_connections")
                   .Help("Database pool connections by state")
                   .Register(ts.metrics.registry());
  auto& idle = pool.Add({{"state", "idle"}});
  auto& in_use = pool.Add({{"state", "in_use"}});
  int scrapes = 0;
  ts.metrics.add_collector_hook([&] {
    ++scrapes;
    idle.Set(3);
    in_use.Set(scrapes);
  });
  server::api::add_metrics_routes(ts.router, ts.metrics);
  ts.start();

  auto first = http_get(ts.port(), "/metrics").body;
  EXPECT_TRUE(contains(first, R"(regscand_db_pool_connections{state="idle"} 3)")) << first;
  EXPECT_TRUE(contains(first, R"(regscand_db_pool_connections{state="in_use"} 1)")) << first;
  auto second = http_get(ts.port(), "/metrics").body;
  EXPECT_TRUE(contains(second, R"(regscand_db_pool_connections{state="in_use"} 2)")) << second;
}

}  // namespace
}  // namespace regscand::testing
