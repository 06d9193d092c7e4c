// JobQueue and JobNotifier against a real PostgreSQL: deduplication, concurrent claimers, leases,
// retries with backoff, dead jobs, hand-back at shutdown, cancellation by a delete event, stable
// pagination, depth, and NOTIFY wake-ups (including after the listening connection is killed).
#include "storage/job_queue.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <latch>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "storage/event_inbox.hpp"
#include "storage/job_notifier.hpp"
#include "storage/migrate.hpp"
#include "tests/support/pg_cluster.hpp"

namespace regscand::storage {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kScan[] = {"scan"};

NewJob scan_job(unsigned n, int priority = 100, int max_attempts = 5) {
  return NewJob{"scan", "hub", "app", "sha256:" + std::to_string(n), priority, max_attempts};
}

class JobQueuePgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto cluster = testing::PgCluster::create();
    if (!cluster) {
      setup_error_ = cluster.error().message;
      return;
    }
    cluster_ = std::move(*cluster);
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override {
    ASSERT_NE(cluster_, nullptr) << setup_error_;
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (auto& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    auto url = cluster_->create_database("q_" + name);
    ASSERT_TRUE(url) << url.error().message;
    url_ = *url;
    db_ = open(4);
    ASSERT_NE(db_, nullptr);
    auto migrated = migrate(*db_);
    ASSERT_TRUE(migrated) << migrated.error().message;
    queue_ = std::make_unique<JobQueue>(*db_);
  }

  std::unique_ptr<Database> open(unsigned pool_size) {
    Database::Options options;
    options.url = url_;
    options.pool_size = pool_size;
    options.acquire_timeout = 5s;
    options.connect_timeout = 2s;
    auto db = Database::create(options);
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }

  std::int64_t enqueue(const NewJob& job) {
    auto id = queue_->enqueue(job);
    EXPECT_TRUE(id) << id.error().message;
    EXPECT_TRUE(id && *id);
    return id && *id ? **id : -1;
  }

  std::optional<Job> claim(std::string_view owner, std::chrono::milliseconds lease = 60s) {
    auto job = queue_->claim(owner, lease, kScan);
    EXPECT_TRUE(job) << job.error().message;
    return job ? *job : std::nullopt;
  }

  void exec(const std::string& sql) {
    auto done = db_->run([&](pqxx::connection& conn) {
      pqxx::work tx(conn);
      tx.exec(sql);
      tx.commit();
    });
    ASSERT_TRUE(done) << sql << ": " << done.error().message;
  }

  static inline std::unique_ptr<testing::PgCluster> cluster_;
  static inline std::string setup_error_;
  std::string url_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<JobQueue> queue_;
};

TEST_F(JobQueuePgTest, StateNamesRoundTrip) {
  for (auto state : {JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed,
                     JobState::Dead, JobState::Cancelled}) {
    EXPECT_EQ(parse_job_state(to_string(state)), state);
  }
  EXPECT_EQ(parse_job_state("Queued"), std::nullopt);
  EXPECT_EQ(parse_job_state(""), std::nullopt);
}

TEST_F(JobQueuePgTest, AnActiveSubjectIsNeverQueuedTwice) {
  const auto id = enqueue(scan_job(1));
  auto again = queue_->enqueue(scan_job(1));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, std::nullopt);

  auto job = claim("w1");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->id, id);
  auto while_running = queue_->enqueue(scan_job(1));
  ASSERT_TRUE(while_running);
  EXPECT_EQ(*while_running, std::nullopt);

  auto done = queue_->succeed(id, "w1", R"({"findings": 3})");
  ASSERT_TRUE(done && *done);
  const auto next = enqueue(scan_job(1));  // finished: a new scan may be queued
  EXPECT_GT(next, id);
  // Another kind for the same digest is another subject.
  auto other_kind = queue_->enqueue(NewJob{"rematch", "hub", "app", "sha256:1"});
  ASSERT_TRUE(other_kind && *other_kind);

  auto bad = queue_->enqueue(NewJob{"scan", "hub", "", "sha256:2"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidArgument);
}

