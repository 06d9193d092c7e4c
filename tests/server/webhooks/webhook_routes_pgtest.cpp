// POST /v1/webhooks/{registry} over real sockets and a real PostgreSQL: the registry's token, content
// types, parse errors and body limit are checked before anything is written; 202 only once committed;
// redeliveries are acknowledged and not applied twice; 503 (never 2xx) while the database is down.
#include "server/webhooks/webhook_routes.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "storage/event_inbox.hpp"
#include "tests/server/test_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg_test.hpp"

namespace regscand::testing {
namespace {

namespace fs = std::filesystem;
namespace webhooks = server::webhooks;

const fs::path kCaptures = fs::path(REGSCAND_TEST_DATA) / "webhooks" / "distribution-2.8";
constexpr std::string_view kV1 = "application/vnd.docker.distribution.events.v1+json";

// The body of a captured POST ({headers, body}).
std::string captured_body(const std::string& file) {
  std::ifstream in(kCaptures / file);
  return nlohmann::json::parse(in).at("body").dump();
}

config::RegistryConfig registry(std::string name, config::RegistryKind kind,
                                std::vector<std::string> tokens) {
  config::RegistryConfig r;
  r.name = std::move(name);
  r.kind = kind;
  r.url = "http://127.0.0.1:5000";
  r.webhook_tokens = std::move(tokens);
  return r;
}

std::string acr_push(std::string id) {
  return nlohmann::json{{"id", id},
                        {"timestamp", "2026-11-28T10:00:00Z"},
                        {"action", "push"},
                        {"target",
                         {{"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
                          {"size", 524},
                          {"digest", "sha256:" + std::string(64, 'a')},
                          {"repository", "team/app"},
                          {"tag", "v1"}}},
                        {"request", {{"id", "r1"}, {"host", "myregistry.azurecr.io"}, {"method", "PUT"}}}}
      .dump();
}

class WebhookRoute : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;

    config_.registries.push_back(registry("local", config::RegistryKind::Distribution, {"secret-token"}));
    config_.registries.push_back(registry("acr", config::RegistryKind::Acr, {"acr-1", "acr-2"}));
    config_.registries.push_back(registry("harbor", config::RegistryKind::Harbor, {"harbor-token"}));
    inbox_ = std::make_unique<storage::EventInbox>(*db_, "test/1", 3);
    writer_ = std::make_unique<webhooks::InboxWriter>(*inbox_);
    webhooks::add_webhook_routes(server_.router, config_, *writer_, server_.metrics);
    auto server_config = test_server_config();
    server_config.body_limit_bytes = 64 * 1024;
    server_.start(server_config);
  }

  void TearDown() override {
    server_.stop();
    if (writer_) writer_->stop();
  }

  HttpResponse post(const std::string& target, std::string body, Headers headers) {
    return http_request(server_.port(), make_request("POST", target, std::move(headers), std::move(body)));
  }
  HttpResponse post_local(std::string body, std::string authorization = "Bearer secret-token",
                          std::string content_type = std::string(kV1)) {
    return post("/v1/webhooks/local", std::move(body),
                {{"Authorization", std::move(authorization)}, {"Content-Type", std::move(content_type)}});
  }

  std::int64_t rows_written() {
    return count(
        "SELECT (SELECT count(*) FROM webhook_events) + (SELECT count(*) FROM manifests) +"
        " (SELECT count(*) FROM tags) + (SELECT count(*) FROM jobs)");
  }

  static std::string error_code(const HttpResponse& res) {
    return nlohmann::json::parse(res.body)["error"]["code"].get<std::string>();
  }

  config::Config config_;
  std::unique_ptr<storage::EventInbox> inbox_;
  std::unique_ptr<webhooks::InboxWriter> writer_;
  TestServer server_;
};

TEST_F(WebhookRoute, CapturedPushIsCommittedBefore202AndQueuesOneScan) {
  const auto res = post_local(captured_body("02-push.json"));
  ASSERT_EQ(res.status, 202) << res.body;
  const auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["applied"], 1);
  EXPECT_EQ(body["jobs_enqueued"], 1);
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'scan' AND registry = 'local' AND repository ="
                  " 'library/debian' AND state = 'queued'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM tags WHERE tag = 'bookworm'"), 1);
}

TEST_F(WebhookRoute, BlobEventsAreAcknowledgedAndDropped) {
  const auto res = post_local(captured_body("00-push.json"));
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(nlohmann::json::parse(res.body)["ignored"], 1);
  EXPECT_EQ(rows_written(), 0);
}

TEST_F(WebhookRoute, RedeliveryIsAcknowledgedButNotAppliedTwice) {
  const std::string body = captured_body("02-push.json");
  ASSERT_EQ(post_local(body).status, 202);
  const auto again = post_local(body);
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(nlohmann::json::parse(again.body)["duplicates"], 1);
  EXPECT_EQ(nlohmann::json::parse(again.body)["applied"], 0);
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM webhook_events"), 1);
}

