// The server and its middleware over real sockets on 127.0.0.1 (port 0): request ids, limits, deadlines,
// JSON errors, auth, keep-alive and pipelining, TLS, and graceful shutdown.
#include "server/http/server.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <regex>
#include <stdexcept>
#include <thread>

#include "tests/server/test_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

nlohmann::json json_of(const HttpResponse& res) {
  return nlohmann::json::parse(res.body);
}

// Asserts the exact error envelope and returns the message.
std::string expect_error(const HttpResponse& res, int status, std::string_view code) {
  EXPECT_EQ(res.status, status) << res.body;
  EXPECT_EQ(res.header("Content-Type"), "application/json");
  auto body = nlohmann::json::parse(res.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || body.size() != 1 || !body.contains("error") ||
      body["error"].size() != 2 || !body["error"]["code"].is_string() ||
      !body["error"]["message"].is_string()) {
    ADD_FAILURE() << "not an error envelope: " << res.body;
    return {};
  }
  EXPECT_EQ(body["error"]["code"], code);
  EXPECT_TRUE(res.header("X-Request-Id").has_value()) << "error responses carry a request id";
  return body["error"]["message"];
}

http::Handler sleeping_handler(std::chrono::milliseconds delay, std::string answer) {
  return [delay, answer](http::RequestContext&) -> net::awaitable<http::Response> {
    net::steady_timer timer(co_await net::this_coro::executor, delay);
    co_await timer.async_wait(net::use_awaitable);
    co_return http::json_response(http::Status::ok, {{"answer", answer}});
  };
}

http::RouteOptions role(config::Role r) {
  http::RouteOptions options;
  options.min_role = r;
  return options;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ts_.router.add(http::Verb::get, "/ok", {}, json_handler({{"ok", true}}));
    ts_.router.add(http::Verb::get, "/v1/things/{id}", {},
                   [](http::RequestContext& ctx) -> net::awaitable<http::Response> {
                     co_return http::json_response(
                         http::Status::ok, {{"id", ctx.param("id")}, {"request_id", ctx.request_id()}});
                   });
    http::RouteOptions json_only;
    json_only.content_types = {"application/json"};
    ts_.router.add(http::Verb::post, "/v1/echo", json_only,
                   [](http::RequestContext& ctx) -> net::awaitable<http::Response> {
                     co_return http::text_response(http::Status::ok, std::string(ctx.body()),
                                                   "application/octet-stream");
                   });
    ts_.router.add(http::Verb::get, "/throw", {},
                   [](http::RequestContext&) -> net::awaitable<http::Response> {
                     throw std::runtime_error("secret detail from the handler");
                     co_return http::json_response(http::Status::ok, {});
                   });
    ts_.router.add(http::Verb::get, "/blocking-throw", {},
                   [](http::RequestContext& ctx) -> net::awaitable<http::Response> {
                     int value = co_await run_blocking(
                         ctx.blocking_pool(), []() -> int { throw std::logic_error("db exploded"); });
                     co_return http::json_response(http::Status::ok, {{"value", value}});
                   });
    ts_.router.add(
        http::Verb::get, "/blocking", {}, [](http::RequestContext& ctx) -> net::awaitable<http::Response> {
          auto io_thread = std::this_thread::get_id();
          bool other_thread = co_await run_blocking(
              ctx.blocking_pool(), [io_thread] { return std::this_thread::get_id() != io_thread; });
          co_return http::json_response(http::Status::ok, {{"other_thread", other_thread}});
        });
    ts_.router.add(http::Verb::get, "/slow", {}, sleeping_handler(150ms, "slow"));
    ts_.router.add(http::Verb::get, "/fast", {}, sleeping_handler(0ms, "fast"));
  }

  TestServer ts_;
};