TEST_F(JobQueuePgTest, ClaimTakesHighestPriorityThenOldestAndOnlyTheAskedKinds) {
  const auto low = enqueue(scan_job(1, 10));
  const auto high = enqueue(scan_job(2, 100));
  const auto high_later = enqueue(scan_job(3, 100));
  auto other = queue_->enqueue(NewJob{"feed", "hub", "app", "x"});
  ASSERT_TRUE(other && *other);

  auto a = claim("w");
  auto b = claim("w");
  auto c = claim("w");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->id, high);
  EXPECT_EQ(b->id, high_later);
  EXPECT_EQ(c->id, low);
  EXPECT_EQ(claim("w"), std::nullopt);  // the "feed" job is not ours

  EXPECT_EQ(a->state, JobState::Running);
  EXPECT_EQ(a->attempts, 1);
  EXPECT_EQ(a->lease_owner, "w");
  EXPECT_FALSE(a->lease_expires_at.empty());
  EXPECT_FALSE(a->started_at.empty());
  EXPECT_TRUE(a->finished_at.empty());
  EXPECT_EQ(a->created_at.size(), std::string("2024-01-01T00:00:00.000000Z").size()) << a->created_at;
  EXPECT_EQ(a->created_at.back(), 'Z');

  const std::string both[] = {"scan", "feed"};
  auto feed = queue_->claim("w", 60s, both);
  ASSERT_TRUE(feed && *feed);
  EXPECT_EQ((*feed)->kind, "feed");
  auto none = queue_->claim("w", 60s, std::span<const std::string>());
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, std::nullopt);
}

TEST_F(JobQueuePgTest, ConcurrentClaimersNeverGetTheSameJob) {
  constexpr int kJobs = 60;
  constexpr int kClaimers = 4;
  for (int i = 0; i < kJobs; ++i) {
    enqueue(scan_job(static_cast<unsigned>(i)));
  }
  std::vector<std::unique_ptr<Database>> dbs;
  std::vector<std::unique_ptr<JobQueue>> queues;
  for (int i = 0; i < kClaimers; ++i) {
    dbs.push_back(open(1));  // each claimer on its own connection
    ASSERT_NE(dbs.back(), nullptr);
    queues.push_back(std::make_unique<JobQueue>(*dbs.back()));
  }
  std::mutex mu;
  std::vector<std::int64_t> claimed;
  std::latch go(kClaimers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClaimers; ++i) {
    threads.emplace_back([&, i] {
      const std::string owner = "w" + std::to_string(i);
      go.arrive_and_wait();
      for (;;) {
        auto job = queues[static_cast<std::size_t>(i)]->claim(owner, 60s, kScan);
        ASSERT_TRUE(job) << job.error().message;
        if (!*job) {
          return;
        }
        EXPECT_EQ((*job)->lease_owner, owner);
        std::lock_guard lock(mu);
        claimed.push_back((*job)->id);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  const std::set<std::int64_t> distinct(claimed.begin(), claimed.end());
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kJobs));
  auto depth = queue_->depth();
  ASSERT_TRUE(depth) << depth.error().message;
  EXPECT_EQ((*depth)[JobState::Running], kJobs);
  EXPECT_EQ((*depth)[JobState::Queued], 0);
}

TEST_F(JobQueuePgTest, AnExpiredLeaseIsClaimedAgainAndTheFirstOwnerLosesIt) {
  const auto id = enqueue(scan_job(1));
  auto first = claim("crashed", 60s);
  ASSERT_TRUE(first);
  EXPECT_EQ(claim("w2"), std::nullopt);  // leased
  auto renewed = queue_->renew(id, "crashed", 120s);
  ASSERT_TRUE(renewed && *renewed);  // still its lease
  auto after_renew = queue_->get(id);
  ASSERT_TRUE(after_renew && *after_renew);
  EXPECT_GT((*after_renew)->lease_expires_at, first->lease_expires_at);

  // The worker dies: its lease runs out (moved into the past rather than waited for).
  exec("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = " + std::to_string(id));
  auto second = claim("w2", 60s);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, id);
  EXPECT_EQ(second->attempts, 2);
  EXPECT_EQ(second->lease_owner, "w2");

  auto late_renew = queue_->renew(id, "crashed", 60s);
  ASSERT_TRUE(late_renew);
  EXPECT_FALSE(*late_renew);
  auto late_succeed = queue_->succeed(id, "crashed", R"({"stale": true})");
  ASSERT_TRUE(late_succeed);
  EXPECT_FALSE(*late_succeed);
  auto late_fail = queue_->fail(id, "crashed", "boom", 0ms);
  ASSERT_FALSE(late_fail);
  EXPECT_EQ(late_fail.error().code, ErrorCode::FailedPrecondition);

  auto done = queue_->succeed(id, "w2", R"({"packages": 12})");
  ASSERT_TRUE(done && *done);
  auto job = queue_->get(id);
  ASSERT_TRUE(job && *job);
  EXPECT_EQ((*job)->state, JobState::Succeeded);
  EXPECT_EQ((*job)->result_json, R"({"packages": 12})");
  EXPECT_FALSE((*job)->finished_at.empty());
  EXPECT_TRUE((*job)->lease_expires_at.empty());
  // Finished: nobody renews it any more.
  auto after = queue_->renew(id, "w2", 60s);
  ASSERT_TRUE(after);
  EXPECT_FALSE(*after);
}

TEST_F(JobQueuePgTest, FailuresBackOffThenTheJobDiesWithItsLastError) {
  const auto id = enqueue(scan_job(1, 100, 2));
  auto first = claim("w");
  ASSERT_TRUE(first);
  auto state = queue_->fail(id, "w", "registry: 503", 30s);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(*state, JobState::Queued);
  auto queued = queue_->get(id);
  ASSERT_TRUE(queued && *queued);
  EXPECT_EQ((*queued)->last_error, "registry: 503");
  EXPECT_TRUE((*queued)->lease_owner.empty());
  EXPECT_TRUE((*queued)->lease_expires_at.empty());
  EXPECT_EQ(claim("w"), std::nullopt);  // run_after is in the future
  auto delay = db_->run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    return tx
        .exec_params1("SELECT extract(epoch FROM run_after - now())::float8 FROM jobs WHERE id = $1", id)[0]
        .as<double>();
  });
  ASSERT_TRUE(delay) << delay.error().message;
  EXPECT_GT(*delay, 20.0);
  EXPECT_LE(*delay, 30.0);

  // The backoff passes (moved rather than waited for).
  exec("UPDATE jobs SET run_after = now() WHERE id = " + std::to_string(id));
  auto second = claim("w");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->attempts, 2);
  state = queue_->fail(id, "w", "registry: 502", 0ms);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(*state, JobState::Dead);
  auto dead = queue_->get(id);
  ASSERT_TRUE(dead && *dead);
  EXPECT_EQ((*dead)->state, JobState::Dead);
  EXPECT_EQ((*dead)->last_error, "registry: 502");
  EXPECT_FALSE((*dead)->finished_at.empty());
  EXPECT_EQ(claim("w"), std::nullopt);
  // Dead frees the subject.
  EXPECT_GT(enqueue(scan_job(1)), id);

  // A permanent error fails at once, whatever attempts remain.
  auto fresh = claim("w");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->attempts, 1);
  auto permanent = queue_->fail(fresh->id, "w", "unsupported media type", 10s, true);
  ASSERT_TRUE(permanent) << permanent.error().message;
  EXPECT_EQ(*permanent, JobState::Failed);
  EXPECT_EQ(claim("w"), std::nullopt);
}

