// The registry pull path end to end, through the real `regscand serve`.
//
// With docker-registry sending its notifications to the daemon: the scan's own manifest GET comes back as a
// pull event and is not counted (the image stays "never pulled"), while a skopeo pull counts exactly once;
// and a scan GETs the manifest once (the registry's access log).
//
// With a hostile registry (FakeHttpServer serving an OCI layout, the webhooks posted by the test): a
// decompression bomb, a 50 MB manifest and a redirect loop fail the job on its first attempt with the real
// reason, instead of being retried; a sound image from the same server is scanned.
#include <signal.h>

#include <gtest/gtest.h>

#include <regex>

#include "config/base/sha256.hpp"
#include "tests/server/daemon_e2e.hpp"
#include "tests/support/test_data.hpp"

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

// A registry that serves an OCI layout, except where a test makes it hostile.
class LayoutRegistry {
 public:
  explicit LayoutRegistry(std::filesystem::path dir)
      : layout_(std::move(dir)), server_([this](FakeExchange& ex) { serve(ex); }) {}

  OciLayoutBuilder& layout() { return layout_; }
  std::string url() const { return server_.url(); }
  void set_media_type(const std::string& digest, std::string media_type) {
    std::lock_guard lock(mutex_);
    media_types_[digest] = std::move(media_type);
  }
  // GET /v2/<repository>/manifests/<any> answers with a body this large, announced by Content-Length.
  void huge_manifests(std::string repository, std::uint64_t bytes) {
    std::lock_guard lock(mutex_);
    huge_ = {std::move(repository), bytes};
  }
  // GET /v2/<repository>/blobs/<digest> redirects to itself.
  void redirect_loop(std::string repository, std::string digest) {
    std::lock_guard lock(mutex_);
    loop_ = {std::move(repository), std::move(digest)};
  }

 private:
  void serve(FakeExchange& ex) {
    static const std::regex route(R"(/v2/(.+)/(manifests|blobs)/(sha256:[0-9a-f]{64}))");
    std::smatch m;
    const std::string path = ex.request().path();
    if (ex.request().method != "GET" || !std::regex_match(path, m, route)) return ex.respond(404);
    const std::string repository = m[1], kind = m[2], digest = m[3];
    std::unique_lock lock(mutex_);
    if (kind == "manifests" && repository == huge_.first) {
      const auto bytes = huge_.second;
      lock.unlock();
      ex.close();
      if (!ex.write("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"
                    "Content-Length: " +
                    std::to_string(bytes) + "\r\n\r\n"))
        return;
      const std::string chunk(64 * 1024, ' ');
      for (std::uint64_t sent = 0; sent < bytes && ex.write(chunk); sent += chunk.size()) {
      }
      return;
    }
    if (kind == "blobs" && repository == loop_.first && digest == loop_.second) {
      return ex.respond(302, {{"Location", path}});
    }
    const auto type = media_types_.find(digest);
    const std::string media_type = type == media_types_.end() ? "application/octet-stream" : type->second;
    lock.unlock();
    const auto file = layout_.dir() / "blobs" / "sha256" / digest.substr(7);
    if (!std::filesystem::exists(file)) return ex.respond(404);
    ex.respond(200, {{"Content-Type", media_type}, {"Docker-Content-Digest", digest}}, read_file(file));
  }

  OciLayoutBuilder layout_;
  std::mutex mutex_;
  std::map<std::string, std::string> media_types_;
  std::pair<std::string, std::uint64_t> huge_;
  std::pair<std::string, std::string> loop_;
  FakeHttpServer server_;  // last: stopped before the state its handler reads
};

class HostileRegistryE2E : public DaemonE2E {
 protected:
  std::string registry_url() const override { return hostile_.url(); }

  OciImage add(const std::vector<LayerSpec>& layers, const std::string& tag) {
    auto image = hostile_.layout().add_image(layers, tag);
    hostile_.set_media_type(image.manifest.digest, image.manifest.media_type);
    return image;
  }

