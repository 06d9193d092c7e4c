// POST /v1/scans and GET /v1/scans/{id} over a real queue and the real HTTP server: a digest import records
// the manifest and queues one "import" job (a second import returns the same job), every field validated
// (400 naming it), an unknown registry 404, a tag on an unreachable registry 503 (502 on one serving a
// 100 MB manifest), auth 401/403. POST /v1/scans:catalog queues one "catalog" job per registry (the same id
// while it is active), shown by GET.
#include "server/api/scans.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/server/test_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg_test.hpp"
#include "tests/support/registry.hpp"

namespace regscand::testing {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

class ScansApi : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    config::RegistryConfig registry;
    registry.name = "local";
    registry.url = "http://127.0.0.1:1";  // unreachable
    config_.registries.push_back(registry);
    registry.name = "slow";
    registry.url = drip_.url();
    config_.registries.push_back(registry);
    registry.name = "huge";
    registry.url = huge_.url();
    config_.registries.push_back(registry);
    queue_ = std::make_unique<storage::JobQueue>(*db_);
    rescans_ = std::make_unique<storage::RescanStore>(*db_);
    scans_ = std::make_unique<storage::ScanStore>(*db_);
    server::api::add_scan_routes(server_.router, {config_, *queue_, *rescans_, *scans_, resolver_});
    server_.start(test_server_config(), test_auth_config());
  }

  HttpResponse post(const std::string& body, const std::string& token = "writer-token",
                    const std::string& path = "/v1/scans") {
    Headers headers{{"Content-Type", "application/json"}};
    if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
    return http_request(server_.port(), make_request("POST", path, headers, body));
  }
  HttpResponse post_catalog(const std::string& body, const std::string& token = "writer-token") {
    return post(body, token, "/v1/scans:catalog");
  }
  std::string bad_request(const std::string& body, const std::string& path = "/v1/scans") {
    const auto res = post(body, "writer-token", path);
    EXPECT_EQ(res.status, 400) << body << ": " << res.body;
    const auto json = nlohmann::json::parse(res.body, nullptr, false);
    if (json.is_discarded()) return "";
    EXPECT_EQ(json["error"]["code"], "invalid_argument");
    return json["error"]["message"].get<std::string>();
  }

  // A registry sending its answer's status line and headers one byte per second.
  FakeHttpServer drip_{[](FakeExchange& exchange) {
    const std::string_view head = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    for (const char c : head) {
      if (!exchange.write(std::string_view(&c, 1)) || !exchange.sleep(std::chrono::seconds(1))) return;
    }
  }};
  // A registry answering every manifest request with 100 MB.
  FakeHttpServer huge_{[](FakeExchange& exchange) {
    if (!exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"
                        "Content-Length: 100000000\r\n\r\n")) {
      return;
    }
    const std::string chunk(65536, '{');
    for (int i = 0; i < 1526 && exchange.write(chunk); ++i) {
    }
  }};
  config::Config config_;
  server::api::TagResolver resolver_{{.max_in_flight = 4, .deadline = std::chrono::milliseconds(1'500)}};
  std::unique_ptr<storage::JobQueue> queue_;
  std::unique_ptr<storage::RescanStore> rescans_;
  std::unique_ptr<storage::ScanStore> scans_;
  TestServer server_;
};

TEST_F(ScansApi, ImportsADigestOnce) {
  const std::string body = R"({"registry":"local","repository":"team/app","digest":")" + kDigest + "\"}";
  const auto first = post(body);
  ASSERT_EQ(first.status, 202) << first.body;
  const auto json = nlohmann::json::parse(first.body);
  const auto id = json["id"].get<std::int64_t>();
  EXPECT_TRUE(json["created"].get<bool>());
  EXPECT_EQ(first.header("Location"), "/v1/scans/" + std::to_string(id));
  EXPECT_EQ(count("SELECT count(*) FROM manifests WHERE registry = 'local' AND repository = 'team/app' AND "
                  "deleted_at IS NULL"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'import' AND priority = 100"), 1);

  const auto again = post(body);
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(nlohmann::json::parse(again.body)["id"], id);
  EXPECT_FALSE(nlohmann::json::parse(again.body)["created"].get<bool>());
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 1) << "never queued twice";

  const auto shown =
      http_get(server_.port(), "/v1/scans/" + std::to_string(id), {{"Authorization", "Bearer reader-token"}});
  ASSERT_EQ(shown.status, 200) << shown.body;
  const auto scan = nlohmann::json::parse(shown.body);
  EXPECT_EQ(scan["state"], "queued");
  EXPECT_EQ(scan["kind"], "import");
  EXPECT_EQ(scan["digest"], kDigest);
  EXPECT_TRUE(scan["scans"].empty());
}

TEST_F(ScansApi, ValidatesEveryField) {
  EXPECT_NE(bad_request("[]").find("body"), std::string::npos);
  EXPECT_NE(bad_request("not json").size(), 0u);
  EXPECT_NE(bad_request(R"({"repository":"a","digest":")" + kDigest + "\"}").find("registry: required"),
            std::string::npos);
  EXPECT_NE(bad_request(R"({"registry":"local","digest":")" + kDigest + "\"}").find("repository: required"),
            std::string::npos);
  EXPECT_NE(bad_request(R"({"registry":"local","repository":"Bad Name","tag":"x"})").find("repository"),
            std::string::npos);
  EXPECT_NE(bad_request(R"({"registry":"local","repository":"a"})").find("exactly one"), std::string::npos);
  EXPECT_NE(bad_request(R"({"registry":"local","repository":"a","tag":"x","digest":")" + kDigest + "\"}")
                .find("exactly one"),
            std::string::npos);
  EXPECT_NE(bad_request(R"({"registry":"local","repository":"a","tag":"-bad"})").find("tag"),
            std::string::npos);
  EXPECT_NE(bad_request(R"({"registry":"local","repository":"a","digest":"sha256:zz"})").find("digest"),
            std::string::npos);
  EXPECT_NE(bad_request(R"({"registry":"local","repository":"a","tag":7})").find("tag: must be a string"),
            std::string::npos);
  EXPECT_NE(bad_request(R"({"registry":"local","repository":"a","tag":"x","extra":1})").find("unknown field"),
            std::string::npos);
  EXPECT_NE(bad_request(R"({"registry":"","repository":"a","tag":"x"})").find("registry: must not be empty"),
            std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 0);
}

