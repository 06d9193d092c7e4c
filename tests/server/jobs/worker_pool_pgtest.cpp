// The worker pool over a real PostgreSQL: two pools (two replicas) never run one job twice, NOTIFY wakes
// idle workers long before the poll interval, failures retry then die with their last error, permanent
// errors and throwing handlers fail at once, a job whose worker vanished (lease never renewed) is run
// again, leases are renewed while a handler runs longer than one lease (also one downloading a blob slowly
// but above the minimum rate, while a stalled download ends by that rate and is retried), and at shutdown a
// job that outlives the grace is handed back (queued, its attempt uncounted) while one that ends within it
// is kept; a handed-back job's download is cancelled, so its thread is joined and nothing is recorded.
#include "server/jobs/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "config/base/sha256.hpp"
#include "scanner/registry/client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/pg_test.hpp"
#include "tests/support/registry.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
namespace jobs = server::jobs;

class WorkerPoolTest : public PgTest {
 protected:
  unsigned pool_size() const override { return 8; }

  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    queue_ = std::make_unique<storage::JobQueue>(*db_);
  }

  std::int64_t enqueue(std::string digest, int max_attempts = 3) {
    auto id = queue_->enqueue({"scan", "local", "team/app", std::move(digest), 100, max_attempts});
    EXPECT_TRUE(id && *id);
    return id && *id ? **id : 0;
  }

  storage::Job job(std::int64_t id) {
    auto j = queue_->get(id);
    EXPECT_TRUE(j && *j);
    return j && *j ? **j : storage::Job{};
  }

  static jobs::WorkerOptions options(std::string owner, unsigned workers = 2) {
    jobs::WorkerOptions o;
    o.workers = workers;
    o.lease = 3s;
    o.poll_interval = 200ms;
    o.retry_backoff = 10ms;
    o.retry_backoff_max = 50ms;
    o.owner = std::move(owner);
    return o;
  }

  std::unique_ptr<storage::JobQueue> queue_;
  server::http::Metrics metrics_a_, metrics_b_;
};

TEST_F(WorkerPoolTest, TwoReplicasRunEveryJobExactlyOnce) {
  constexpr int kJobs = 60;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kJobs; ++i) ids.push_back(enqueue("sha256:" + std::to_string(1000 + i)));

  std::mutex mutex;
  std::multiset<std::int64_t> runs;
  auto handler = [&](const storage::Job& j) -> Result<std::string> {
    {
      std::lock_guard lock(mutex);
      runs.insert(j.id);
    }
    std::this_thread::sleep_for(5ms);
    return std::string("{\"ok\":true}");
  };
  jobs::JobHandlers ha, hb;
  ha.add("scan", handler);
  hb.add("scan", handler);
  jobs::WorkerPool a(*queue_, nullptr, std::move(ha), options("a", 3), metrics_a_);
  jobs::WorkerPool b(*queue_, nullptr, std::move(hb), options("b", 3), metrics_b_);
  a.start();
  b.start();
  ASSERT_TRUE(eventually([&] { return a.finished_for_test() + b.finished_for_test() >= kJobs; }));
  a.stop();
  b.stop();
  for (const auto id : ids) {
    EXPECT_EQ(runs.count(id), 1u) << "job " << id;
    EXPECT_EQ(job(id).state, storage::JobState::Succeeded);
    EXPECT_EQ(job(id).result_json, "{\"ok\": true}");
  }
  EXPECT_GT(a.finished_for_test(), 0u);
  EXPECT_GT(b.finished_for_test(), 0u);
}

