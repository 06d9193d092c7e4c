// The daemon as a registry's webhook target, end to end: the real CNCF distribution (docker-registry) sends
// its notifications to a real `regscand serve`; images built here are pushed, pulled and deleted with skopeo
// and the registry API. Checks: one scan job per pushed manifest digest, each resolved by a worker over the
// registry API; pulls set last_pulled_at; a deleted manifest is marked deleted; SIGKILLing the daemon while
// the registry is sending loses nothing and applies nothing twice (the registry redelivers).
#include <signal.h>

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "tests/support/daemon.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oci_image.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/registry.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr char kHookToken[] = "hook-token-e2e-0123456789";
constexpr char kReaderToken[] = "reader-token-e2e-0123456789";

// Conditions the registry and the daemon make true; polled gently (each poll opens a connection).
template <class F>
bool within_a_minute(F&& done, std::chrono::seconds deadline = 60s) {
  return eventually(std::forward<F>(done), deadline, 100ms);
}

class WebhooksE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = PgCluster::create();
    ASSERT_TRUE(cluster) << cluster.error().message;
    cluster_ = std::move(*cluster);
    port_ = free_port();
    TestRegistry::Options options;
    options.notify_url = "http://127.0.0.1:" + std::to_string(port_) + "/v1/webhooks/local";
    options.notify_token = kHookToken;
    options.notify_timeout = 1000ms;
    options.notify_backoff = 500ms;
    registry_ = std::make_unique<TestRegistry>(options);
    write_config();
  }

  void write_config() {
    std::ofstream out(dir_.path() / "regscand.yaml");
    out << "server: {listen: \"127.0.0.1:" << port_ << "\"}\n"
        << "database: {url: \"" << cluster_->url() << "\"}\n"
        << "data_dir: \"" << (dir_.path() / "var").string() << "\"\n"
        << "auth:\n  tokens:\n    - {name: e2e, role: reader, token: \"" << kReaderToken << "\"}\n"
        << "logging: {level: info}\n"
        << "registries:\n  - name: local\n    kind: distribution\n    url: \"" << registry_->url() << "\"\n"
        << "    webhook_tokens: [\"" << kHookToken << "\"]\n    auth: {type: anonymous}\n"
        << "scanner: {workers: 2, poll_interval: 1s, retry_backoff: 1s, lease: 3s}\n";
  }

  std::unique_ptr<Daemon> start_daemon() {
    auto daemon = std::make_unique<Daemon>(
        REGSCAND_BINARY,
        std::vector<std::string>{"serve", "--config", (dir_.path() / "regscand.yaml").string()},
        std::map<std::string, std::string>{}, dir_.path() / ("daemon-" + std::to_string(++starts_) + ".log"));
    EXPECT_TRUE(daemon->wait_for_status(port_, "/readyz", 200, 60s)) << daemon->log();
    return daemon;
  }

  OciImage push(const std::string& repo, const std::string& tag) {
    OciLayoutBuilder layout(dir_.path() / ("layout-" + unique_suffix(8)));
    const auto nonce = unique_suffix();
    auto image = layout.add_image({files_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                                                {"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n"},
                                                {"etc/nonce", nonce}})},
                                  tag);
    registry_->push(layout.reference(tag), repo + ":" + tag);
    return image;
  }

  pqxx::result query(const std::string& sql) {
    pqxx::connection conn(cluster_->url());
    pqxx::work tx(conn);
    auto rows = tx.exec(sql);
    tx.commit();
    return rows;
  }
  std::int64_t count(const std::string& sql) { return query(sql)[0][0].as<std::int64_t>(); }

  nlohmann::json jobs_api(const std::string& query = "") {
    const auto res =
        http_get(port_, "/v1/jobs" + query, {{"Authorization", std::string("Bearer ") + kReaderToken}});
    EXPECT_EQ(res.status, 200) << res.body;
    return nlohmann::json::parse(res.body);
  }

  TempDir dir_;
  std::unique_ptr<PgCluster> cluster_;
  std::uint16_t port_ = 0;
  std::unique_ptr<TestRegistry> registry_;
  int starts_ = 0;
};