TEST_F(ScansApi, UnknownRegistryUnreachableRegistryAndUnknownScan) {
  const auto unknown = post(R"({"registry":"nope","repository":"a","tag":"x"})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(nlohmann::json::parse(unknown.body)["error"]["code"], "not_found");
  const auto down = post(R"({"registry":"local","repository":"a","tag":"latest"})");
  EXPECT_EQ(down.status, 503) << down.body;
  // An answer regscand refuses is the registry's fault, and no reason to retry.
  const auto huge = post(R"({"registry":"huge","repository":"a","tag":"latest"})");
  EXPECT_EQ(huge.status, 502) << huge.body;
  const auto error = nlohmann::json::parse(huge.body, nullptr, false);
  EXPECT_EQ(error["error"]["code"], "bad_gateway") << huge.body;
  EXPECT_NE(huge.body.find("larger than"), std::string::npos) << huge.body;
  EXPECT_EQ(http_get(server_.port(), "/v1/scans/999", {{"Authorization", "Bearer reader-token"}}).status,
            404);
  EXPECT_EQ(http_get(server_.port(), "/v1/scans/x", {{"Authorization", "Bearer reader-token"}}).status, 400);
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 0);
}

// Tag resolutions against a registry that drips: at most 4 at once, each cut at its deadline, the rest
// refused at once; meanwhile the other endpoints answer as usual.
TEST_F(ScansApi, ASlowRegistryDoesNotHoldTheApi) {
  using std::chrono::steady_clock;
  const auto began = steady_clock::now();
  std::vector<std::future<HttpResponse>> posts;
  for (int i = 0; i < 10; ++i) {
    posts.push_back(std::async(std::launch::async, [this, i] {
      return post(R"({"registry":"slow","repository":"a","tag":"t)" + std::to_string(i) + "\"}");
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int i = 0; i < 3; ++i) {
    const auto asked = steady_clock::now();
    EXPECT_EQ(http_get(server_.port(), "/v1/scans/999", {{"Authorization", "Bearer reader-token"}}).status,
              404);
    EXPECT_LT(steady_clock::now() - asked, std::chrono::milliseconds(500));
  }
  int busy = 0, timed_out = 0;
  for (auto& f : posts) {
    const auto res = f.get();
    EXPECT_EQ(res.status, 503) << res.body;
    if (res.body.find("already in progress") != std::string::npos)
      ++busy;
    else
      ++timed_out;
  }
  EXPECT_EQ(busy, 6);
  EXPECT_EQ(timed_out, 4);
  EXPECT_LT(steady_clock::now() - began, std::chrono::seconds(6)) << "a resolution outlived its deadline";
  EXPECT_EQ(resolver_.in_flight(), 0u);
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 0);
}

TEST_F(ScansApi, NeedsAWriterToPostAndAReaderToRead) {
  const std::string body = R"({"registry":"local","repository":"a","digest":")" + kDigest + "\"}";
  EXPECT_EQ(post(body, "").status, 401);
  EXPECT_EQ(post(body, "wrong-token-wrong-token").status, 401);
  EXPECT_EQ(post(body, "reader-token").status, 403);
  EXPECT_EQ(http_get(server_.port(), "/v1/scans/1").status, 401);
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 0);
  EXPECT_EQ(post(body, "admin-token").status, 202);
}

