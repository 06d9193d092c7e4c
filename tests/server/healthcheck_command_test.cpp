// `regscand healthcheck URL`: exit 0 on a 2xx answer, 1 on any other status, a refused connection, a server
// that never answers (within its 5 s) or a malformed URL.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/support/daemon.hpp"
#include "tests/support/registry.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::testing {
namespace {

using std::chrono::seconds;

struct Run {
  int code = -1;
  std::string output;
};

Run healthcheck(const std::string& url) {
  TempDir dir;
  Daemon process(REGSCAND_BINARY, {"healthcheck", url}, {}, dir.path() / "out.log");
  const auto code = process.wait(seconds(30));
  return Run{code.value_or(-1), process.log()};
}

TEST(Healthcheck, TwoHundredIsHealthy) {
  FakeHttpServer server([](FakeExchange& exchange) {
    if (exchange.request().path() != "/healthz") return exchange.respond(404);
    exchange.respond(200, {{"Content-Type", "application/json"}}, R"({"status":"ok"})");
  });
  const auto r = healthcheck(server.url() + "/healthz");
  EXPECT_EQ(r.code, 0) << r.output;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].method, "GET");
}

TEST(Healthcheck, OtherStatusesAreUnhealthy) {
  FakeHttpServer server([](FakeExchange& exchange) { exchange.respond(503, {}, "draining"); });
  const auto r = healthcheck(server.url() + "/healthz");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("HTTP 503"), std::string::npos) << r.output;
}

TEST(Healthcheck, NoListenerIsUnhealthy) {
  std::string url;
  {
    FakeHttpServer gone([](FakeExchange& exchange) { exchange.respond(200); });
    url = gone.url() + "/healthz";
  }
  EXPECT_EQ(healthcheck(url).code, 1);
}

TEST(Healthcheck, SilentServerTimesOut) {
  FakeHttpServer server([](FakeExchange& exchange) { exchange.sleep(seconds(20)); });
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(healthcheck(server.url() + "/healthz").code, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(15));
}

TEST(Healthcheck, MalformedUrlIsAnError) {
  for (const char* url : {"", "ftp://127.0.0.1/healthz", "http://", "http://user:pw@127.0.0.1:1/"}) {
    const auto r = healthcheck(url);
    EXPECT_EQ(r.code, 1) << url;
    EXPECT_NE(r.output.find("regscand healthcheck"), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace regscand::testing
