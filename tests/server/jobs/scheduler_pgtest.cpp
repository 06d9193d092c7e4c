// The rescan scheduler over a real PostgreSQL with an injected clock: the pulled_within boundaries (29, 30
// and 31 days), the rescan_every spacing, pushed_within, rescans queued below pushes and never twice, the
// rate limit spreading a tick, leader failover between two schedulers on two connections, and a restart
// in the middle of a tick (nothing lost, nothing duplicated).
#include "server/jobs/scheduler.hpp"

#include <gtest/gtest.h>

#include <pqxx/nontransaction>
#include <pqxx/result>
#include <set>
#include <thread>

#include "storage/event_inbox.hpp"
#include "storage/job_queue.hpp"
#include "tests/support/pg_test.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
using server::jobs::Scheduler;
using server::jobs::SchedulerOptions;

// The injected "now": 2024-06-01T00:00:00Z, far from the database's own clock.
const std::chrono::system_clock::time_point kNow = std::chrono::sys_days{std::chrono::year{2024} / 6 / 1};
constexpr const char* kNowSql = "timestamptz '2024-06-01 00:00:00+00'";

class SchedulerTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<storage::RescanStore>(*db_);
  }

  SchedulerOptions options() const {
    SchedulerOptions o;
    o.now = [] { return kNow; };
    o.conninfo = url_;
    o.max_per_minute = 60'000;  // 1 ms apart: fast unless a test is about the rate
    return o;
  }

  void exec(const std::string& sql) const {
    pqxx::connection conn(url_);
    pqxx::nontransaction tx(conn);
    tx.exec(sql);
  }

  // A manifest `digest` of local/app; pulled/pushed `days` before kNow (negative: never).
  void manifest(const std::string& digest, double pulled_days, double pushed_days = -1,
                bool deleted = false) const {
    auto at = [](double days) {
      return days < 0 ? std::string("NULL")
                      : std::string(kNowSql) + " - interval '" + std::to_string(days) + " days'";
    };
    exec(
        "INSERT INTO manifests (registry, repository, digest, last_pulled_at, last_pushed_at, deleted_at)"
        " VALUES ('local', 'app', '" +
        digest + "', " + at(pulled_days) + ", " + at(pushed_days) + ", " + (deleted ? "now()" : "NULL") +
        ")");
  }

  // A scan attempt of `digest` started `days` before kNow.
  void scanned(const std::string& digest, double days, const std::string& state = "succeeded") const {
    exec(
        "INSERT INTO scans (registry, repository, digest, analyzers, state, started_at, finished_at)"
        " VALUES ('local', 'app', '" +
        digest + "', 'x', '" + state + "', " + kNowSql + " - interval '" + std::to_string(days) + " days', " +
        kNowSql + " - interval '" + std::to_string(days) + " days')");
  }

  // Digests with a rescan job, in job id order.
  std::vector<std::string> rescanned() const {
    pqxx::connection conn(url_);
    pqxx::nontransaction tx(conn);
    std::vector<std::string> out;
    for (const auto& row : tx.exec("SELECT digest FROM jobs WHERE kind = 'rescan' ORDER BY id")) {
      out.push_back(row[0].as<std::string>());
    }
    return out;
  }

  server::jobs::TickReport tick(Scheduler& scheduler) {
    auto report = scheduler.run_once();
    EXPECT_TRUE(report) << report.error().message;
    return report ? *report : server::jobs::TickReport{};
  }

  std::unique_ptr<storage::RescanStore> store_;
};

TEST_F(SchedulerTest, PulledWithinBoundaries) {
  manifest("d29", 29);
  manifest("d30", 30);
  manifest("d31", 31);
  manifest("d30-and-a-second", 30.0 + 1.0 / 86'400);
  manifest("never-pulled", -1);
  manifest("deleted", 1, -1, true);
  Scheduler scheduler(*store_, options());
  const auto report = tick(scheduler);
  EXPECT_TRUE(report.leader);
  EXPECT_EQ(report.due, 2u);
  EXPECT_EQ(rescanned(), (std::vector<std::string>{"d29", "d30"}));
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'rescan' AND priority = " +
                  std::to_string(storage::kRescanPriority) + " AND state = 'queued'"),
            2);
}

TEST_F(SchedulerTest, RescanEverySpacing) {
  for (const char* d : {"s6", "s7", "s8", "failed3", "never"}) manifest(d, 1);
  scanned("s6", 6);
  scanned("s7", 7);
  scanned("s8", 8);
  scanned("s8", 20);
  scanned("failed3", 3, "failed");  // a failed attempt counts: no retry storm every tick
  Scheduler scheduler(*store_, options());
  tick(scheduler);
  EXPECT_EQ(rescanned(), (std::vector<std::string>{"s7", "s8", "never"}));
}

TEST_F(SchedulerTest, PushedWithinAddsRecentlyPushedImages) {
  manifest("pushed10", -1, 10);
  manifest("pushed100", -1, 100);
  manifest("pulled40-pushed5", 40, 5);
  {
    Scheduler off(*store_, options());
    EXPECT_EQ(tick(off).due, 0u) << "pushed_within is off by default";
  }
  auto o = options();
  o.pushed_within = std::chrono::days(90);
  Scheduler on(*store_, o);
  tick(on);
  EXPECT_EQ(rescanned(), (std::vector<std::string>{"pushed10", "pulled40-pushed5"}));
}