TEST_F(ScansApi, CatalogQueuesOneJobPerRegistryAndShowsIt) {
  const auto first = post_catalog(R"({"registry":"local"})");
  ASSERT_EQ(first.status, 202) << first.body;
  const auto json = nlohmann::json::parse(first.body);
  const auto id = json["id"].get<std::int64_t>();
  EXPECT_TRUE(json["created"].get<bool>());
  EXPECT_EQ(json["kind"], "catalog");
  EXPECT_EQ(json["registry"], "local");
  EXPECT_EQ(first.header("Location"), "/v1/scans/" + std::to_string(id));
  EXPECT_EQ(json["location"], "/v1/scans/" + std::to_string(id));
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'catalog' AND registry = 'local' AND repository = "
                  "'_catalog' AND digest = '_catalog' AND priority = 100 AND state = 'queued'"),
            1);

  const auto again = post_catalog(R"({"registry":"local"})", "admin-token");
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(nlohmann::json::parse(again.body)["id"], id);
  EXPECT_FALSE(nlohmann::json::parse(again.body)["created"].get<bool>());
  EXPECT_EQ(again.header("Location"), "/v1/scans/" + std::to_string(id));
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 1) << "never queued twice";

  const auto shown =
      http_get(server_.port(), "/v1/scans/" + std::to_string(id), {{"Authorization", "Bearer reader-token"}});
  ASSERT_EQ(shown.status, 200) << shown.body;
  const auto scan = nlohmann::json::parse(shown.body);
  EXPECT_EQ(scan["kind"], "catalog");
  EXPECT_EQ(scan["state"], "queued");
  EXPECT_EQ(scan["registry"], "local");
  EXPECT_TRUE(scan["repository"].is_null());
  EXPECT_TRUE(scan["digest"].is_null());
  EXPECT_TRUE(scan["result"].is_null());
  EXPECT_TRUE(scan["scans"].empty());

  // Once it finished, the next POST queues a new walk, and GET shows the finished one's result.
  {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    tx.exec0(
        "UPDATE jobs SET state = 'succeeded', finished_at = now(), result = '{\"repositories\": 3}' "
        "WHERE id = " +
        std::to_string(id));
    tx.commit();
  }
  const auto done =
      http_get(server_.port(), "/v1/scans/" + std::to_string(id), {{"Authorization", "Bearer reader-token"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(nlohmann::json::parse(done.body)["result"]["repositories"], 3);
  const auto next = post_catalog(R"({"registry":"local"})");
  ASSERT_EQ(next.status, 202) << next.body;
  EXPECT_NE(nlohmann::json::parse(next.body)["id"], id);
  EXPECT_TRUE(nlohmann::json::parse(next.body)["created"].get<bool>());
}

TEST_F(ScansApi, CatalogValidatesItsBodyAndRegistry) {
  const std::string path = "/v1/scans:catalog";
  EXPECT_NE(bad_request("[]", path).find("body"), std::string::npos);
  EXPECT_NE(bad_request("not json", path).size(), 0u);
  EXPECT_NE(bad_request("{}", path).find("registry: required"), std::string::npos);
  EXPECT_NE(bad_request(R"({"registry":""})", path).find("registry: must not be empty"), std::string::npos);
  EXPECT_NE(bad_request(R"({"registry":7})", path).find("registry: must be a string"), std::string::npos);
  EXPECT_NE(
      bad_request(R"({"registry":"local","repository":"a"})", path).find("unknown field \"repository\""),
      std::string::npos);
  const auto unknown = post_catalog(R"({"registry":"nope"})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(nlohmann::json::parse(unknown.body)["error"]["code"], "not_found");
  EXPECT_NE(nlohmann::json::parse(unknown.body)["error"]["message"].get<std::string>().find("registry"),
            std::string::npos);
  const auto form =
      http_request(server_.port(), make_request("POST", path,
                                                {{"Authorization", "Bearer writer-token"},
                                                 {"Content-Type", "application/x-www-form-urlencoded"}},
                                                "registry=local"));
  EXPECT_EQ(form.status, 415) << form.body;
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 0);
}

TEST_F(ScansApi, CatalogNeedsAWriter) {
  const std::string body = R"({"registry":"local"})";
  EXPECT_EQ(post_catalog(body, "").status, 401);
  EXPECT_EQ(post_catalog(body, "wrong-token-wrong-token").status, 401);
  EXPECT_EQ(post_catalog(body, "reader-token").status, 403);
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 0);
  EXPECT_EQ(post_catalog(body, "writer-token").status, 202);
}

}  // namespace
}  // namespace regscand::testing