TEST_F(JobQueuePgTest, ALeaseExpiringOnTheLastAttemptMakesTheJobDead) {
  const auto id = enqueue(scan_job(1, 100, 1));
  auto job = claim("crashed", 150ms);
  ASSERT_TRUE(job);
  auto failed = queue_->fail(id, "someone-else", "x", 0ms);
  ASSERT_FALSE(failed);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(claim("w2"), std::nullopt);
  auto dead = queue_->get(id);
  ASSERT_TRUE(dead && *dead);
  EXPECT_EQ((*dead)->state, JobState::Dead);
  EXPECT_EQ((*dead)->attempts, 1);
  EXPECT_TRUE((*dead)->last_error.starts_with("lease expired on attempt 1 of 1 (owner crashed)"))
      << (*dead)->last_error;
  auto late = queue_->succeed(id, "crashed", "{}");
  ASSERT_TRUE(late);
  EXPECT_FALSE(*late);
}

TEST_F(JobQueuePgTest, AHandedBackLeaseIsQueuedAtOnceWithItsAttemptUncounted) {
  auto notifier = JobNotifier::create(url_);
  ASSERT_TRUE(notifier) << notifier.error().message;
  // The last attempt: had it been counted (or had its lease expired) the job would be dead.
  const auto id = enqueue(scan_job(1, 100, 1));
  EXPECT_TRUE((*notifier)->wait(1s));  // the enqueue's
  auto job = claim("stopping", 60s);
  ASSERT_TRUE(job);
  EXPECT_EQ(claim("other"), std::nullopt);  // leased for a minute

  auto wrong = queue_->release(id, "someone-else");
  ASSERT_TRUE(wrong) << wrong.error().message;
  EXPECT_FALSE(*wrong);
  auto released = queue_->release(id, "stopping");
  ASSERT_TRUE(released) << released.error().message;
  EXPECT_TRUE(*released);
  EXPECT_TRUE((*notifier)->wait(1s)) << "other replicas' idle workers are not woken";
  auto queued = queue_->get(id);
  ASSERT_TRUE(queued && *queued);
  EXPECT_EQ((*queued)->state, JobState::Queued);
  EXPECT_EQ((*queued)->attempts, 0);
  EXPECT_TRUE((*queued)->lease_owner.empty());
  EXPECT_TRUE((*queued)->lease_expires_at.empty());
  EXPECT_EQ((*queued)->run_after, job->run_after);  // its place in the claim order

  // The stopping worker can no longer record anything; another takes the job with no lease wait.
  auto late = queue_->succeed(id, "stopping", "{}");
  ASSERT_TRUE(late);
  EXPECT_FALSE(*late);
  auto again = queue_->release(id, "stopping");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  auto taken = claim("other", 60s);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->id, id);
  EXPECT_EQ(taken->attempts, 1);
  auto done = queue_->succeed(id, "other", "{}");
  ASSERT_TRUE(done && *done);
  auto finished = queue_->release(id, "other");
  ASSERT_TRUE(finished);
  EXPECT_FALSE(*finished);  // a finished job is never handed back
  auto final_job = queue_->get(id);
  ASSERT_TRUE(final_job && *final_job);
  EXPECT_EQ((*final_job)->state, JobState::Succeeded);
}