TEST_F(WorkerPoolTest, NotifyWakesIdleWorkersBeforeThePollInterval) {
  auto notifier = storage::JobNotifier::create(url_);
  ASSERT_TRUE(notifier) << notifier.error().message;
  jobs::JobHandlers handlers;
  handlers.add("scan", [](const storage::Job&) -> Result<std::string> { return std::string(); });
  auto o = options("n", 1);
  o.poll_interval = 60s;
  jobs::WorkerPool pool(*queue_, notifier->get(), std::move(handlers), o, metrics_a_);
  pool.start();
  std::this_thread::sleep_for(300ms);  // the worker has found the queue empty and sleeps
  const auto started = std::chrono::steady_clock::now();
  const auto id = enqueue("sha256:notify");
  ASSERT_TRUE(eventually([&] { return pool.finished_for_test() == 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  pool.stop();
  EXPECT_EQ(job(id).state, storage::JobState::Succeeded);
}

TEST_F(WorkerPoolTest, TransientFailuresRetryThenDieWithTheLastError) {
  std::atomic<int> calls{0};
  jobs::JobHandlers handlers;
  handlers.add("scan", [&](const storage::Job& j) -> Result<std::string> {
    ++calls;
    return fail(ErrorCode::Unavailable, "registry down, attempt " + std::to_string(j.attempts));
  });
  const auto id = enqueue("sha256:flaky", 3);
  jobs::WorkerPool pool(*queue_, nullptr, std::move(handlers), options("r", 1), metrics_a_);
  pool.start();
  ASSERT_TRUE(eventually([&] { return job(id).state == storage::JobState::Dead; }));
  pool.stop();
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(job(id).attempts, 3);
  EXPECT_EQ(job(id).last_error, "registry down, attempt 3");
}

TEST_F(WorkerPoolTest, PermanentErrorsAndThrowingHandlersFailAtOnce) {
  jobs::JobHandlers handlers;
  handlers.add("scan", [](const storage::Job& j) -> Result<std::string> {
    if (j.digest == "sha256:throws") throw std::runtime_error("boom");
    return fail(ErrorCode::Unimplemented, "unsupported manifest: Docker schema 1");
  });
  const auto unsupported = enqueue("sha256:schema1", 5);
  const auto throws = enqueue("sha256:throws", 1);
  jobs::WorkerPool pool(*queue_, nullptr, std::move(handlers), options("p", 1), metrics_a_);
  pool.start();
  ASSERT_TRUE(eventually([&] { return pool.finished_for_test() == 2; }));
  pool.stop();
  EXPECT_EQ(job(unsupported).state, storage::JobState::Failed);
  EXPECT_EQ(job(unsupported).attempts, 1);
  EXPECT_EQ(job(unsupported).last_error, "unsupported manifest: Docker schema 1");
  EXPECT_EQ(job(throws).state, storage::JobState::Dead);
  EXPECT_EQ(job(throws).last_error, "job handler threw: boom");
}

TEST_F(WorkerPoolTest, AJobWhoseWorkerVanishedIsRunAgainAfterItsLease) {
  const auto id = enqueue("sha256:orphan");
  const std::vector<std::string> kinds{"scan"};
  auto claimed = queue_->claim("crashed-worker", 500ms, kinds);  // never renewed, never finished
  ASSERT_TRUE(claimed && *claimed);
  std::atomic<int> calls{0};
  jobs::JobHandlers handlers;
  handlers.add("scan", [&](const storage::Job&) -> Result<std::string> {
    ++calls;
    return std::string();
  });
  jobs::WorkerPool pool(*queue_, nullptr, std::move(handlers), options("heir", 1), metrics_a_);
  pool.start();
  ASSERT_TRUE(eventually([&] { return job(id).state == storage::JobState::Succeeded; }));
  pool.stop();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(job(id).attempts, 2);
  EXPECT_EQ(job(id).lease_owner.rfind("heir", 0), 0u);
}

TEST_F(WorkerPoolTest, LeasesAreRenewedWhileAHandlerOutlivesOne) {
  std::atomic<int> calls{0};
  jobs::JobHandlers ha, hb;
  auto slow = [&](const storage::Job&) -> Result<std::string> {
    ++calls;
    std::this_thread::sleep_for(2500ms);
    return std::string();
  };
  ha.add("scan", slow);
  hb.add("scan", slow);
  auto o = options("slow-a", 1);
  o.lease = 900ms;
  const auto id = enqueue("sha256:slow");
  jobs::WorkerPool a(*queue_, nullptr, std::move(ha), o, metrics_a_);
  a.start();
  ASSERT_TRUE(eventually([&] { return calls.load() == 1; }));
  o.owner = "slow-b";
  jobs::WorkerPool b(*queue_, nullptr, std::move(hb), o, metrics_b_);
  b.start();  // would take the job if its lease lapsed
  ASSERT_TRUE(eventually([&] { return job(id).state == storage::JobState::Succeeded; }));
  a.stop();
  b.stop();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(job(id).attempts, 1);
}

TEST_F(WorkerPoolTest, AtShutdownAJobOutlivingTheGraceIsHandedBackAndOneEndingWithinItIsRecorded) {
  std::mutex mutex;
  std::condition_variable cv;
  bool release_stuck = false;
  std::atomic<int> started{0};
  jobs::JobHandlers handlers;
  handlers.add("scan", [&](const storage::Job& job) -> Result<std::string> {
    ++started;
    if (job.digest == "sha256:quick") {
      std::this_thread::sleep_for(300ms);
      return std::string();
    }
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return release_stuck; });
    return std::string();
  });
  const auto stuck = enqueue("sha256:stuck", 1);
  const auto quick = enqueue("sha256:quick", 1);
  jobs::WorkerPool pool(*queue_, nullptr, std::move(handlers), options("stopping", 2), metrics_a_);
  pool.start();
  ASSERT_TRUE(eventually([&] { return started.load() == 2; }));
  EXPECT_EQ(pool.hand_back(1s), 1u);
  EXPECT_EQ(job(quick).state, storage::JobState::Succeeded);
  const auto back = job(stuck);
  EXPECT_EQ(back.state, storage::JobState::Queued);  // not dead, though it was its only attempt
  EXPECT_EQ(back.attempts, 0);
  EXPECT_TRUE(back.lease_owner.empty());
  {
    std::lock_guard lock(mutex);
    release_stuck = true;
  }
  cv.notify_all();
  pool.stop();  // the handler returns; its result is discarded
  EXPECT_EQ(job(stuck).state, storage::JobState::Queued);
  EXPECT_EQ(started.load(), 2);
}

// A handler that downloads blob `digest` of "app" from `server` with `client` options.
jobs::JobHandler downloading(const FakeHttpServer& server, scanner::registry::ClientOptions client,
                             std::atomic<int>& calls) {
  return [&server, client, &calls](const storage::Job& job) -> Result<std::string> {
    ++calls;
    config::RegistryConfig registry;
    registry.name = "fake";
    registry.url = server.url();
    auto created = scanner::registry::RegistryClient::create(registry, client);
    if (!created) return std::unexpected(created.error());
    auto digest = scanner::Digest::parse(job.digest);
    if (!digest) return std::unexpected(digest.error());
    scanner::registry::StringSink sink(1 << 20);
    auto fetched = created->fetch_blob("app", *digest, sink, 1 << 20);
    if (!fetched) return std::unexpected(fetched.error());
    return std::string("{\"bytes\":") + std::to_string(sink.data().size()) + "}";
  };
}

// Answers a blob GET with `blob`, `piece` bytes every `pause`.
FakeHttpServer::Handler trickle(const std::string& blob, std::size_t piece, std::chrono::milliseconds pause) {
  return [blob, piece, pause](FakeExchange& exchange) {
    if (!exchange.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(blob.size()) + "\r\n\r\n"))
      return;
    for (std::size_t at = 0; at < blob.size(); at += piece) {
      if (!exchange.write(std::string_view(blob).substr(at, piece))) return;
      if (at + piece < blob.size() && !exchange.sleep(pause)) return;
    }
  };
}

