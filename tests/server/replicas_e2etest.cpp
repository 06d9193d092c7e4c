// Two `regscand serve` replicas on one PostgreSQL cluster, end to end. Two real registries (docker-registry),
// each notifying one replica; both replicas are configured for both registries, reached through a proxy in
// this process that forwards to the registry and can hold one layer blob back (a scan that stays in flight
// until the replica running it is stopped). Checks: every pushed image is scanned exactly once, whichever
// replica took the webhook; one replica leads the scheduler; a replica stopped with SIGTERM fails its
// readiness first and hands its job back at once (the other finishes it on the same attempt); a replica
// SIGKILLed mid-scan loses nothing: the other finishes its job after the lease, and no image is scanned
// twice.
#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/daemon.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oci_image.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/registry.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr char kHookToken[] = "hook-token-replicas-0123456789";
constexpr char kReaderToken[] = "reader-token-replicas-0123456789";
// storage/advisory_lock.hpp AdvisoryLock::Scheduler (0x7265677363686564) as pg_locks shows a bigint key.
constexpr char kLeaderLockSql[] =
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
    " AND classid = x'72656773'::int::oid AND objid = x'63686564'::int::oid";

// Forwards every request to a registry; the first GET of the blob named by hold() answers its headers and
// then nothing until release() (or the test ends).
class RegistryProxy {
 public:
  explicit RegistryProxy(std::uint16_t registry_port)
      : server_([this, registry_port](FakeExchange& ex) { forward(ex, registry_port); }) {}
  ~RegistryProxy() { release(); }

  std::string url() const { return server_.url(); }
  void hold(const std::string& digest) {
    std::lock_guard lock(mutex_);
    held_digest_ = digest;
    holding_ = false;
    released_ = false;
  }
  bool holding() const {
    std::lock_guard lock(mutex_);
    return holding_;
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
  }

 private:
  bool should_hold(const FakeRequest& request) {
    std::lock_guard lock(mutex_);
    if (held_digest_.empty() || holding_ || request.method != "GET" ||
        !request.path().ends_with("/blobs/" + held_digest_))
      return false;
    holding_ = true;
    return true;
  }
  bool released() const {
    std::lock_guard lock(mutex_);
    return released_;
  }

  void forward(FakeExchange& ex, std::uint16_t registry_port) {
    const FakeRequest& request = ex.request();
    Headers headers;
    for (const auto& [name, value] : request.headers) {
      if (name != "Host" && name != "Connection" && name != "Content-Length")
        headers.emplace_back(name, value);
    }
    const HttpResponse res =
        http_request(registry_port, make_request(request.method, request.target, headers));
    std::string head = "HTTP/1.1 " + std::to_string(res.status) + " X\r\nConnection: close\r\n";
    for (const auto& [name, value] : res.headers) {
      if (name == "Connection" || name == "Transfer-Encoding" ||
          (name == "Content-Length" && request.method != "HEAD"))
        continue;
      head += name + ": " + value + "\r\n";
    }
    if (request.method != "HEAD") head += "Content-Length: " + std::to_string(res.body.size()) + "\r\n";
    head += "\r\n";
    ex.close();
    if (should_hold(request)) {
      ex.write(head);
      while (!released() && ex.sleep(100ms)) {
      }
      return;  // the connection closes with the body unsent
    }
    ex.write(head);
    if (request.method != "HEAD") ex.write(res.body);
  }

  mutable std::mutex mutex_;
  std::string held_digest_;
  bool holding_ = false;
  bool released_ = false;
  FakeHttpServer server_;  // last: stopped before the state its handler reads
};

struct Replica {
  std::uint16_t port = 0;
  std::filesystem::path config;
  std::unique_ptr<Daemon> daemon;
  int starts = 0;
};

