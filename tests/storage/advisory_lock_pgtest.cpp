// with_advisory_lock and HeldAdvisoryLock against a real PostgreSQL: one holder at a time per key, TryOnce
// gives up at once, Wait waits for the holder, and a held lock goes with its session.
#include "storage/advisory_lock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "tests/support/pg_test.hpp"

namespace regscand::storage {
namespace {

using namespace std::chrono_literals;

class AdvisoryLockPgTest : public testing::PgTest {
 protected:
  std::int64_t held(AdvisoryLock lock) const {
    const auto key = static_cast<std::int64_t>(lock);
    return count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = " +
                 std::to_string(key >> 32) + " AND objid = " + std::to_string(key & 0xffffffff));
  }
};

TEST_F(AdvisoryLockPgTest, RunsHoldingTheLockAndReleasesIt) {
  std::int64_t during = -1;
  auto ran = with_advisory_lock(*db_, AdvisoryLock::FeedImport, LockWait::TryOnce,
                                [&] { during = held(AdvisoryLock::FeedImport); });
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_TRUE(*ran);
  EXPECT_EQ(during, 1);
  EXPECT_EQ(held(AdvisoryLock::FeedImport), 0);
}

TEST_F(AdvisoryLockPgTest, TryOnceGivesUpWhileAnotherSessionHoldsIt) {
  auto leader = HeldAdvisoryLock::try_acquire(db_->conninfo(), AdvisoryLock::FeedImport);
  ASSERT_TRUE(leader) << leader.error().message;
  ASSERT_NE(*leader, nullptr);
  bool called = false;
  auto ran = with_advisory_lock(*db_, AdvisoryLock::FeedImport, LockWait::TryOnce, [&] { called = true; });
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_FALSE(*ran);
  EXPECT_FALSE(called);
  // Another key is free.
  ran = with_advisory_lock(*db_, AdvisoryLock::Migrations, LockWait::TryOnce, [&] { called = true; });
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_TRUE(*ran);
  EXPECT_TRUE(called);
}

TEST_F(AdvisoryLockPgTest, WaitRunsOnceTheHolderLetsGo) {
  auto holder = HeldAdvisoryLock::try_acquire(db_->conninfo(), AdvisoryLock::FeedImport);
  ASSERT_TRUE(holder && *holder != nullptr);
  std::atomic<bool> called = false;
  auto waiter = std::async(std::launch::async, [&] {
    return with_advisory_lock(*db_, AdvisoryLock::FeedImport, LockWait::Wait, [&] { called = true; });
  });
  EXPECT_EQ(waiter.wait_for(500ms), std::future_status::timeout);
  EXPECT_FALSE(called);
  holder->reset();
  ASSERT_EQ(waiter.wait_for(10s), std::future_status::ready);
  auto ran = waiter.get();
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_TRUE(*ran);
  EXPECT_TRUE(called);
}

TEST_F(AdvisoryLockPgTest, AHeldLockGoesWithItsSession) {
  auto first = HeldAdvisoryLock::try_acquire(db_->conninfo(), AdvisoryLock::Scheduler);
  ASSERT_TRUE(first && *first != nullptr);
  EXPECT_TRUE((*first)->check());
  auto second = HeldAdvisoryLock::try_acquire(db_->conninfo(), AdvisoryLock::Scheduler);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(*second, nullptr);

  EXPECT_EQ(count("SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND "
                  "granted"),
            1);
  auto alive = (*first)->check();
  ASSERT_FALSE(alive);
  EXPECT_EQ(alive.error().code, ErrorCode::Unavailable);
  auto third = HeldAdvisoryLock::try_acquire(db_->conninfo(), AdvisoryLock::Scheduler);
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_NE(*third, nullptr);
}

TEST_F(AdvisoryLockPgTest, AnUnreachableDatabaseIsUnavailable) {
  auto lock =
      HeldAdvisoryLock::try_acquire("host=127.0.0.1 port=9 connect_timeout=2", AdvisoryLock::Scheduler);
  ASSERT_FALSE(lock);
  EXPECT_EQ(lock.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(lock.error().message.find("port=9"), std::string::npos) << lock.error().message;
}

}  // namespace
}  // namespace regscand::storage
