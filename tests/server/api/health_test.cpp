#include "server/api/health.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "tests/server/test_server.hpp"
#include "tests/support/http_client.hpp"

namespace regscand::testing {
namespace {

class HealthTest : public ::testing::Test {
 protected:
  void start(server::api::ReadinessCheck check) {
    server::api::add_health_routes(ts_.router, std::move(check));
    ts_.start(test_server_config(), test_auth_config());  // auth on: health routes stay open
  }
  TestServer ts_;
};

TEST_F(HealthTest, HealthzIsOpenAndOk) {
  start([] { return Result<void>{}; });
  auto res = http_get(ts_.port(), "/healthz");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Content-Type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(res.body), nlohmann::json({{"status", "ok"}}));
}

TEST_F(HealthTest, ReadyzIsReadyWhenCheckPasses) {
  std::atomic<int> calls{0};
  start([&] {
    ++calls;
    return Result<void>{};
  });
  auto res = http_get(ts_.port(), "/readyz");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(nlohmann::json::parse(res.body), nlohmann::json({{"status", "ready"}}));
  EXPECT_EQ(calls, 1);
}

TEST_F(HealthTest, ReadyzIs503WithReasonWhenCheckFails) {
  std::atomic<bool> ready{false};
  start([&]() -> Result<void> {
    if (!ready) {
      return fail(ErrorCode::Unavailable, "database: connection refused");
    }
    return {};
  });
  auto res = http_get(ts_.port(), "/readyz");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(
      nlohmann::json::parse(res.body),
      nlohmann::json({{"error", {{"code", "unavailable"}, {"message", "database: connection refused"}}}}));
  ready = true;
  EXPECT_EQ(http_get(ts_.port(), "/readyz").status, 200) << "the check runs on every request";
}

TEST(HealthBlocking, ReadyzCheckDoesNotBlockTheIoThread) {
  // One I/O thread: if the check ran on it, /healthz could not be answered while the check blocks.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  TestServer ts;
  server::api::add_health_routes(ts.router, [released] {
    released.wait_for(std::chrono::seconds(10));
    return Result<void>{};
  });
  auto config = test_server_config();
  config.threads = 1;
  ts.start(config);
  auto port = ts.port();
  auto ready = std::async(std::launch::async, [port] { return http_get(port, "/readyz"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto conn = HttpConnection::connect(port, false, std::chrono::seconds(2));
  EXPECT_EQ(conn.request(make_request("GET", "/healthz")).status, 200);
  release.set_value();
  EXPECT_EQ(ready.get().status, 200);
}

}  // namespace
}  // namespace regscand::testing