class ReplicasE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = PgCluster::create();
    ASSERT_TRUE(cluster) << cluster.error().message;
    cluster_ = std::move(*cluster);
    for (int i = 0; i < 2; ++i) replicas_[i].port = free_port();
    // Registry "a" notifies replica 0 and registry "b" replica 1.
    for (int i = 0; i < 2; ++i) {
      TestRegistry::Options options;
      options.notify_url =
          "http://127.0.0.1:" + std::to_string(replicas_[i].port) + "/v1/webhooks/" + registry_name(i);
      options.notify_token = kHookToken;
      options.notify_timeout = 1000ms;
      options.notify_backoff = 500ms;
      registries_[i] = std::make_unique<TestRegistry>(options);
      proxies_[i] = std::make_unique<RegistryProxy>(registries_[i]->port());
    }
    for (int i = 0; i < 2; ++i) write_config(i);
  }

  static std::string registry_name(int i) { return i == 0 ? "a" : "b"; }

  void write_config(int i) {
    Replica& r = replicas_[i];
    r.config = dir_.path() / ("replica-" + std::to_string(i) + ".yaml");
    std::ofstream out(r.config);
    out << "server: {listen: \"127.0.0.1:" << r.port << "\", drain_delay: 1s, shutdown_timeout: 1s}\n"
        << "database: {url: \"" << cluster_->url() << "\"}\n"
        << "data_dir: \"" << (dir_.path() / ("var-" + std::to_string(i))).string() << "\"\n"
        << "auth:\n  tokens:\n    - {name: e2e, role: reader, token: \"" << kReaderToken << "\"}\n"
        << "logging: {level: info}\n"
        << "scanner: {workers: 2, poll_interval: 1s, retry_backoff: 1s, lease: 3s}\n"
        << "feeds: {sources: []}\n"  // the default sources are upstream URLs: no test reaches the internet
        << "registries:\n";
    for (int j = 0; j < 2; ++j) {
      out << "  - name: " << registry_name(j) << "\n    kind: distribution\n    url: \"" << proxies_[j]->url()
          << "\"\n    auth: {type: anonymous}\n    webhook_tokens: [\"" << kHookToken << "\"]\n";
    }
  }

  void start(int i) {
    Replica& r = replicas_[i];
    r.daemon = std::make_unique<Daemon>(
        REGSCAND_BINARY, std::vector<std::string>{"serve", "--config", r.config.string()},
        std::map<std::string, std::string>{},
        dir_.path() / ("replica-" + std::to_string(i) + "-" + std::to_string(++r.starts) + ".log"));
  }
  void wait_ready(int i) {
    ASSERT_TRUE(replicas_[i].daemon->wait_for_status(replicas_[i].port, "/readyz", 200, 60s))
        << replicas_[i].daemon->log();
  }

  // An image with one small layer of its own, pushed to registry i; `before` sees it first.
  OciImage push(int i, const std::string& repo_and_tag,
                const std::function<void(const OciImage&)>& before = {}) {
    OciLayoutBuilder layout(dir_.path() / ("layout-" + unique_suffix(8)));
    auto image = layout.add_image({files_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                                                {"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n"},
                                                {"etc/nonce", unique_suffix()}})},
                                  "t");
    if (before) before(image);
    registries_[i]->push(layout.reference("t"), repo_and_tag);
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

  std::string logs() {
    std::string out;
    for (int i = 0; i < 2; ++i) {
      if (replicas_[i].daemon) out += "--- replica " + std::to_string(i) + "\n" + replicas_[i].daemon->log();
    }
    return out;
  }

  bool succeeded(const std::string& digest) {
    return count("SELECT count(*) FROM jobs WHERE digest = '" + digest + "' AND state = 'succeeded'") == 1;
  }
  // One job, and one completed scan, per image; no job of it dead or failed, no attempt failed but those a
  // shutdown cancelled.
  void expect_scanned_once(const std::string& digest) {
    EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE digest = '" + digest + "'"), 1) << digest;
    EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE digest = '" + digest + "' AND state = 'succeeded'"), 1)
        << digest;
    EXPECT_EQ(count("SELECT count(*) FROM scans WHERE digest = '" + digest + "' AND state = 'succeeded'"), 1)
        << digest;
    EXPECT_EQ(count("SELECT count(*) FROM scans WHERE digest = '" + digest +
                    "' AND state = 'failed' AND coalesce(error, '') NOT LIKE '%cancelled%'"),
              0)
        << digest;
  }

  // The replica whose worker holds the running job of `digest` (its lease owner is host:pid:random/wN).
  int holder_of(const std::string& digest) {
    const auto rows =
        query("SELECT lease_owner FROM jobs WHERE state = 'running' AND digest = '" + digest + "'");
    if (rows.size() != 1) return -1;
    const auto owner = rows[0][0].as<std::string>();
    for (int i = 0; i < 2; ++i) {
      const auto pid = ":" + std::to_string(replicas_[i].daemon->pid()) + ":";
      if (owner.find(pid) != std::string::npos) return i;
    }
    return -1;
  }

  TempDir dir_;
  std::unique_ptr<PgCluster> cluster_;
  std::unique_ptr<TestRegistry> registries_[2];
  std::unique_ptr<RegistryProxy> proxies_[2];
  Replica replicas_[2];
};

