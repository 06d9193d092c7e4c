// A stream of distinct push events, sent as docker-registry sends them (each retried after any non-2xx
// status or connection error until a 2xx), to the real `regscand serve` on a real PostgreSQL, with no scan
// workers so every job stays queued. Faults: the daemon SIGKILLed 5 times during 5,000 events; the
// PostgreSQL postmaster SIGKILLed during 2,000 events and restarted once the daemon answers 503. Either
// way every event ends as exactly one job, none twice, and nothing acknowledged is lost.
#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "config/base/sha256.hpp"
#include "tests/faults/faults.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::int64_t ms_since(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// `events` distinct pushes (one digest each) sent by `senders` threads; each event is sent again 20 ms after
// a failure until the daemon acknowledges it.
class EventStream {
 public:
  EventStream(std::uint16_t port, int events, int senders) : port_(port), events_(events) {
    const auto run = unique_suffix(8);
    for (int i = 0; i < events; ++i)
      digests_.push_back("sha256:" + sha256_hex(run + "/" + std::to_string(i)));
    for (int s = 0; s < senders; ++s) threads_.emplace_back([this, run] { send(run); });
  }
  ~EventStream() { join(); }
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  void join() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  int acknowledged() const { return acknowledged_; }
  int retried() const { return retried_; }
  int connection_errors() const { return connection_errors_; }
  std::map<int, int> refusals() const {
    std::lock_guard lock(mutex_);
    return refusals_;
  }
  const std::vector<std::string>& digests() const { return digests_; }

 private:
  // Each sender keeps its connection alive, as distribution does, and opens a new one after an error.
  void send(const std::string& run) {
    std::optional<HttpConnection> connection;
    for (int i = next_++; i < events_; i = next_++) {
      const auto request =
          push_event_request(run + "-" + std::to_string(i), "faults/app-" + std::to_string(i % 50),
                             digests_[i], "t" + std::to_string(i));
      for (;;) {
        try {
          if (!connection) connection.emplace(HttpConnection::connect(port_));
          const auto response = connection->request(request);
          if (!response.keep_alive) connection.reset();
          if (response.status / 100 == 2) break;
          std::lock_guard lock(mutex_);
          ++refusals_[response.status];
        } catch (const std::exception&) {
          connection.reset();
          ++connection_errors_;
        }
        ++retried_;
        std::this_thread::sleep_for(20ms);
      }
      ++acknowledged_;
    }
  }

  std::uint16_t port_;
  int events_;
  std::vector<std::string> digests_;
  std::atomic<int> next_{0};
  std::atomic<int> acknowledged_{0};
  std::atomic<int> retried_{0};
  std::atomic<int> connection_errors_{0};
  mutable std::mutex mutex_;
  std::map<int, int> refusals_;
  std::vector<std::thread> threads_;  // last: started once the rest exists
};

class WebhookStreamFaults : public DaemonE2E {
 protected:
  std::string scanner_config() const override { return "{workers: 0}"; }

  // The test cluster runs without synchronous_commit (fast, not crash-safe): a commit the daemon acknowledged
  // could die with the postmaster's WAL buffers. A postmaster crash must lose nothing committed, as in
  // production, so commits wait for the WAL write again (the OS keeps it; fsync stays off).
  void SetUp() override {
    DaemonE2E::SetUp();
    if (HasFatalFailure()) return;
    pqxx::connection conn(cluster_->url());
    pqxx::nontransaction tx(conn);
    tx.exec("ALTER SYSTEM SET synchronous_commit = on");
    tx.exec("SELECT pg_reload_conf()");
  }

  // Exactly one job per digest of `stream`, and no other job.
  void expect_one_job_per_event(const EventStream& stream) {
    const auto events = static_cast<std::int64_t>(stream.digests().size());
    EXPECT_EQ(count("SELECT count(*) FROM jobs"), events);
    EXPECT_EQ(count("SELECT count(DISTINCT digest) FROM jobs"), events);
    EXPECT_EQ(count("SELECT count(*) FROM (SELECT digest FROM jobs GROUP BY digest HAVING count(*) > 1) d"),
              0);
    const auto rows = query("SELECT digest FROM jobs");
    std::set<std::string> stored;
    for (const auto& row : rows) stored.insert(row[0].as<std::string>());
    int missing = 0;
    for (const auto& digest : stream.digests()) missing += stored.count(digest) == 0 ? 1 : 0;
    EXPECT_EQ(missing, 0) << "acknowledged events without a job";
    // The API sees the same queue.
    EXPECT_EQ(jobs_api("?state=queued&limit=1")["items"].size(), 1u);
  }
};

