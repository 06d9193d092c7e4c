// The registry pull path end to end, through the real `regscand serve`.
//
// With docker-registry sending its notifications to the daemon: the scan's own manifest GET comes back as a
// pull event and is not counted (the image stays "never pulled"), while a skopeo pull counts exactly once;
// and a scan GETs the manifest once (the registry's access log).
#include <signal.h>

#include <gtest/gtest.h>

#include <regex>

#include "tests/server/daemon_e2e.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;

OciImage push_image(TestRegistry& registry, const std::filesystem::path& dir, const std::string& repo) {
  OciLayoutBuilder layout(dir / ("layout-" + unique_suffix(8)));
  auto image = layout.add_image({files_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                                              {"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n"},
                                              {"etc/nonce", unique_suffix()}})},
                                "v1");
  registry.push(layout.reference("v1"), repo + ":v1");
  return image;
}

class PullPathE2E : public DaemonE2E {
 protected:
  OciImage push(const std::string& repo) { return push_image(*registry_, dir_.path(), repo); }

  // Pushes another image and waits until its push event is stored: the registry delivers its events in
  // order, so every event of a request made before this one has been delivered too.
  void wait_for_earlier_events() {
    const auto marker = push("team/marker-" + unique_suffix(6));
    ASSERT_TRUE(within_a_minute([&] {
      return count("SELECT count(*) FROM manifests WHERE digest = '" + marker.manifest.digest + "'") == 1;
    }));
  }

  // Manifest GETs of `repository` the registry answered 200 to, made by a client whose user agent starts
  // with `agent` (its access log).
  std::ptrdiff_t manifest_gets(const std::string& repository, const std::string& agent) {
    const std::regex get("\"GET /v2/" + repository +
                         "/manifests/[^ \"]+ HTTP/1\\.1\" 200 [0-9]+ \"[^\"]*\" \"" + agent);
    const auto log = registry_->log();
    return std::distance(std::sregex_iterator(log.begin(), log.end(), get), std::sregex_iterator());
  }

  nlohmann::json reference_of(const std::string& digest) {
    const auto res =
        http_get(port_, "/v1/images/" + digest, {{"Authorization", std::string("Bearer ") + kReaderToken}});
    EXPECT_EQ(res.status, 200) << res.body;
    const auto body = nlohmann::json::parse(res.body);
    EXPECT_EQ(body["references"].size(), 1u) << res.body;
    return body["references"][0];
  }
};

TEST_F(PullPathE2E, TheScansOwnPullIsNotAPullAndTheManifestIsFetchedOnce) {
  auto daemon = start_daemon();
  const auto image = push("team/quiet");
  const auto& digest = image.manifest.digest;
  ASSERT_TRUE(within_a_minute([&] {
    return count("SELECT count(*) FROM jobs WHERE digest = '" + digest + "' AND state = 'succeeded'") == 1;
  })) << daemon->log();
  wait_for_earlier_events();

  EXPECT_EQ(manifest_gets("team/quiet", "regscand/"), 1) << "one manifest GET per scan\n" << registry_->log();
  EXPECT_EQ(manifest_gets("team/quiet", ""), 1) << "and nobody else's";
  auto reference = reference_of(digest);
  EXPECT_TRUE(reference["pulled_at"].is_null()) << reference.dump();
  EXPECT_EQ(reference["pull_count"], 0) << reference.dump();
  const auto metrics = http_get(port_, "/metrics").body;
  EXPECT_NE(metrics.find(R"(outcome="own_pull")"), std::string::npos) << metrics.substr(0, 4000);

  // A user's pull counts, once.
  const auto out = dir_.path() / "pulled";
  const auto copied = skopeo_copy("docker://" + registry_->host() + "/team/quiet:v1", "dir:" + out.string());
  ASSERT_TRUE(copied.ok()) << copied.output;
  ASSERT_EQ(manifest_gets("team/quiet", "skopeo/"), 1) << registry_->log();
  ASSERT_TRUE(within_a_minute([&] {
    return count("SELECT pull_count FROM manifests WHERE digest = '" + digest + "'") > 0;
  })) << daemon->log();
  wait_for_earlier_events();
  reference = reference_of(digest);
  EXPECT_FALSE(reference["pulled_at"].is_null()) << reference.dump();
  EXPECT_EQ(reference["pull_count"], 1) << reference.dump();

  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(60s), 0) << daemon->log();
}

}  // namespace
}  // namespace regscand::testing
