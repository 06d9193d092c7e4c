// `regscand serve` against a registry that drips a layer (FakeHttpServer serving one image built by
// OciLayoutBuilder) and a feed server that drips a feed: the real binary, a real PostgreSQL. Checks: while
// the download crawls on, the job's lease keeps being renewed; SIGTERM cancels the download and the daemon
// exits within server.shutdown_timeout plus a small margin, its job queued again with the attempt uncounted
// and the interrupted scan closed as failed, and the next daemon scans it; a drip under
// scanner.blob_min_rate fails each attempt naming the limit, until the job's attempts are spent; SIGTERM
// also cancels a feed download in flight, recording no failure for the source.
#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "tests/support/daemon.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/feed_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oci_image.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/registry.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_data.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr char kHookToken[] = "hook-token-shutdown-0123456789";
constexpr char kReaderToken[] = "reader-token-shutdown-0123456789";
constexpr char kRepository[] = "team/app";
// server.shutdown_timeout in every config below, and what an exit may take beyond it.
constexpr auto kShutdownTimeout = 2s;
constexpr auto kMargin = 1500ms;

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// One image of one layer (a random file makes it about 4 KiB compressed), served as a registry would;
// the layer either at once or one byte per 200 ms.
class DrippingRegistry {
 public:
  explicit DrippingRegistry(const std::filesystem::path& dir) {
    OciLayoutBuilder layout(dir);
    image_ = layout.add_image({files_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                                            {"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n"},
                                            {"etc/nonce", unique_suffix(8192)}})},
                              "v1");
    const auto blob = [&](const std::string& digest) {
      return read_bytes(dir / "blobs" / "sha256" / digest.substr(std::string("sha256:").size()));
    };
    layer_ = blob(image_.layers.at(0).digest);
    server_ = std::make_unique<FakeHttpServer>([this](FakeExchange& ex) { serve(ex); });
  }

  std::string url() const { return server_->url(); }
  const OciImage& image() const { return image_; }
  void drip(bool on) { drip_ = on; }
  // GETs of the layer so far.
  std::size_t layer_requests() const {
    std::size_t n = 0;
    for (const auto& r : server_->requests()) n += r.path().ends_with("/blobs/" + image_.layers[0].digest);
    return n;
  }

 private:
  void serve(FakeExchange& ex) {
    const auto path = ex.request().path();
    const std::string prefix = std::string("/v2/") + kRepository;
    if (path == "/v2/") return ex.respond(200, {{"Content-Type", "application/json"}}, "{}");
    if (path == prefix + "/manifests/" + image_.manifest.digest || path == prefix + "/manifests/v1") {
      return ex.respond(
          200,
          {{"Content-Type", image_.manifest.media_type}, {"Docker-Content-Digest", image_.manifest.digest}},
          image_.manifest_json);
    }
    if (path == prefix + "/blobs/" + image_.config.digest) return ex.respond(200, {}, image_.config_json);
    if (path != prefix + "/blobs/" + image_.layers[0].digest) return ex.respond(404);
    if (!drip_) return ex.respond(200, {}, layer_);
    ex.close();
    if (!ex.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(layer_.size()) + "\r\n\r\n")) return;
    for (const char c : layer_) {
      if (!ex.write(std::string_view(&c, 1)) || !ex.sleep(200ms)) return;
    }
  }

  OciImage image_;
  std::string layer_;
  std::atomic<bool> drip_{true};
  std::unique_ptr<FakeHttpServer> server_;  // last: stopped before the state its handler reads
};