TEST_F(JobQueuePgTest, ADeleteEventCancelsTheQueuedJobOfItsManifest) {
  EventInbox inbox(*db_, "fp", 5);
  scanner::RegistryEvent push;
  push.id = "e1";
  push.action = scanner::EventAction::Push;
  push.repository = "app";
  push.digest = *scanner::Digest::parse("sha256:" + std::string(64, 'b'));
  scanner::RegistryEvent del = push;
  del.id = "e2";
  del.action = scanner::EventAction::Delete;
  const InboxBatch pushed[] = {InboxBatch{"hub", {push}}};
  auto outcome = inbox.apply(pushed);
  ASSERT_TRUE(outcome[0] && outcome[0]->jobs_enqueued == 1);
  const InboxBatch deleted[] = {InboxBatch{"hub", {del}}};
  ASSERT_TRUE(inbox.apply(deleted)[0]);
  EXPECT_EQ(claim("w"), std::nullopt);
  auto page = queue_->list(JobState::Cancelled, "", 10);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->jobs.size(), 1u);
  EXPECT_EQ(page->jobs[0].digest, push.digest->str());
  EXPECT_FALSE(page->jobs[0].finished_at.empty());
}

TEST_F(JobQueuePgTest, PagesAreNewestFirstAndStableUnderInserts) {
  std::vector<std::int64_t> ids;
  for (unsigned i = 0; i < 25; ++i) {
    ids.push_back(enqueue(scan_job(i)));
  }
  auto page1 = queue_->list(std::nullopt, "", 10);
  ASSERT_TRUE(page1) << page1.error().message;
  ASSERT_EQ(page1->jobs.size(), 10u);
  EXPECT_EQ(page1->jobs.front().id, ids.back());
  ASSERT_FALSE(page1->next_cursor.empty());

  for (unsigned i = 100; i < 105; ++i) {
    enqueue(scan_job(i));  // newer jobs arrive between pages
  }
  std::vector<std::int64_t> seen;
  for (const auto& job : page1->jobs) {
    seen.push_back(job.id);
  }
  std::string cursor = page1->next_cursor;
  int pages = 1;
  while (!cursor.empty()) {
    auto page = queue_->list(std::nullopt, cursor, 10);
    ASSERT_TRUE(page) << page.error().message;
    ++pages;
    for (const auto& job : page->jobs) {
      seen.push_back(job.id);
    }
    cursor = page->next_cursor;
  }
  EXPECT_EQ(pages, 3);
  const std::vector<std::int64_t> expected(ids.rbegin(), ids.rend());
  EXPECT_EQ(seen, expected);  // every older job once, in order: no duplicates, no gaps

  // A page that ends exactly at the last job has no next cursor.
  auto exact = queue_->list(std::nullopt, std::to_string(ids[5]), 5);
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->jobs.size(), 5u);
  EXPECT_TRUE(exact->next_cursor.empty());

  // Filtered by state.
  ASSERT_TRUE(claim("w"));
  auto running = queue_->list(JobState::Running, "", 500);
  ASSERT_TRUE(running);
  ASSERT_EQ(running->jobs.size(), 1u);
  EXPECT_EQ(running->jobs[0].state, JobState::Running);

  for (const auto* bad : {"abc", "-1", "0", "12x", "99999999999999999999"}) {
    auto page = queue_->list(std::nullopt, bad, 10);
    ASSERT_FALSE(page) << bad;
    EXPECT_EQ(page.error().code, ErrorCode::InvalidArgument);
  }
  EXPECT_FALSE(queue_->list(std::nullopt, "", 0));
  EXPECT_FALSE(queue_->list(std::nullopt, "", 501));
}