TEST_F(WebhookStreamFaults, FiveSigkillsDuringFiveThousandEventsLoseNoneAndQueueNoneTwice) {
  constexpr int kEvents = 5000;
  constexpr int kKills = 5;
  auto daemon = start_daemon();
  EventStream stream(port_, kEvents, 4);
  std::int64_t slowest_restart_ms = 0;
  for (int k = 1; k <= kKills; ++k) {
    ASSERT_TRUE(eventually([&] { return stream.acknowledged() >= k * kEvents / (kKills + 1); }, 60s, 5ms))
        << stream.acknowledged() << " acknowledged\n"
        << daemon->log();
    daemon->signal(SIGKILL);
    ASSERT_EQ(daemon->wait(10s), 128 + SIGKILL);
    const auto killed_at = Clock::now();
    daemon = start_daemon();
    slowest_restart_ms = std::max(slowest_restart_ms, ms_since(killed_at));
  }
  stream.join();
  ASSERT_EQ(stream.acknowledged(), kEvents);
  expect_one_job_per_event(stream);
  EXPECT_GT(stream.retried(), 0) << "no send failed: the kills hit nothing";
  std::printf(
      "[figure] %d events, %d kills, %lld jobs, %lld duplicates, %d retried sends (%d connection errors), "
      "slowest restart to ready %lld ms\n",
      kEvents, kKills, static_cast<long long>(count("SELECT count(*) FROM jobs")),
      static_cast<long long>(count("SELECT count(*) - count(DISTINCT digest) FROM jobs")), stream.retried(),
      stream.connection_errors(), static_cast<long long>(slowest_restart_ms));
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(60s), 0) << daemon->log();
}

TEST_F(WebhookStreamFaults, PostmasterSigkilledMidStreamGives503sThenReadyWithinTenSeconds) {
  constexpr int kEvents = 2000;
  auto daemon = start_daemon();
  EventStream stream(port_, kEvents, 4);
  ASSERT_TRUE(eventually([&] { return stream.acknowledged() >= kEvents / 4; }, 60s, 5ms)) << daemon->log();

  auto& server = cluster_->server();
  const pid_t postmaster = server.postmaster_pid();
  ASSERT_GT(postmaster, 0);
  ASSERT_EQ(::kill(postmaster, SIGKILL), 0);
  const auto killed_at = Clock::now();
  const int acknowledged_at_kill = stream.acknowledged();
  // Down: the senders are refused with 503 and /readyz says so. The outage lasts 3 s.
  ASSERT_TRUE(eventually([&] { return stream.refusals()[503] >= 20; }, 20s)) << daemon->log();
  ASSERT_TRUE(eventually([&] { return http_get(port_, "/readyz").status == 503; }, 10s)) << daemon->log();
  std::this_thread::sleep_for(std::max(0ms, 3000ms - std::chrono::milliseconds(ms_since(killed_at))));
  const int acknowledged_at_restart = stream.acknowledged();
  const auto down_ms = ms_since(killed_at);

  ASSERT_TRUE(server.restart_after_crash());
  const auto back_at = Clock::now();
  ASSERT_TRUE(daemon->wait_for_status(port_, "/readyz", 200, 10s)) << daemon->log();
  const auto ready_ms = ms_since(back_at);
  EXPECT_LT(ready_ms, 10'000);
  stream.join();

  ASSERT_EQ(stream.acknowledged(), kEvents);
  expect_one_job_per_event(stream);
  const auto refusals = stream.refusals();
  int other = 0;
  for (const auto& [status, times] : refusals) other += status == 503 ? 0 : times;
  EXPECT_EQ(other, 0) << "statuses other than 503 while the database was down";
  EXPECT_EQ(stream.connection_errors(), 0);
  std::printf(
      "[figure] %d events, postmaster down %lld ms (%d acknowledged after the kill by backends not yet "
      "gone), %d x "
      "503, "
      "/readyz 200 %lld ms after the restart, %lld jobs, %lld duplicates\n",
      kEvents, static_cast<long long>(down_ms), acknowledged_at_restart - acknowledged_at_kill,
      refusals.count(503) ? refusals.at(503) : 0, static_cast<long long>(ready_ms),
      static_cast<long long>(count("SELECT count(*) FROM jobs")),
      static_cast<long long>(count("SELECT count(*) - count(DISTINCT digest) FROM jobs")));
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(60s), 0) << daemon->log();
}

}  // namespace
}  // namespace regscand::testing