TEST_F(WebhooksE2E, PushPullDeleteFromARealRegistry) {
  auto daemon = start_daemon();
  const auto a = push("team/app", "v1");
  const auto b = push("team/app", "v2");
  const auto c = push("other/svc", "1.0");
  for (const auto* image : {&a, &b, &c}) {
    const auto digest = image->manifest.digest;
    ASSERT_TRUE(within_a_minute([&] {
      return count("SELECT count(*) FROM jobs WHERE digest = '" + digest + "' AND state = 'succeeded'") == 1;
    })) << digest
        << "\n"
        << daemon->log();
    EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE digest = '" + digest + "'"), 1);
    const auto row =
        query("SELECT resolved_media_type, resolved_size, scanned_with FROM manifests WHERE digest = '" +
              digest + "'");
    ASSERT_EQ(row.size(), 1u);
    EXPECT_EQ(row[0][0].as<std::string>(), "application/vnd.oci.image.manifest.v1+json");
    EXPECT_EQ(row[0][1].as<std::uint64_t>(), image->manifest.size);
    EXPECT_FALSE(row[0][2].is_null());
    EXPECT_EQ(count("SELECT count(*) FROM image_inventories WHERE digest = '" + digest +
                    "' AND package_count = 1 AND distribution->>'id' = 'alpine'"
                    " AND packages->0->>'name' = 'musl' AND packages->0->>'layer' = '" +
                    image->layers[0].digest + "'"),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM scans WHERE digest = '" + digest +
                    "' AND state = 'succeeded' AND resolve_ms IS NOT NULL AND bytes_fetched > 0 AND job_id "
                    "IS NOT NULL"),
              1);
  }
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 3) << "layer and config blob events queue nothing";

  // The API shows the same queue, results included.
  const auto listed = jobs_api("?state=succeeded");
  ASSERT_EQ(listed["items"].size(), 3u);
  EXPECT_EQ(listed["items"][0]["result"]["media_type"], "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(http_get(port_, "/v1/jobs").status, 401);

  // Another tag on a scanned digest records the tag and queues nothing.
  EXPECT_TRUE(skopeo_copy("docker://" + registry_->host() + "/team/app:v1",
                          "docker://" + registry_->host() + "/team/app:stable")
                  .ok());
  ASSERT_TRUE(within_a_minute([&] { return count("SELECT count(*) FROM tags WHERE tag = 'stable'") == 1; }));
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 3);

  // A pull (skopeo inspect GETs the manifest).
  ASSERT_TRUE(registry_->inspect("team/app:v2").ok());
  ASSERT_TRUE(within_a_minute([&] {
    return count("SELECT count(*) FROM manifests WHERE digest = '" + b.manifest.digest +
                 "' AND last_pulled_at IS NOT NULL AND pull_count >= 1") == 1;
  })) << daemon->log();

  // A delete.
  ASSERT_EQ(registry_->delete_manifest("other/svc", c.manifest.digest), 202);
  ASSERT_TRUE(within_a_minute([&] {
    return count("SELECT count(*) FROM manifests WHERE digest = '" + c.manifest.digest +
                 "' AND deleted_at IS NOT NULL") == 1;
  })) << daemon->log();

  const auto metrics = http_get(port_, "/metrics");
  EXPECT_NE(metrics.body.find("regscand_webhook_events_total{"), std::string::npos);
  EXPECT_NE(metrics.body.find("regscand_job_duration_seconds"), std::string::npos);
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(60s), 0) << daemon->log();
}

TEST_F(WebhooksE2E, SigkillWhileTheRegistryIsSendingLosesNothing) {
  auto daemon = start_daemon();
  std::vector<OciImage> images;
  std::thread pusher([&] {
    for (int i = 0; i < 8; ++i) images.push_back(push("team/burst", "t" + std::to_string(i)));
  });
  // Kill the daemon as soon as the first events are in, while the rest are still being pushed.
  ASSERT_TRUE(within_a_minute([&] { return count("SELECT count(*) FROM webhook_events") > 0; }));
  daemon->signal(SIGKILL);
  ASSERT_EQ(daemon->wait(30s), 128 + SIGKILL);
  std::this_thread::sleep_for(1500ms);  // the registry fails some deliveries and backs off
  daemon = start_daemon();
  pusher.join();

  for (const auto& image : images) {
    ASSERT_TRUE(within_a_minute(
        [&] {
          return count("SELECT count(*) FROM jobs WHERE digest = '" + image.manifest.digest +
                       "' AND state = 'succeeded'") == 1;
        },
        90s))
        << image.manifest.digest << "\n"
        << registry_->log().substr(0, 4000);
  }
  EXPECT_EQ(count("SELECT count(*) FROM jobs"), 8) << "one job per digest, none twice";
  EXPECT_EQ(count("SELECT count(*) FROM tags WHERE repository = 'team/burst'"), 8);
  EXPECT_EQ(count("SELECT count(*) FROM tag_history WHERE repository = 'team/burst'"), 8)
      << "no event applied twice";
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(60s), 0) << daemon->log();
}

}  // namespace
}  // namespace regscand::testing
