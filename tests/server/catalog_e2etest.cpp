// POST /v1/scans:catalog through the real daemon, end to end: images pushed with skopeo to a docker-registry
// (token auth: the catalog needs registry:catalog:*) whose push notifications the daemon refuses (another
// webhook token), so only the catalog walk can find them; a writer's POST queues the catalog job, a worker
// walks the registry, exactly one import job per image follows (a digest under two tags once), and the
// imports are scanned. GET /v1/scans/{id} shows the walk and its result.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/server/daemon_e2e.hpp"

namespace regscand::testing {
namespace {

constexpr char kWriterToken[] = "writer-token-e2e-0123456789";

class CatalogDaemonE2E : public DaemonE2E {
 protected:
  TestRegistry::Options registry_options() const override {
    TestRegistry::Options options;
    options.token_auth = true;
    return options;
  }

  void SetUp() override {
    DaemonE2E::SetUp();
    if (HasFatalFailure()) return;
    const auto file = dir_.path() / "regscand.yaml";
    std::stringstream text;
    text << std::ifstream(file).rdbuf();
    std::string config = text.str();
    const std::string hook = std::string("webhook_tokens: [\"") + kHookToken + "\"]";
    const std::string reader = std::string("role: reader, token: \"") + kReaderToken + "\"}\n";
    ASSERT_NE(config.find(hook), std::string::npos);
    ASSERT_NE(config.find(reader), std::string::npos);
    config.replace(config.find(hook), hook.size(), "webhook_tokens: [\"not-what-the-registry-sends-0123\"]");
    config.insert(config.find(reader) + reader.size(),
                  std::string("    - {name: ops, role: writer, token: \"") + kWriterToken + "\"}\n");
    std::ofstream(file) << config;
  }

  std::string image(OciLayoutBuilder& layout, const std::string& tag) {
    return layout
        .add_image({files_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                                 {"etc/nonce", unique_suffix()}})},
                   tag)
        .manifest.digest;
  }

  HttpResponse post_catalog(const std::string& token) {
    return http_request(
        port_, make_request("POST", "/v1/scans:catalog",
                            {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                            R"({"registry":"local"})"));
  }

  nlohmann::json scan(const std::string& location) {
    const auto res = http_get(port_, location, {{"Authorization", std::string("Bearer ") + kReaderToken}});
    EXPECT_EQ(res.status, 200) << res.body;
    return nlohmann::json::parse(res.body, nullptr, false);
  }
};

TEST_F(CatalogDaemonE2E, PostCatalogQueuesOneImportPerImageAndTheyAreScanned) {
  OciLayoutBuilder layout(dir_.path() / "layout");
  const auto app1 = image(layout, "app-1");
  const auto app2 = image(layout, "app-2");
  const auto tool = image(layout, "tool");
  registry_->push(layout.reference("app-1"), "team/app:1.0");
  registry_->push(layout.reference("app-1"), "team/app:latest");
  registry_->push(layout.reference("app-2"), "team/app:2.0");
  registry_->push(layout.reference("tool"), "tool:v1");
  auto daemon = start_daemon();

  EXPECT_EQ(post_catalog(kReaderToken).status, 403);
  const auto posted = post_catalog(kWriterToken);
  ASSERT_EQ(posted.status, 202) << posted.body << daemon->log();
  const auto location = posted.header("Location");
  ASSERT_TRUE(location);
  ASSERT_TRUE(within_a_minute([&] {
    const auto shown = scan(*location);
    return shown.is_object() && shown["state"] == "succeeded";
  })) << scan(*location).dump()
      << daemon->log();
  const auto shown = scan(*location);
  EXPECT_EQ(shown["kind"], "catalog");
  const auto& result = shown["result"];
  EXPECT_EQ(result["registry"], "local") << result;
  EXPECT_EQ(result["repositories"], 2) << result;
  EXPECT_EQ(result["tags"], 4) << result;
  EXPECT_EQ(result["images_queued"], 3) << result;
  EXPECT_EQ(result["images_skipped"], 0) << result;
  EXPECT_EQ(result["errors"], 0) << result;

  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'scan'"), 0) << "push notifications were refused";
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'import'"), 3);
  for (const auto& [repository, digest] : std::vector<std::pair<std::string, std::string>>{
           {"team/app", app1}, {"team/app", app2}, {"tool", tool}}) {
    EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'import' AND repository = '" + repository +
                    "' AND digest = '" + digest + "'"),
              1)
        << repository << "@" << digest;
  }
  EXPECT_TRUE(within_a_minute([&] {
    return count("SELECT count(*) FROM jobs WHERE kind = 'import' AND state = 'succeeded'") == 3;
  })) << daemon->log();
  EXPECT_EQ(count("SELECT count(*) FROM manifests WHERE scanned_with IS NOT NULL"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM tags WHERE repository = 'team/app' AND digest = '" + app1 + "'"), 2);
}

}  // namespace
}  // namespace regscand::testing
