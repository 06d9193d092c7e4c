// GET /v1/jobs and /v1/jobs/{id} over a real queue: reader role required, newest first with a stable
// cursor, filters and limits validated (400 naming the parameter), 404 for an unknown id.
#include "server/api/jobs.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/server/test_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg_test.hpp"

namespace regscand::testing {
namespace {

class JobsApi : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    queue_ = std::make_unique<storage::JobQueue>(*db_);
    for (int i = 0; i < 5; ++i) {
      auto id = queue_->enqueue({"scan", "local", "team/app", "sha256:" + std::to_string(i), 100, 3});
      ASSERT_TRUE(id && *id);
      ids_.push_back(**id);
    }
    server::api::add_job_routes(server_.router, *queue_);
    server_.start(test_server_config(), test_auth_config());
  }

  HttpResponse get(const std::string& target, const std::string& token = "reader-token") {
    return http_get(server_.port(), target, {{"Authorization", "Bearer " + token}});
  }
  nlohmann::json get_ok(const std::string& target) {
    const auto res = get(target);
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    return nlohmann::json::parse(res.body);
  }
  std::string bad_request(const std::string& target) {
    const auto res = get(target);
    EXPECT_EQ(res.status, 400) << target;
    const auto body = nlohmann::json::parse(res.body);
    EXPECT_EQ(body["error"]["code"], "invalid_argument");
    return body["error"]["message"].get<std::string>();
  }

  std::unique_ptr<storage::JobQueue> queue_;
  std::vector<std::int64_t> ids_;
  TestServer server_;
};

TEST_F(JobsApi, PagesNewestFirstWithACursor) {
  const auto first = get_ok("/v1/jobs?limit=2");
  ASSERT_EQ(first["items"].size(), 2u);
  EXPECT_EQ(first["items"][0]["id"], ids_[4]);
  EXPECT_EQ(first["items"][1]["id"], ids_[3]);
  EXPECT_EQ(first["items"][0]["state"], "queued");
  EXPECT_EQ(first["items"][0]["digest"], "sha256:4");
  ASSERT_TRUE(first["next_cursor"].is_string());

  ASSERT_TRUE(queue_->enqueue({"scan", "local", "team/app", "sha256:new", 100, 3}));  // does not shift pages
  const auto second = get_ok("/v1/jobs?limit=2&cursor=" + first["next_cursor"].get<std::string>());
  ASSERT_EQ(second["items"].size(), 2u);
  EXPECT_EQ(second["items"][0]["id"], ids_[2]);
  const auto last = get_ok("/v1/jobs?limit=2&cursor=" + second["next_cursor"].get<std::string>());
  ASSERT_EQ(last["items"].size(), 1u);
  EXPECT_TRUE(last["next_cursor"].is_null());
}

TEST_F(JobsApi, FiltersByState) {
  EXPECT_EQ(get_ok("/v1/jobs?state=queued")["items"].size(), 5u);
  EXPECT_EQ(get_ok("/v1/jobs?state=dead")["items"].size(), 0u);
}

TEST_F(JobsApi, OneJobById) {
  const auto job = get_ok("/v1/jobs/" + std::to_string(ids_[1]));
  EXPECT_EQ(job["digest"], "sha256:1");
  EXPECT_EQ(job["attempts"], 0);
  EXPECT_TRUE(job["result"].is_null());
  const auto missing = get("/v1/jobs/999999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"]["code"], "not_found");
}

TEST_F(JobsApi, BadParametersAre400NamingThem) {
  EXPECT_NE(bad_request("/v1/jobs?state=bogus").find("state"), std::string::npos);
  EXPECT_NE(bad_request("/v1/jobs?limit=0").find("limit"), std::string::npos);
  EXPECT_NE(bad_request("/v1/jobs?limit=abc").find("limit"), std::string::npos);
  EXPECT_NE(bad_request("/v1/jobs?limit=501").find("limit"), std::string::npos);
  EXPECT_NE(bad_request("/v1/jobs?sort=id").find("sort"), std::string::npos);
  EXPECT_NE(bad_request("/v1/jobs?cursor=xyz").find("cursor"), std::string::npos);
  EXPECT_NE(bad_request("/v1/jobs/abc").find("id"), std::string::npos);
  EXPECT_NE(bad_request("/v1/jobs/-4").find("id"), std::string::npos);
}

// The shared query parser: encoding, repeats and page bounds are checked as on every other listing.
TEST_F(JobsApi, BadEncodingAndRepeatsAre400NamingTheParameter) {
  EXPECT_EQ(bad_request("/v1/jobs?limit=%ZZ"), "limit: malformed percent-encoding");
  EXPECT_EQ(bad_request("/v1/jobs?state=%ZZ"), "state: malformed percent-encoding");
  EXPECT_EQ(bad_request("/v1/jobs?cursor=%ZZ"), "cursor: malformed percent-encoding");
  EXPECT_EQ(bad_request("/v1/jobs?state=%ff"), "state: must be valid UTF-8");
  EXPECT_EQ(bad_request("/v1/jobs?limit=1&limit=2"), "limit: given more than once");
  EXPECT_EQ(bad_request("/v1/jobs?state=queued&state=dead"), "state: given more than once");
  EXPECT_EQ(bad_request("/v1/jobs?cursor="), "cursor: empty");
  EXPECT_EQ(bad_request("/v1/jobs/" + std::to_string(ids_[0]) + "?x=1"), "unknown query parameter \"x\"");
  EXPECT_EQ(get_ok("/v1/jobs?li%6Dit=2&state=%71ueued")["items"].size(), 2u);
}

TEST_F(JobsApi, ReaderRoleRequired) {
  EXPECT_EQ(http_get(server_.port(), "/v1/jobs").status, 401);
  EXPECT_EQ(get("/v1/jobs", "not-a-token").status, 401);
  EXPECT_EQ(get("/v1/jobs", "admin-token").status, 200);
}

}  // namespace
}  // namespace regscand::testing
