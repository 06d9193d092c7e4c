#include "server/http/metrics.hpp"

#include <gtest/gtest.h>

#include <prometheus/gauge.h>

namespace regscand::server::http {
namespace {

using namespace std::chrono_literals;

TEST(Metrics, RendersRequestCounterAndHistogram) {
  Metrics metrics;
  metrics.observe_request("/v1/images/{digest}", "GET", 200, 12ms);
  metrics.observe_request("/v1/images/{digest}", "GET", 200, 30ms);
  metrics.observe_request("unmatched", "GET", 404, 1ms);
  std::string text = metrics.render();
  EXPECT_NE(
      text.find(R"(regscand_http_requests_total{method="GET",route="/v1/images/{digest}",status="200"} 2)"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(regscand_http_requests_total{method="GET",route="unmatched",status="404"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(regscand_http_request_duration_seconds_count{route="/v1/images/{digest}"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(R"(regscand_http_request_duration_seconds_bucket{route="/v1/images/{digest}",le="0.025"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE regscand_http_requests_total counter"), std::string::npos);
}

TEST(Metrics, CollectorHookRunsBeforeEachScrape) {
  Metrics metrics;
  auto& family =
      prometheus::BuildGauge().Name("regscand_db_pool_connections").Help("pool").Register(metrics.registry());
  auto& idle = family.Add({{"state", "idle"}});
  int calls = 0;
  metrics.add_collector_hook([&] {
    ++calls;
    idle.Set(calls * 10);
  });
  EXPECT_NE(metrics.render().find(R"(regscand_db_pool_connections{state="idle"} 10)"), std::string::npos);
  EXPECT_NE(metrics.render().find(R"(regscand_db_pool_connections{state="idle"} 20)"), std::string::npos);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace regscand::server::http