TEST_F(WorkerPoolTest, ASlowButProgressingDownloadKeepsItsLeaseAcrossReplicas) {
  // 2 KiB every 100 ms for 3 s (about 20 KiB/s, above the 4 KiB/s minimum) under a 1 s lease.
  std::string blob;
  for (int i = 0; blob.size() < 60 * 1024; ++i) blob += std::to_string(i) + ";";
  FakeHttpServer server(trickle(blob, 2048, 100ms));
  scanner::registry::ClientOptions client;
  client.blob_min_rate = 4096;
  client.blob_rate_window = 500ms;
  std::atomic<int> calls{0};
  jobs::JobHandlers ha, hb;
  ha.add("scan", downloading(server, client, calls));
  hb.add("scan", downloading(server, client, calls));
  auto o = options("progress-a", 1);
  o.lease = 1s;
  const auto id = enqueue("sha256:" + sha256_hex(blob));
  jobs::WorkerPool a(*queue_, nullptr, std::move(ha), o, metrics_a_);
  a.start();
  ASSERT_TRUE(eventually([&] { return calls.load() == 1; }));
  o.owner = "progress-b";
  jobs::WorkerPool b(*queue_, nullptr, std::move(hb), o, metrics_b_);
  b.start();  // would take the job if its lease lapsed
  std::string expires;
  int renewals = 0;
  ASSERT_TRUE(eventually(
      [&] {
        const auto now = job(id);
        if (now.state == storage::JobState::Running && now.lease_expires_at != expires) {
          if (!expires.empty()) ++renewals;
          expires = now.lease_expires_at;
        }
        return now.state != storage::JobState::Running;
      },
      10s, 50ms));
  a.stop();
  b.stop();
  const auto done = job(id);
  EXPECT_EQ(done.state, storage::JobState::Succeeded) << done.last_error;
  EXPECT_EQ(done.attempts, 1);
  EXPECT_EQ(done.lease_owner, "progress-a/w0");
  EXPECT_EQ(calls.load(), 1);
  EXPECT_GE(renewals, 4);  // every lease/3 for about 3 s
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(WorkerPoolTest, AStalledDownloadEndsByTheMinimumRateAndIsRetried) {
  // 1 byte per 200 ms: never idle for long, but far below 1 KiB/s.
  const std::string blob(1000, 'x');
  FakeHttpServer server(trickle(blob, 1, 200ms));
  scanner::registry::ClientOptions client;
  client.blob_min_rate = 1024;
  client.blob_rate_window = 1s;
  std::atomic<int> calls{0};
  jobs::JobHandlers handlers;
  handlers.add("scan", downloading(server, client, calls));
  auto o = options("stalled", 1);
  o.retry_backoff = 60s;
  o.retry_backoff_max = 60s;
  const auto id = enqueue("sha256:" + sha256_hex(blob), 2);
  jobs::WorkerPool pool(*queue_, nullptr, std::move(handlers), o, metrics_a_);
  const auto start = std::chrono::steady_clock::now();
  pool.start();
  ASSERT_TRUE(
      eventually([&] { return job(id).state == storage::JobState::Queued && calls.load() == 1; }, 10s));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  pool.stop();
  const auto failed = job(id);
  EXPECT_EQ(failed.attempts, 1);  // retryable: queued for attempt 2 of 2
  EXPECT_NE(failed.last_error.find("transfer rate"), std::string::npos) << failed.last_error;
  EXPECT_NE(failed.last_error.find("under the minimum 1 KiB/s over 1 s"), std::string::npos)
      << failed.last_error;
  EXPECT_LT(elapsed, 4s);
}

TEST_F(WorkerPoolTest, AtShutdownAHandedBackDownloadIsCancelledAndItsThreadJoined) {
  const std::string blob(64 * 1024, 'h');
  FakeHttpServer server([&](FakeExchange& exchange) {
    exchange.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(blob.size()) + "\r\n\r\nhh");
    exchange.sleep(30s);
  });
  auto o = options("cancelling", 1);
  scanner::registry::ClientOptions client;
  client.read_timeout = 30s;
  client.stop = o.cancel.get_token();
  std::atomic<int> calls{0};
  jobs::JobHandlers handlers;
  handlers.add("scan", downloading(server, client, calls));
  const auto id = enqueue("sha256:" + sha256_hex(blob), 1);
  jobs::WorkerPool pool(*queue_, nullptr, std::move(handlers), o, metrics_a_);
  pool.start();
  ASSERT_TRUE(eventually([&] { return server.requests().size() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(pool.hand_back(300ms), 0u);  // every thread joined
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, 1500ms);
  const auto back = job(id);
  EXPECT_EQ(back.state, storage::JobState::Queued);
  EXPECT_EQ(back.attempts, 0);
  EXPECT_EQ(back.last_error, "");  // the cancelled download is not recorded as a failure
  EXPECT_EQ(pool.finished_for_test(), 1u);
}

TEST(RetryDelay, DoublesFromTheBackoffIsCappedAndJittered) {
  jobs::WorkerOptions o;
  o.retry_backoff = 10'000ms;
  o.retry_backoff_max = 60'000ms;
  EXPECT_EQ(jobs::retry_delay(o, 1, 1.0), 10'000ms);
  EXPECT_EQ(jobs::retry_delay(o, 2, 1.0), 20'000ms);
  EXPECT_EQ(jobs::retry_delay(o, 3, 1.0), 40'000ms);
  EXPECT_EQ(jobs::retry_delay(o, 4, 1.0), 60'000ms);
  EXPECT_EQ(jobs::retry_delay(o, 40, 1.0), 60'000ms);
  EXPECT_EQ(jobs::retry_delay(o, 1, 0.0), 5'000ms);
  EXPECT_EQ(jobs::retry_delay(o, 2, 0.5), 15'000ms);
}

}  // namespace
}  // namespace regscand::testing