TEST_F(SchedulerTest, RescansRankBelowPushesAndAreNeverQueuedTwice) {
  manifest("pushed", 1);
  manifest("stale", 1);
  storage::JobQueue queue(*db_);
  auto push = queue.enqueue({"scan", "local", "app", "pushed", storage::kPushScanPriority, 3});
  ASSERT_TRUE(push && *push);

  Scheduler scheduler(*store_, options());
  EXPECT_EQ(tick(scheduler).queued, 1u);
  EXPECT_EQ(rescanned(), (std::vector<std::string>{"stale"}))
      << "an image with a queued push scan is skipped";
  EXPECT_EQ(tick(scheduler).queued, 0u) << "a queued rescan is not queued again";
  EXPECT_EQ(*store_->enqueue({"local", "app", "stale"}, storage::kRescanJobKind, storage::kRescanPriority, 3),
            std::nullopt);
  EXPECT_EQ(rescanned().size(), 1u);

  const std::vector<std::string> kinds{"scan", "rescan"};
  auto first = queue.claim("w", 60s, kinds);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->kind, "scan") << "the push is claimed first";
  auto second = queue.claim("w", 60s, kinds);
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->kind, "rescan");
  EXPECT_LT((*second)->priority, (*first)->priority);
  EXPECT_EQ(tick(scheduler).queued, 0u) << "nor while it runs";
  ASSERT_TRUE(queue.succeed((*second)->id, "w", ""));
  EXPECT_EQ(tick(scheduler).queued, 1u) << "finished without a scans row: still due, queued again";
}

TEST_F(SchedulerTest, SpreadsATickAtTheConfiguredRate) {
  for (int i = 0; i < 5; ++i) manifest("r" + std::to_string(i), 1);
  auto o = options();
  o.max_per_minute = 300;  // 200 ms apart
  Scheduler scheduler(*store_, o);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(tick(scheduler).queued, 5u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 800ms);
  EXPECT_GE(count("SELECT (extract(epoch FROM max(created_at) - min(created_at)) * 1000)::bigint FROM jobs"),
            790);
  EXPECT_GE(
      count("SELECT min(d) FROM (SELECT (extract(epoch FROM created_at - lag(created_at) OVER (ORDER BY "
            "id)) * 1000)::bigint AS d FROM jobs) x WHERE d IS NOT NULL"),
      195);
}

TEST_F(SchedulerTest, OneLeaderAndFailoverWhenItsConnectionDies) {
  manifest("a", 1);
  Scheduler first(*store_, options());
  Scheduler second(*store_, options());
  auto r1 = tick(first);
  auto r2 = tick(second);
  EXPECT_TRUE(r1.leader);
  EXPECT_FALSE(r2.leader);
  EXPECT_EQ(r1.queued, 1u);
  EXPECT_EQ(r2.due, 0u);
  EXPECT_TRUE(first.leader());
  EXPECT_FALSE(second.leader());

  // The leader dies: its backend is terminated, the session lock goes with it.
  EXPECT_EQ(
      count("SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted"),
      1);
  manifest("b", 1);
  auto taken = tick(second);
  EXPECT_TRUE(taken.leader);
  EXPECT_EQ(taken.queued, 1u);
  EXPECT_FALSE(tick(first).leader) << "the old leader finds its connection gone and the lock taken";
  EXPECT_EQ(rescanned(), (std::vector<std::string>{"a", "b"}));

  second.stop();  // a clean stop releases the lock
  EXPECT_TRUE(tick(first).leader);
}

TEST_F(SchedulerTest, RestartInTheMiddleOfATickLosesAndDuplicatesNothing) {
  std::set<std::string> all;
  for (int i = 0; i < 8; ++i) {
    manifest("m" + std::to_string(i), 1);
    all.insert("m" + std::to_string(i));
  }
  auto o = options();
  o.max_per_minute = 600;  // 100 ms apart
  auto first = std::make_unique<Scheduler>(*store_, o);
  server::jobs::TickReport interrupted;
  std::thread running([&] { interrupted = tick(*first); });
  std::this_thread::sleep_for(250ms);
  first->stop();
  running.join();
  first.reset();
  EXPECT_TRUE(interrupted.interrupted);
  EXPECT_GE(interrupted.queued, 1u);
  EXPECT_LT(interrupted.queued, 8u);

  Scheduler second(*store_, options());
  const auto resumed = tick(second);
  EXPECT_TRUE(resumed.leader);
  EXPECT_EQ(interrupted.queued + resumed.queued, 8u);
  const auto jobs = rescanned();
  EXPECT_EQ(jobs.size(), 8u);
  EXPECT_EQ(std::set<std::string>(jobs.begin(), jobs.end()), all);
}

TEST_F(SchedulerTest, StartedLoopTicksAndStops) {
  manifest("loop", 1);
  auto o = options();
  o.tick = 1h;
  Scheduler scheduler(*store_, o);
  scheduler.start();
  for (int i = 0; i < 100 && rescanned().empty(); ++i) std::this_thread::sleep_for(50ms);
  scheduler.stop();
  EXPECT_EQ(rescanned(), (std::vector<std::string>{"loop"}));
}

}  // namespace
}  // namespace regscand::testing