class ShutdownE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = PgCluster::create();
    ASSERT_TRUE(cluster) << cluster.error().message;
    cluster_ = std::move(*cluster);
    port_ = free_port();
    registry_ = std::make_unique<DrippingRegistry>(dir_.path() / "layout");
  }

  // `scanner` and `feeds` are the YAML flow mappings of those sections.
  void write_config(const std::string& scanner, const std::string& feeds = "{sources: []}") {
    std::ofstream out(dir_.path() / "regscand.yaml");
    out << "server: {listen: \"127.0.0.1:" << port_
        << "\", drain_delay: 0s, shutdown_timeout: " << kShutdownTimeout.count() << "s}\n"
        << "database: {url: \"" << cluster_->url() << "\"}\n"
        << "data_dir: \"" << (dir_.path() / "var").string() << "\"\n"
        << "auth:\n  tokens:\n    - {name: e2e, role: reader, token: \"" << kReaderToken << "\"}\n"
        << "logging: {level: info}\n"
        << "registries:\n  - name: local\n    kind: distribution\n    url: \"" << registry_->url() << "\"\n"
        << "    webhook_tokens: [\"" << kHookToken << "\"]\n    auth: {type: anonymous}\n"
        << "scanner: " << scanner << "\n"
        << "feeds: " << feeds << "\n";
  }

  std::unique_ptr<Daemon> start_daemon() {
    auto daemon = std::make_unique<Daemon>(
        REGSCAND_BINARY,
        std::vector<std::string>{"serve", "--config", (dir_.path() / "regscand.yaml").string()},
        std::map<std::string, std::string>{}, dir_.path() / ("daemon-" + std::to_string(++starts_) + ".log"));
    EXPECT_TRUE(daemon->wait_for_status(port_, "/readyz", 200, 60s)) << daemon->log();
    return daemon;
  }

  // The registry's notification of the image's push.
  void notify_push() {
    const auto& image = registry_->image();
    const std::string body =
        R"({"events":[{"id":"e2e-)" + unique_suffix(8) +
        R"(","timestamp":"2026-12-07T20:00:00Z","action":"push","target":{"mediaType":")" +
        image.manifest.media_type + R"(","size":)" + std::to_string(image.manifest.size) + R"(,"digest":")" +
        image.manifest.digest + R"(","repository":")" + kRepository +
        R"(","tag":"v1"},"request":{"method":"PUT"}}]})";
    const auto res = http_request(
        port_, make_request("POST", "/v1/webhooks/local",
                            {{"Authorization", std::string("Bearer ") + kHookToken},
                             {"Content-Type", "application/vnd.docker.distribution.events.v1+json"}},
                            body));
    ASSERT_EQ(res.status / 100, 2) << res.body;
  }

  pqxx::result query(const std::string& sql) {
    pqxx::connection conn(cluster_->url());
    pqxx::work tx(conn);
    auto rows = tx.exec(sql);
    tx.commit();
    return rows;
  }
  std::string job_field(const std::string& column) {
    const auto rows = query("SELECT coalesce(" + column + "::text, '') FROM jobs WHERE digest = '" +
                            registry_->image().manifest.digest + "'");
    return rows.size() == 1 ? rows[0][0].as<std::string>() : std::string("<no job>");
  }

  // Sends SIGTERM; the time until the daemon exited with 0.
  Clock::duration terminate(Daemon& daemon) {
    const auto start = Clock::now();
    daemon.signal(SIGTERM);
    const auto code = daemon.wait(30s);
    const auto elapsed = Clock::now() - start;
    EXPECT_EQ(code, std::optional<int>(0)) << daemon.log();
    return elapsed;
  }

  TempDir dir_;
  std::unique_ptr<PgCluster> cluster_;
  std::uint16_t port_ = 0;
  std::unique_ptr<DrippingRegistry> registry_;
  int starts_ = 0;
};