TEST_F(JobQueuePgTest, DepthCountsEveryState) {
  for (unsigned i = 0; i < 6; ++i) {
    enqueue(scan_job(i, 100, 1));
  }
  auto a = claim("w");
  auto b = claim("w");
  auto c = claim("w");
  auto d = claim("w");
  ASSERT_TRUE(a && b && c && d);
  ASSERT_TRUE(queue_->succeed(a->id, "w", "{}"));
  ASSERT_TRUE(queue_->fail(b->id, "w", "permanent", 0ms, true));
  ASSERT_TRUE(queue_->fail(c->id, "w", "exhausted", 0ms));
  auto depth = queue_->depth();
  ASSERT_TRUE(depth) << depth.error().message;
  EXPECT_EQ(depth->size(), 6u);
  EXPECT_EQ((*depth)[JobState::Queued], 2);
  EXPECT_EQ((*depth)[JobState::Running], 1);
  EXPECT_EQ((*depth)[JobState::Succeeded], 1);
  EXPECT_EQ((*depth)[JobState::Failed], 1);
  EXPECT_EQ((*depth)[JobState::Dead], 1);
  EXPECT_EQ((*depth)[JobState::Cancelled], 0);
}

TEST_F(JobQueuePgTest, NotifierWakesOnAnInboxEnqueueAndTimesOutOtherwise) {
  auto notifier = JobNotifier::create(db_->conninfo());
  ASSERT_TRUE(notifier) << notifier.error().message;
  EventInbox inbox(*db_, "fp", 5);

  auto t0 = Clock::now();
  EXPECT_FALSE((*notifier)->wait(200ms));
  EXPECT_GE(Clock::now() - t0, 190ms);

  scanner::RegistryEvent push;
  push.id = "e1";
  push.action = scanner::EventAction::Push;
  push.repository = "app";
  push.digest = *scanner::Digest::parse("sha256:" + std::string(64, 'c'));
  auto waiter = std::async(std::launch::async, [&] {
    const auto start = Clock::now();
    const bool woke = (*notifier)->wait(5s);
    return std::pair(woke, Clock::now() - start);
  });
  std::this_thread::sleep_for(100ms);
  const auto applied_at = Clock::now();
  const InboxBatch batches[] = {InboxBatch{"hub", {push}}};
  auto outcome = inbox.apply(batches);
  ASSERT_TRUE(outcome[0] && outcome[0]->jobs_enqueued == 1);
  auto [woke, waited] = waiter.get();
  EXPECT_TRUE(woke);
  EXPECT_LT(Clock::now() - applied_at, 1s);
  EXPECT_LT(waited, 2s);

  // A redelivery enqueues nothing and so notifies nobody.
  ASSERT_TRUE(inbox.apply(batches)[0]);
  EXPECT_FALSE((*notifier)->wait(300ms));

  // JobQueue::enqueue notifies too; a notification sent before wait() is not lost.
  ASSERT_TRUE(queue_->enqueue(scan_job(1)));
  EXPECT_TRUE((*notifier)->wait(1s));
  EXPECT_FALSE((*notifier)->wait(100ms));  // consumed
}

TEST_F(JobQueuePgTest, NotifierReconnectsAfterItsConnectionIsKilled) {
  auto notifier = JobNotifier::create(url_);
  ASSERT_TRUE(notifier) << notifier.error().message;
  exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'"
      " AND pid <> pg_backend_pid()");
  // The first wait notices the loss and reconnects: false, so the caller polls.
  const auto t0 = Clock::now();
  EXPECT_FALSE((*notifier)->wait(2s));
  EXPECT_LT(Clock::now() - t0, 1500ms);  // noticed at once, not at the timeout
  ASSERT_TRUE(queue_->enqueue(scan_job(7)));
  EXPECT_TRUE((*notifier)->wait(2s));

  auto bad = JobNotifier::create("postgresql://127.0.0.1:1/nothing?connect_timeout=1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::Unavailable);
}

}  // namespace
}  // namespace regscand::storage