TEST_F(ServerTest, ServesJsonAndKeepsConnectionAlive) {
  ts_.start();
  auto conn = HttpConnection::connect(ts_.port());
  auto first = conn.request(make_request("GET", "/ok"));
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(json_of(first), nlohmann::json({{"ok", true}}));
  EXPECT_TRUE(first.keep_alive);
  auto second = conn.request(make_request("GET", "/v1/things/42"));
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(json_of(second)["id"], "42");
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  ts_.start();
  auto conn = HttpConnection::connect(ts_.port());
  conn.write_raw(
      "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /v1/things/3 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto a = conn.read_response();
  auto b = conn.read_response();
  auto c = conn.read_response();
  EXPECT_EQ(json_of(a)["answer"], "slow");
  EXPECT_EQ(json_of(b)["answer"], "fast");
  EXPECT_EQ(json_of(c)["id"], "3");
}

TEST_F(ServerTest, EchoesSaneRequestId) {
  ts_.start();
  auto res = http_get(ts_.port(), "/v1/things/1", {{"X-Request-Id", "abc.DEF_123-xyz"}});
  EXPECT_EQ(res.header("X-Request-Id"), "abc.DEF_123-xyz");
  EXPECT_EQ(json_of(res)["request_id"], "abc.DEF_123-xyz") << "the handler sees the same id";
  std::string longest(128, 'a');
  EXPECT_EQ(http_get(ts_.port(), "/ok", {{"X-Request-Id", longest}}).header("X-Request-Id"), longest);
}

TEST_F(ServerTest, GeneratesRequestIdWhenMissingOrInsane) {
  ts_.start();
  const std::regex hex32("[0-9a-f]{32}");
  auto none = http_get(ts_.port(), "/ok").header("X-Request-Id").value_or("");
  EXPECT_TRUE(std::regex_match(none, hex32)) << none;
  EXPECT_NE(http_get(ts_.port(), "/ok").header("X-Request-Id"), none) << "ids are unique";
  for (std::string bad :
       {std::string("has space"), std::string("semi;colon"), std::string(129, 'a'), std::string("")}) {
    auto id = http_get(ts_.port(), "/ok", {{"X-Request-Id", bad}}).header("X-Request-Id").value_or("");
    EXPECT_TRUE(std::regex_match(id, hex32)) << "for '" << bad << "' got '" << id << "'";
  }
}

TEST_F(ServerTest, UnknownPathIs404Json) {
  ts_.start();
  auto res = http_get(ts_.port(), "/nope?token=secret");
  std::string message = expect_error(res, 404, "not_found");
  EXPECT_EQ(message.find("secret"), std::string::npos) << "the query string is not echoed";
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  ts_.start();
  auto res = http_request(ts_.port(), make_request("DELETE", "/v1/things/1"));
  expect_error(res, 405, "method_not_allowed");
  EXPECT_EQ(res.header("Allow"), "GET, HEAD");
  auto post = http_request(ts_.port(), make_request("GET", "/v1/echo"));
  expect_error(post, 405, "method_not_allowed");
  EXPECT_EQ(post.header("Allow"), "POST");
}

TEST_F(ServerTest, HeadGetsHeadersWithoutBody) {
  ts_.start();
  auto conn = HttpConnection::connect(ts_.port());
  auto res = conn.request(make_request("HEAD", "/ok"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Content-Length"), "11");
  EXPECT_TRUE(res.body.empty());
  EXPECT_EQ(conn.request(make_request("GET", "/ok")).body, R"({"ok":true})")
      << "the connection stays in sync";
}

TEST_F(ServerTest, MalformedPercentEncodingIs400) {
  ts_.start();
  expect_error(http_get(ts_.port(), "/v1/things/a%zz"), 400, "invalid_argument");
}

TEST_F(ServerTest, GarbageRequestIs400AndCloses) {
  ts_.start();
  auto conn = HttpConnection::connect(ts_.port());
  conn.write_raw("THIS IS NOT HTTP\r\n\r\n");
  auto res = conn.read_response();
  expect_error(res, 400, "invalid_argument");
  EXPECT_FALSE(res.keep_alive);
}

TEST_F(ServerTest, OversizedHeaderIsRejected) {
  ts_.start();
  auto conn = HttpConnection::connect(ts_.port());
  conn.write_raw("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10 * 1024, 'a') + "\r\n\r\n");
  expect_error(conn.read_response(), 431, "headers_too_large");
}

TEST_F(ServerTest, BodyOverLimitIs413) {
  ts_.start();  // body limit 1024
  auto res = http_request(ts_.port(), make_request("POST", "/v1/echo", {{"Content-Type", "application/json"}},
                                                   std::string(4096, 'x')));
  expect_error(res, 413, "payload_too_large");
  EXPECT_FALSE(res.keep_alive);
}

TEST_F(ServerTest, ChunkedBodyOverLimitIs413) {
  ts_.start();
  auto conn = HttpConnection::connect(ts_.port());
  std::string chunk(800, 'y');
  conn.write_raw(
      "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: "
      "chunked\r\n\r\n"
      "320\r\n" +
      chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
  expect_error(conn.read_response(), 413, "payload_too_large");
}

TEST_F(ServerTest, BodyAtLimitIsAccepted) {
  ts_.start();
  auto res = http_request(ts_.port(), make_request("POST", "/v1/echo", {{"Content-Type", "application/json"}},
                                                   std::string(1024, 'x')));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body.size(), 1024U);
}

TEST_F(ServerTest, WrongContentTypeIs415) {
  ts_.start();
  auto res =
      http_request(ts_.port(), make_request("POST", "/v1/echo", {{"Content-Type", "text/plain"}}, "{}"));
  expect_error(res, 415, "unsupported_media_type");
  auto missing = http_request(ts_.port(), make_request("POST", "/v1/echo", {}, "{}"));
  expect_error(missing, 415, "unsupported_media_type");
  auto ok = http_request(
      ts_.port(),
      make_request("POST", "/v1/echo", {{"Content-Type", "Application/JSON; charset=utf-8"}}, "{}"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "{}");
}

TEST_F(ServerTest, ExpectContinueIsHonoured) {
  ts_.start();
  auto conn = HttpConnection::connect(ts_.port());
  conn.write_raw(
      "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
      "Expect: 100-continue\r\n\r\n");
  auto interim = conn.read_response();
  EXPECT_EQ(interim.status, 100);
  conn.write_raw("[]");
  auto res = conn.read_response();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "[]");
}

TEST_F(ServerTest, ThrowingHandlerIs500AndConnectionSurvives) {
  ts_.start();
  auto conn = HttpConnection::connect(ts_.port());
  auto res = conn.request(make_request("GET", "/throw"));
  std::string message = expect_error(res, 500, "internal");
  EXPECT_EQ(message.find("secret detail"), std::string::npos) << "exception text is logged, not sent";
  EXPECT_TRUE(res.keep_alive);
  EXPECT_EQ(conn.request(make_request("GET", "/ok")).status, 200);
  expect_error(conn.request(make_request("GET", "/blocking-throw")), 500, "internal");
  EXPECT_EQ(conn.request(make_request("GET", "/ok")).status, 200);
}

TEST_F(ServerTest, BlockingWorkRunsOffTheIoThread) {
  ts_.start();
  auto res = http_get(ts_.port(), "/blocking");
  EXPECT_EQ(json_of(res)["other_thread"], true);
}

TEST_F(ServerTest, IncompleteBodyTimesOutWith408) {
  auto config = test_server_config();
  config.request_timeout = 300ms;
  ts_.start(config);
  auto conn = HttpConnection::connect(ts_.port());
  conn.write_raw(
      "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n[1,");
  auto started = Clock::now();
  auto res = conn.read_response();
  expect_error(res, 408, "request_timeout");
  EXPECT_FALSE(res.keep_alive);
  EXPECT_GE(Clock::now() - started, 250ms);
  EXPECT_TRUE(conn.closed_by_peer(2s));
}

TEST_F(ServerTest, IncompleteHeaderTimesOutWith408) {
  auto config = test_server_config();
  config.request_timeout = 300ms;
  ts_.start(config);
  auto conn = HttpConnection::connect(ts_.port());
  conn.write_raw("GET /ok HTTP/1.1\r\nHost: x\r\n");
  expect_error(conn.read_response(), 408, "request_timeout");
}

TEST_F(ServerTest, IdleKeepAliveConnectionJustCloses) {
  auto config = test_server_config();
  config.request_timeout = 300ms;
  ts_.start(config);
  auto conn = HttpConnection::connect(ts_.port());
  EXPECT_EQ(conn.request(make_request("GET", "/ok")).status, 200);
  auto started = Clock::now();
  EXPECT_TRUE(conn.closed_by_peer(3s)) << "closed without sending anything";
  EXPECT_GE(Clock::now() - started, 250ms);
}

TEST_F(ServerTest, HandlerTimeIsNotLimitedByTheReadDeadline) {
  auto config = test_server_config();
  config.request_timeout = 100ms;
  ts_.start(config);
  auto res = http_get(ts_.port(), "/slow");  // 150 ms > request_timeout
  EXPECT_EQ(res.status, 200);
}

class AuthServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto who = [](http::RequestContext& ctx) -> net::awaitable<http::Response> {
      co_return http::json_response(http::Status::ok,
                                    {{"principal", ctx.principal() ? ctx.principal()->name : "-"}});
    };
    ts_.router.add(http::Verb::get, "/open", {}, who);
    ts_.router.add(http::Verb::get, "/read", role(config::Role::Reader), who);
    ts_.router.add(http::Verb::post, "/write", role(config::Role::Writer), who);
  }
  HttpResponse call(std::string method, std::string target, std::optional<std::string> authorization) {
    HttpRequest request = make_request(std::move(method), std::move(target));
    if (authorization) {
      request.headers.emplace_back("Authorization", *authorization);
    }
    return http_request(ts_.port(), request);
  }
  TestServer ts_;
};

TEST_F(AuthServerTest, MissingUnknownOrMalformedTokenIs401) {
  ts_.start(test_server_config(), test_auth_config());
  for (std::optional<std::string> auth :
       {std::optional<std::string>{}, std::optional<std::string>{"Bearer nope"},
        std::optional<std::string>{"Basic cmVhZGVyOnJlYWRlcg=="}, std::optional<std::string>{"Bearer"},
        std::optional<std::string>{"reader-token"}}) {
    auto res = call("GET", "/read", auth);
    expect_error(res, 401, "unauthenticated");
    EXPECT_EQ(res.header("WWW-Authenticate"), R"(Bearer realm="regscand")") << auth.value_or("<none>");
  }
}

TEST_F(AuthServerTest, WeakRoleIs403) {
  ts_.start(test_server_config(), test_auth_config());
  auto res = call("POST", "/write", "Bearer reader-token");
  expect_error(res, 403, "permission_denied");
  EXPECT_FALSE(res.header("WWW-Authenticate").has_value());
}

TEST_F(AuthServerTest, SufficientRolePassesAndNamesPrincipal) {
  ts_.start(test_server_config(), test_auth_config());
  EXPECT_EQ(json_of(call("GET", "/read", "Bearer reader-token"))["principal"], "ci-reader");
  EXPECT_EQ(json_of(call("POST", "/write", "Bearer writer-token"))["principal"], "ci-writer");
  EXPECT_EQ(json_of(call("POST", "/write", "Bearer admin-token"))["principal"], "ops-admin");
}

TEST_F(AuthServerTest, EveryRequestComparesEveryToken) {
  ts_.start(test_server_config(), test_auth_config());
  auto before = http::digest_comparisons_for_test();
  EXPECT_EQ(call("GET", "/read", "Bearer reader-token").status, 200);
  EXPECT_EQ(http::digest_comparisons_for_test() - before, 3U);
}

TEST_F(AuthServerTest, OpenRouteNeedsNoToken) {
  ts_.start(test_server_config(), test_auth_config());
  auto res = call("GET", "/open", std::nullopt);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(json_of(res)["principal"], "-");
  EXPECT_EQ(call("GET", "/open", "Bearer garbage").status, 200) << "open routes do not check tokens";
}

TEST_F(AuthServerTest, AuthRejectedBeforeBodyIsRead) {
  ts_.start(test_server_config(), test_auth_config());
  auto conn = HttpConnection::connect(ts_.port());
  // The body is announced but never sent: the 401 must come anyway, without waiting for it.
  conn.write_raw("POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
  auto res = conn.read_response();
  expect_error(res, 401, "unauthenticated");
  EXPECT_FALSE(res.keep_alive);
}

TEST_F(AuthServerTest, DisabledAuthAllowsEverything) {
  ts_.start(test_server_config(), config::AuthConfig{});
  auto res = call("POST", "/write", std::nullopt);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(json_of(res)["principal"], "anonymous");
}

TEST(ServerCreate, BindErrorIsAResult) {
  TestServer first;
  first.start();
  auto config = test_server_config();
  config.port = first.port();
  http::Metrics metrics;
  auto second = http::Server::create(config, {}, http::Router{}, metrics);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::Unavailable);
  EXPECT_NE(second.error().message.find("bind"), std::string::npos) << second.error().message;
}

TEST(ServerCreate, UnresolvableHostIsAResult) {
  auto config = test_server_config();
  config.host = "no-such-host.invalid";
  http::Metrics metrics;
  auto server = http::Server::create(config, {}, http::Router{}, metrics);
  ASSERT_FALSE(server.has_value());
  EXPECT_EQ(server.error().code, ErrorCode::InvalidArgument);
}

TEST(ServerCreate, MissingTlsFilesAreAResult) {
  TempDir dir;
  auto config = test_server_config();
  config.tls.cert_file = (dir.path() / "missing.pem").string();
  config.tls.key_file = (dir.path() / "missing.key").string();
  http::Metrics metrics;
  auto server = http::Server::create(config, {}, http::Router{}, metrics);
  ASSERT_FALSE(server.has_value());
  EXPECT_NE(server.error().message.find("server.tls.cert_file"), std::string::npos) << server.error().message;
}

// A throwaway self-signed P-256 certificate for CN=localhost.
void write_self_signed(const std::filesystem::path& cert, const std::filesystem::path& key) {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  ASSERT_NE(pkey, nullptr);
  X509* x509 = X509_new();
  ASSERT_NE(x509, nullptr);
  X509_set_version(x509, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
  X509_gmtime_adj(X509_getm_notBefore(x509), -60);
  X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
  X509_set_pubkey(x509, pkey);
  X509_NAME* name = X509_get_subject_name(x509);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                             -1, -1, 0);
  X509_set_issuer_name(x509, name);
  ASSERT_GT(X509_sign(x509, pkey, EVP_sha256()), 0);
  FILE* f = std::fopen(cert.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, x509);
  std::fclose(f);
  f = std::fopen(key.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(x509);
  EVP_PKEY_free(pkey);
}

TEST(ServerTls, RoundTripOverTls) {
  TempDir dir;
  auto config = test_server_config();
  config.tls.cert_file = (dir.path() / "cert.pem").string();
  config.tls.key_file = (dir.path() / "key.pem").string();
  ASSERT_NO_FATAL_FAILURE(write_self_signed(config.tls.cert_file, config.tls.key_file));
  TestServer ts;
  ts.router.add(http::Verb::get, "/ok", {}, json_handler({{"tls", true}}));
  ts.start(config);

  auto conn = HttpConnection::connect(ts.port(), /*tls=*/true);
  auto res = conn.request(make_request("GET", "/ok"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(json_of(res)["tls"], true);
  EXPECT_EQ(conn.request(make_request("GET", "/missing")).status, 404) << "keep-alive over TLS";

  // Plain HTTP to the TLS port gets no HTTP answer.
  auto plain = HttpConnection::connect(ts.port());
  plain.write_raw("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THROW(plain.read_response(), std::runtime_error);
}

TEST(ServerTls, MismatchedKeyIsAResult) {
  TempDir dir;
  auto config = test_server_config();
  config.tls.cert_file = (dir.path() / "cert.pem").string();
  config.tls.key_file = (dir.path() / "key.pem").string();
  ASSERT_NO_FATAL_FAILURE(write_self_signed(config.tls.cert_file, config.tls.key_file));
  ASSERT_NO_FATAL_FAILURE(write_self_signed(dir.path() / "cert2.pem", dir.path() / "key2.pem"));
  config.tls.key_file = (dir.path() / "key2.pem").string();
  http::Metrics metrics;
  auto server = http::Server::create(config, {}, http::Router{}, metrics);
  ASSERT_FALSE(server.has_value());
  EXPECT_NE(server.error().message.find("server.tls.key_file"), std::string::npos) << server.error().message;
}

TEST(ServerShutdown, FinishesInFlightRequest) {
  TestServer ts;
  ts.router.add(http::Verb::get, "/slow", {}, sleeping_handler(500ms, "done"));
  ts.start();
  auto port = ts.port();
  auto pending = std::async(std::launch::async, [port] { return http_get(port, "/slow"); });
  std::this_thread::sleep_for(150ms);  // the request is in the handler now
  auto started = Clock::now();
  ts.server().shutdown();
  auto res = pending.get();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(json_of(res)["answer"], "done");
  EXPECT_FALSE(res.keep_alive) << "a draining server closes after the response";
  ts.server().wait();
  EXPECT_LT(Clock::now() - started, 3s);
  EXPECT_THROW(HttpConnection::connect(port, false, 1s), std::runtime_error) << "no longer accepting";
}

TEST(ServerShutdown, ClosesIdleConnectionsAtOnce) {
  TestServer ts;
  ts.router.add(http::Verb::get, "/ok", {}, json_handler({}));
  auto config = test_server_config();
  config.request_timeout = 30s;
  ts.start(config);
  auto conn = HttpConnection::connect(ts.port());
  EXPECT_EQ(conn.request(make_request("GET", "/ok")).status, 200);
  auto started = Clock::now();
  ts.server().shutdown();
  ts.server().wait();
  EXPECT_LT(Clock::now() - started, 2s) << "idle keep-alive connections do not hold up shutdown";
  EXPECT_TRUE(conn.closed_by_peer(2s));
}

TEST(ServerShutdown, ClosesStuckRequestsAfterTimeout) {
  TestServer ts;
  ts.router.add(http::Verb::get, "/stuck", {}, sleeping_handler(30s, "never"));
  auto config = test_server_config();
  config.shutdown_timeout = 300ms;
  ts.start(config);
  auto conn = HttpConnection::connect(ts.port());
  conn.write_raw("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  auto started = Clock::now();
  ts.server().shutdown();
  ts.server().wait();
  auto elapsed = Clock::now() - started;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 3s);
  EXPECT_TRUE(conn.closed_by_peer(2s));
}

}  // namespace
}  // namespace regscand::testing