TEST_F(WebhookRoute, PullAndDeleteCapturesUpdateTheManifest) {
  ASSERT_EQ(post_local(captured_body("02-push.json")).status, 202);
  ASSERT_EQ(post_local(captured_body("03-pull.json")).status, 202);
  EXPECT_EQ(count("SELECT pull_count FROM manifests"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM manifests WHERE last_pulled_at IS NOT NULL"), 1);
  ASSERT_EQ(post_local(captured_body("10-delete.json")).status, 202);
  ASSERT_EQ(post_local(captured_body("11-delete.json")).status, 202);
  EXPECT_EQ(count("SELECT count(*) FROM manifests WHERE deleted_at IS NOT NULL"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE state = 'cancelled'"), 1);
}

TEST_F(WebhookRoute, UnknownRegistryIs404) {
  const auto res = post("/v1/webhooks/nope", captured_body("02-push.json"),
                        {{"Authorization", "Bearer secret-token"}, {"Content-Type", std::string(kV1)}});
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(error_code(res), "not_found");
}

TEST_F(WebhookRoute, MissingOrWrongTokenIs401AndWritesNothing) {
  for (const std::string auth : {"", "Bearer wrong", "Bearer secret-token-", "Basic !!!", "Bearer acr-1"}) {
    const auto res = post_local(captured_body("02-push.json"), auth);
    EXPECT_EQ(res.status, 401) << "Authorization: " << auth;
    EXPECT_EQ(error_code(res), "unauthenticated");
    EXPECT_EQ(res.body.find("secret-token"), std::string::npos);
  }
  EXPECT_EQ(rows_written(), 0);
}

TEST_F(WebhookRoute, TokenMayComeAsBearerBasicOrBare) {
  EXPECT_EQ(post("/v1/webhooks/acr", acr_push("e1"),
                 {{"Authorization", "Bearer acr-2"}, {"Content-Type", "application/json"}})
                .status,
            202);
  // "user:acr-1" in base64: ACR and distribution can send Basic credentials.
  EXPECT_EQ(post("/v1/webhooks/acr", acr_push("e2"),
                 {{"Authorization", "Basic dXNlcjphY3ItMQ=="}, {"Content-Type", "application/json"}})
                .status,
            202);
  const auto harbor = nlohmann::json{
      {"type", "PULL_ARTIFACT"},
      {"occur_at", 1700000000},
      {"operator", "admin"},
      {"event_data",
       {{"resources", nlohmann::json::array()},
        {"repository", {{"name", "app"}, {"namespace", "team"}, {"repo_full_name", "team/app"}}}}}};
  const auto res = post("/v1/webhooks/harbor", harbor.dump(),
                        {{"Authorization", "harbor-token"}, {"Content-Type", "application/json"}});
  EXPECT_EQ(res.status, 202) << res.body;
}

// regscand's own manifest GETs come back as pull events: by user agent (distribution) or by operator, the
// account regscand pulls with (Harbor). They are answered as dropped and counted nowhere.
TEST_F(WebhookRoute, OwnPullsAreDroppedNotCounted) {
  ASSERT_EQ(post_local(captured_body("02-push.json")).status, 202);
  auto own = nlohmann::json::parse(captured_body("03-pull.json"));
  own["events"][0]["id"] = "own-pull";
  own["events"][0]["request"]["useragent"] = "regscand/0.1.0";
  auto res = post_local(own.dump());
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(nlohmann::json::parse(res.body)["dropped"], 1) << res.body;
  EXPECT_EQ(count("SELECT pull_count FROM manifests"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM manifests WHERE last_pulled_at IS NOT NULL"), 0);
  ASSERT_EQ(post_local(captured_body("03-pull.json")).status, 202);
  EXPECT_EQ(count("SELECT pull_count FROM manifests"), 1) << "skopeo's pull counts";

  config_.registries[2].auth.type = config::RegistryAuthType::Basic;
  config_.registries[2].auth.username = "robot$regscand";
  config_.registries[2].auth.password = "secret";
  const std::string digest = "sha256:" + std::string(64, 'c');
  auto harbor = [&](const char* type, const char* operator_name) {
    const nlohmann::json body{
        {"type", type},
        {"occur_at", 1700000000},
        {"operator", operator_name},
        {"event_data",
         {{"resources", {{{"digest", digest}, {"tag", "v1"}}}},
          {"repository", {{"name", "app"}, {"namespace", "team"}, {"repo_full_name", "team/app"}}}}}};
    return post("/v1/webhooks/harbor", body.dump(),
                {{"Authorization", "harbor-token"}, {"Content-Type", "application/json"}});
  };
  ASSERT_EQ(harbor("PUSH_ARTIFACT", "admin").status, 202);
  res = harbor("PULL_ARTIFACT", "robot$regscand");
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(nlohmann::json::parse(res.body)["dropped"], 1) << res.body;
  const std::string pulls =
      "SELECT pull_count FROM manifests WHERE registry = 'harbor' AND digest = '" + digest + "'";
  EXPECT_EQ(count(pulls), 0);
  ASSERT_EQ(harbor("PULL_ARTIFACT", "admin").status, 202);
  EXPECT_EQ(count(pulls), 1);
}

TEST_F(WebhookRoute, OtherContentTypesAre415) {
  const auto res = post_local(captured_body("02-push.json"), "Bearer secret-token", "text/plain");
  EXPECT_EQ(res.status, 415);
  EXPECT_EQ(error_code(res), "unsupported_media_type");
  EXPECT_EQ(
      post_local(captured_body("02-push.json"), "Bearer secret-token", "application/json; charset=utf-8")
          .status,
      202);
  EXPECT_EQ(post("/v1/webhooks/acr", acr_push("e3"),
                 {{"Authorization", "Bearer acr-1"}, {"Content-Type", "application/cloudevents+json"}})
                .status,
            415);
}

TEST_F(WebhookRoute, BrokenBodiesAre400NamingTheProblemAndWriteNothing) {
  std::string push = captured_body("02-push.json");
  const std::pair<std::string, std::string> cases[] = {
      {"{\"events\": [", "JSON"},
      {"[]", "events"},
      {std::string(5000, '[') + std::string(5000, ']'), "deep"},
      {nlohmann::json::parse(push).dump().replace(push.find("sha256:e742"), 11, "sha256:ZZZZ"), "digest"},
      {nlohmann::json::parse(push).dump().replace(push.find("library/debian"), 14, "Library/Debian"),
       "repository"},
      {std::string("{\"events\":[{\"id\":\"x\",\"action\":\"push\",\"target\":\"\xff\xfe\"}]}"), ""},
  };
  for (const auto& [body, needle] : cases) {
    const auto res = post_local(body);
    EXPECT_EQ(res.status, 400) << body.substr(0, 200);
    if (res.status != 400) continue;
    EXPECT_EQ(error_code(res), "invalid_argument");
    const auto message = nlohmann::json::parse(res.body)["error"]["message"].get<std::string>();
    EXPECT_NE(message.find(needle), std::string::npos) << message;
  }
  EXPECT_EQ(rows_written(), 0);
}

TEST_F(WebhookRoute, OverTheBodyLimitIs413) {
  const auto res = post_local(std::string(70 * 1024, ' ') + captured_body("02-push.json"));
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(rows_written(), 0);
}

TEST_F(WebhookRoute, DatabaseDownIs503NeverAccepted) {
  ASSERT_TRUE(cluster_->stop());
  const auto res = post_local(captured_body("02-push.json"));
  EXPECT_EQ(res.status, 503) << res.body;
  EXPECT_EQ(error_code(res), "unavailable");
  ASSERT_TRUE(cluster_->start());
  const auto retried = post_local(captured_body("02-push.json"));
  EXPECT_EQ(retried.status, 202) << retried.body;
  EXPECT_EQ(nlohmann::json::parse(retried.body)["applied"], 1);
}

TEST_F(WebhookRoute, ConcurrentRequestsAreAllCommitted) {
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto body = nlohmann::json::parse(captured_body("02-push.json"));
        body["events"][0]["id"] = "ev-" + std::to_string(t) + "-" + std::to_string(i);
        body["events"][0]["target"]["tag"] = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (post_local(body.dump()).status == 202) ++accepted;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted.load(), kThreads * kEach);
  EXPECT_EQ(count("SELECT count(*) FROM webhook_events"), kThreads * kEach);
  EXPECT_EQ(count("SELECT count(*) FROM tags"), kThreads * kEach);
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 1) << "one digest, many tags: one job";
}

TEST(PresentedWebhookToken, BearerBasicAndBare) {
  EXPECT_EQ(webhooks::presented_webhook_token("Bearer abc"), "abc");
  EXPECT_EQ(webhooks::presented_webhook_token("bearer  abc "), "abc");
  EXPECT_EQ(webhooks::presented_webhook_token("Basic dXNlcjphY3ItMQ=="), "acr-1");
  EXPECT_EQ(webhooks::presented_webhook_token("Basic bm9jb2xvbg=="), "");
  EXPECT_EQ(webhooks::presented_webhook_token("Basic ???"), "");
  EXPECT_EQ(webhooks::presented_webhook_token("raw-token"), "raw-token");
}

}  // namespace
}  // namespace regscand::testing
