// The daemon as a registry's webhook target, end to end: the real CNCF distribution (docker-registry) sends
// its notifications to a real `regscand serve`; images built here are pushed, pulled and deleted with skopeo
// and the registry API. Checks: one scan job per pushed manifest digest, each resolved by a worker over the
// registry API; pulls set last_pulled_at; a deleted manifest is marked deleted; SIGKILLing the daemon while
// the registry is sending loses nothing and applies nothing twice (the registry redelivers).
#include <signal.h>

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "tests/server/daemon_e2e.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class WebhooksE2E : public DaemonE2E {
 protected:
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
    EXPECT_EQ(
        count("SELECT count(*) FROM image_inventories i JOIN distributions d ON d.id = i.distribution_id"
              " JOIN inventory_packages p USING (registry, repository, digest) WHERE i.digest = '" +
              digest +
              "' AND i.package_count = 1 AND d.did = 'alpine' AND p.name = 'musl' AND p.layer_digest = '" +
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