  // Posts a distribution push event for repository@digest, as docker-registry would.
  void notify_push(const std::string& repository, const std::string& digest) {
    const auto res = http_request(
        port_, make_request("POST", "/v1/webhooks/local",
                            {{"Authorization", std::string("Bearer ") + kHookToken},
                             {"Content-Type", "application/vnd.docker.distribution.events.v1+json"}},
                            push_event_body(unique_suffix(), repository, digest, "v1")));
    ASSERT_EQ(res.status, 202) << res.body;
  }

  // The job of `digest` once its first attempt has ended: {state, attempts, last_error}.
  std::tuple<std::string, int, std::string> first_outcome(const std::string& digest) {
    const std::string where = " FROM jobs WHERE digest = '" + digest + "'";
    EXPECT_TRUE(within_a_minute([&] {
      return count("SELECT count(*)" + where + " AND attempts >= 1 AND state <> 'running'") == 1;
    })) << digest;
    const auto row = query("SELECT state, attempts, coalesce(last_error, '')" + where);
    if (row.size() != 1) return {};
    return {row[0][0].as<std::string>(), row[0][1].as<int>(), row[0][2].as<std::string>()};
  }

  LayoutRegistry hostile_{dir_.path() / "hostile-layout"};
};

TEST_F(HostileRegistryE2E, PermanentConditionsFailOnTheFirstAttemptWithTheirReason) {
  auto daemon = start_daemon();
  const auto os_release = files_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"}});
  const auto fine = add({os_release}, "fine");

  // 70 MB of zeros (ratio about 1000 once past the 64 MB grace), then 4 MB of hex noise: the compressed
  // blob is larger than the layer pipe's buffer, so the registry client is still writing when the walk
  // stops at the bomb.
  std::string noise;
  while (noise.size() < (4u << 20)) noise += unique_suffix(64);
  const LayerSpec bomb_layer{{{TarEntry::Type::File, "data/zeros", std::string(70u << 20, '\0'), "", 0644},
                              {TarEntry::Type::File, "data/noise", noise, "", 0644}}};
  const auto bomb = add({os_release, bomb_layer}, "bomb");
  ASSERT_GT(bomb.layers[1].size, 2u << 20);

  const auto looping = add({files_layer({{"etc/nonce", unique_suffix()}})}, "loop");
  hostile_.redirect_loop("hostile/loop", looping.layers[0].digest);
  const std::string huge_digest = "sha256:" + sha256_hex("a 50 MB manifest");
  hostile_.huge_manifests("hostile/huge", 50u << 20);

  notify_push("hostile/fine", fine.manifest.digest);
  notify_push("hostile/bomb", bomb.manifest.digest);
  notify_push("hostile/huge", huge_digest);
  notify_push("hostile/loop", looping.manifest.digest);

  const auto [fine_state, fine_attempts, fine_error] = first_outcome(fine.manifest.digest);
  EXPECT_EQ(fine_state, "succeeded") << fine_error << "\n" << daemon->log();

  const std::pair<std::string, std::string> cases[] = {
      {bomb.manifest.digest, "decompression ratio over max_ratio"},
      {huge_digest, "larger than 4194304 bytes"},
      {looping.manifest.digest, "too many redirects"},
  };
  for (const auto& [digest, reason] : cases) {
    const auto [state, attempts, error] = first_outcome(digest);
    EXPECT_EQ(state, "failed") << reason << ": " << error;
    EXPECT_EQ(attempts, 1) << reason;
    EXPECT_NE(error.find(reason), std::string::npos) << error;
    EXPECT_EQ(count("SELECT count(*) FROM scans WHERE digest = '" + digest + "' AND state = 'failed'"), 1)
        << reason;
  }

  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(60s), 0) << daemon->log();
}

}  // namespace
}  // namespace regscand::testing