TEST_F(ShutdownE2E, SigtermCancelsADripAndHandsTheJobBackForTheNextDaemon) {
  // No minimum rate: only the shutdown ends this download. A 1 s lease is renewed every 333 ms.
  write_config("{workers: 1, lease: 1s, poll_interval: 1s, max_attempts: 1, blob_min_rate: 0}");
  auto daemon = start_daemon();
  notify_push();
  ASSERT_TRUE(eventually([&] { return registry_->layer_requests() == 1; }, 30s)) << daemon->log();

  // The crawling download keeps its lease: lease_expires_at moves on, past several leases.
  const auto first = job_field("lease_expires_at");
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(job_field("state"), "running");
  EXPECT_NE(job_field("lease_expires_at"), first);
  EXPECT_EQ(job_field("attempts"), "1");

  const auto took = terminate(*daemon);
  EXPECT_LT(took, kShutdownTimeout + kMargin) << daemon->log();
  EXPECT_EQ(daemon->log().find("still running"), std::string::npos) << daemon->log();
  // Queued again with the attempt uncounted, though it was the only one allowed; no failure recorded.
  EXPECT_EQ(job_field("state"), "queued");
  EXPECT_EQ(job_field("attempts"), "0");
  EXPECT_EQ(job_field("lease_owner"), "");
  EXPECT_EQ(job_field("last_error"), "");
  // The interrupted attempt's scan row is closed, not left running.
  const auto scans = query("SELECT state, coalesce(error, '') FROM scans WHERE digest = '" +
                           registry_->image().manifest.digest + "'");
  ASSERT_EQ(scans.size(), 1u);
  EXPECT_EQ(scans[0][0].as<std::string>(), "failed");
  EXPECT_NE(scans[0][1].as<std::string>().find("cancelled"), std::string::npos)
      << scans[0][1].as<std::string>();

  // The next daemon takes the job over and, the registry answering properly now, scans the image.
  registry_->drip(false);
  daemon = start_daemon();
  ASSERT_TRUE(eventually([&] { return job_field("state") == "succeeded"; }, 30s))
      << job_field("state") << ": " << job_field("last_error") << "\n"
      << daemon->log();
  EXPECT_EQ(job_field("attempts"), "1");
  EXPECT_EQ(registry_->layer_requests(), 2u);
  terminate(*daemon);
}

TEST_F(ShutdownE2E, ADripUnderTheMinimumRateFailsEachAttemptNamingTheLimit) {
  write_config(
      "{workers: 1, lease: 3s, poll_interval: 1s, max_attempts: 2, retry_backoff: 1s, blob_min_rate: 1KiB, "
      "blob_rate_window: 1s}");
  auto daemon = start_daemon();
  const auto start = Clock::now();
  notify_push();
  ASSERT_TRUE(eventually([&] { return job_field("state") == "dead"; }, 30s))
      << job_field("state") << ": " << job_field("last_error") << "\n"
      << daemon->log();
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(job_field("attempts"), "2");
  const auto error = job_field("last_error");
  EXPECT_NE(error.find("blob " + std::string(kRepository) + "@" + registry_->image().layers[0].digest),
            std::string::npos)
      << error;
  EXPECT_NE(error.find(" B/s under the minimum 1 KiB/s over 1 s"), std::string::npos) << error;
  EXPECT_EQ(registry_->layer_requests(), 2u);
  EXPECT_LT(elapsed, 15s);  // two windows, one backoff (the drip alone would take 15 minutes)
  terminate(*daemon);
}

TEST_F(ShutdownE2E, SigtermCancelsAFeedDownloadInFlight) {
  // One byte per second of a 7 KiB feed: the idle timeout never fires; the download would take hours.
  FeedServer feeds(std::filesystem::path(REGSCAND_TEST_DATA) / "feeds");
  const auto source = feeds.url("/drip/debian/security-tracker-json/vunnel-fixture-debian.json");
  write_config("{workers: 1}", "{sources: [\"" + source + "\"]}");
  auto daemon = start_daemon();
  ASSERT_TRUE(eventually([&] { return feeds.log().find("/drip/") != std::string::npos; }, 30s))
      << daemon->log();
  std::this_thread::sleep_for(500ms);
  const auto took = terminate(*daemon);
  EXPECT_LT(took, kShutdownTimeout + kMargin) << daemon->log();
  // Shutting down is not the source's failure.
  const auto rows = query("SELECT coalesce(last_error, '') FROM feed_sources");
  for (const auto& row : rows) EXPECT_EQ(row[0].as<std::string>(), "");
}

}  // namespace
}  // namespace regscand::testing