TEST_F(ReplicasE2E, TwoReplicasScanEveryImageOnceAndHandOverOnSigtermAndSigkill) {
  const auto t0 = Clock::now();
  start(0);
  start(1);
  wait_ready(0);
  wait_ready(1);

  // Webhooks spread over both replicas: each registry notifies its own.
  std::vector<std::string> digests;
  for (int n = 0; n < 3; ++n) {
    for (int i = 0; i < 2; ++i)
      digests.push_back(push(i, "team/app" + std::to_string(n) + ":v1").manifest.digest);
  }
  for (const auto& digest : digests) {
    ASSERT_TRUE(eventually([&] { return succeeded(digest); }, 60s, 100ms)) << digest << "\n" << logs();
  }
  for (const auto& digest : digests) expect_scanned_once(digest);
  EXPECT_EQ(count("SELECT count(DISTINCT registry) FROM webhook_events"), 2);

  // One scheduler leader: one replica says so and one session holds the lock.
  ASSERT_TRUE(eventually([&] { return count(kLeaderLockSql) == 1; }, 10s, 100ms)) << logs();
  int leaders = 0;
  for (int i = 0; i < 2; ++i) {
    leaders += replicas_[i].daemon->log().find("scheduler: leading the rescans") != std::string::npos;
  }
  EXPECT_EQ(leaders, 1) << logs();

  // SIGTERM mid-scan: readiness fails first, the process exits within drain_delay + shutdown_timeout, and
  // the job is queued again at once, uncounted: the other replica finishes it on attempt 1.
  const auto held =
      push(0, "team/held:v1", [&](const OciImage& image) { proxies_[0]->hold(image.layers[0].digest); });
  ASSERT_TRUE(
      eventually([&] { return proxies_[0]->holding() && holder_of(held.manifest.digest) >= 0; }, 30s, 50ms))
      << logs();
  const int stopped = holder_of(held.manifest.digest);
  const int other = 1 - stopped;
  const auto sigterm_at = Clock::now();
  replicas_[stopped].daemon->signal(SIGTERM);
  HttpResponse readyz;
  EXPECT_TRUE(eventually(
      [&] {
        readyz = http_get(replicas_[stopped].port, "/readyz");
        return readyz.status == 503;
      },
      900ms, 20ms));
  EXPECT_NE(readyz.body.find("shutting down"), std::string::npos) << readyz.body;
  EXPECT_EQ(http_get(replicas_[stopped].port, "/healthz").status, 200);  // still serving while draining
  const auto code = replicas_[stopped].daemon->wait(10s);
  ASSERT_TRUE(code.has_value()) << logs();
  EXPECT_EQ(*code, 0) << logs();
  EXPECT_LT(Clock::now() - sigterm_at, 5s);
  EXPECT_NE(replicas_[stopped].daemon->log().find("handed back"), std::string::npos) << logs();
  ASSERT_TRUE(eventually([&] { return succeeded(held.manifest.digest); }, 30s, 100ms)) << logs();
  const auto taken_over_in = Clock::now() - sigterm_at;
  const auto job =
      query("SELECT attempts, lease_owner FROM jobs WHERE digest = '" + held.manifest.digest + "'");
  ASSERT_EQ(job.size(), 1u);
  EXPECT_EQ(job[0][0].as<int>(), 1) << "the handed-back attempt was counted, or the lease expired";
  EXPECT_NE(job[0][1].as<std::string>().find(":" + std::to_string(replicas_[other].daemon->pid()) + ":"),
            std::string::npos);
  expect_scanned_once(held.manifest.digest);
  EXPECT_EQ(count("SELECT count(*) FROM scans WHERE digest = '" + held.manifest.digest + "'"), 2)
      << "the handed-back attempt and the other replica's";
  EXPECT_EQ(count("SELECT count(*) FROM scans WHERE digest = '" + held.manifest.digest +
                  "' AND state = 'failed' AND error LIKE '%cancelled%'"),
            1)
      << "the handed-back attempt is closed as cancelled";

  // The stopped replica comes back; the surviving one now leads.
  start(stopped);
  wait_ready(stopped);

  // SIGKILL mid-scan: the other replica takes the job over once its lease (3 s) expires, on attempt 2.
  const auto killed_image =
      push(1, "team/killed:v1", [&](const OciImage& image) { proxies_[1]->hold(image.layers[0].digest); });
  ASSERT_TRUE(eventually(
      [&] { return proxies_[1]->holding() && holder_of(killed_image.manifest.digest) >= 0; }, 30s, 50ms))
      << logs();
  const int killed = holder_of(killed_image.manifest.digest);
  const auto sigkill_at = Clock::now();
  replicas_[killed].daemon->signal(SIGKILL);
  ASSERT_EQ(replicas_[killed].daemon->wait(10s), 128 + SIGKILL);
  ASSERT_TRUE(eventually([&] { return succeeded(killed_image.manifest.digest); }, 30s, 100ms)) << logs();
  const auto recovered_in = Clock::now() - sigkill_at;
  EXPECT_GE(recovered_in, 1s) << "taken over before the lease expired";
  const auto attempts =
      count("SELECT attempts FROM jobs WHERE digest = '" + killed_image.manifest.digest + "'");
  EXPECT_EQ(attempts, 2);
  expect_scanned_once(killed_image.manifest.digest);
  // Nothing lost, nothing scanned twice, and no job left behind.
  for (const auto& digest : digests) expect_scanned_once(digest);
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE state NOT IN ('succeeded')"), 0)
      << query("SELECT id, state, last_error FROM jobs WHERE state <> 'succeeded'").size();
  EXPECT_LE(count(kLeaderLockSql), 1);  // a follower takes over within scheduler leader_retry (30 s)

  const int survivor = 1 - killed;
  std::ifstream status("/proc/" + std::to_string(replicas_[survivor].daemon->pid()) + "/status");
  std::string peak_rss;
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) peak_rss = line.substr(line.find_first_not_of(" \t", 6));
  }
  const auto ms = [](Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  std::cout << "[ replicas ] SIGTERM to finished elsewhere " << ms(taken_over_in)
            << " ms; SIGKILL to finished " << ms(recovered_in) << " ms; surviving replica's peak RSS "
            << peak_rss << "; whole test " << ms(Clock::now() - t0) << " ms\n";
}

}  // namespace
}  // namespace regscand::testing
