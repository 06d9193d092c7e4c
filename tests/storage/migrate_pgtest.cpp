// migrate() and migration_status() against a real PostgreSQL: idempotence, two replicas at once,
// a database newer than the binary, and a failing migration rolled back whole.
#include "storage/migrate.hpp"

#include <gtest/gtest.h>

#include <latch>
#include <optional>
#include <pqxx/pqxx>
#include <thread>

#include "tests/support/pg_cluster.hpp"

namespace regscand::storage {
namespace {

using namespace std::chrono_literals;

class MigratePgTest : public ::testing::Test {
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
    auto url = cluster_->create_database("m_" + name);
    ASSERT_TRUE(url) << url.error().message;
    url_ = *url;
    db_ = open();
    ASSERT_NE(db_, nullptr);
  }

  std::unique_ptr<Database> open() {
    Database::Options options;
    options.url = url_;
    options.pool_size = 2;
    auto db = Database::create(options);
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }

  int query_int(const std::string& sql) {
    auto value = db_->run([&](pqxx::connection& conn) {
      pqxx::nontransaction tx(conn);
      return tx.exec1(sql)[0].as<int>();
    });
    EXPECT_TRUE(value) << sql << ": " << value.error().message;
    return value.value_or(-1);
  }

  static inline std::unique_ptr<testing::PgCluster> cluster_;
  static inline std::string setup_error_;
  std::string url_;
  std::unique_ptr<Database> db_;
};

TEST_F(MigratePgTest, AppliesEverythingOnceThenIsANoOp) {
  const int latest = static_cast<int>(embedded_migrations().size());
  auto before = migration_status(*db_);
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_EQ(before->applied, 0);
  EXPECT_EQ(before->latest, latest);
  EXPECT_FALSE(before->up_to_date());

  auto first = migrate(*db_);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->from_version, 0);
  EXPECT_EQ(first->to_version, latest);
  ASSERT_EQ(static_cast<int>(first->applied.size()), latest);
  EXPECT_EQ(first->applied.front(), 1);

  auto after = migration_status(*db_);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->applied, latest);
  EXPECT_TRUE(after->up_to_date());

  auto second = migrate(*db_);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(second->from_version, latest);
  EXPECT_EQ(second->to_version, latest);
  EXPECT_EQ(query_int("SELECT count(*) FROM schema_migrations"), latest);
  EXPECT_EQ(query_int("SELECT count(*) FROM daemon_info"), 1);  // the baseline's INSERT ran once
}

TEST_F(MigratePgTest, TwoReplicasAtOnceApplyEachMigrationOnce) {
  // The second migration is slow so the two runs overlap; without the lock the loser would fail on
  // CREATE TABLE or count twice.
  const Migration list[] = {
      {1, "counter", "CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0);"},
      {2, "slow_bump", "SELECT pg_sleep(0.3); UPDATE counter SET n = n + 1;"},
      {3, "bump", "UPDATE counter SET n = n + 10;"},
  };
  auto other = open();
  ASSERT_NE(other, nullptr);
  std::latch go(2);
  std::optional<Result<MigrationReport>> ra;
  std::optional<Result<MigrationReport>> rb;
  std::thread a([&] {
    go.arrive_and_wait();
    ra = migrate(*db_, list);
  });
  std::thread b([&] {
    go.arrive_and_wait();
    rb = migrate(*other, list);
  });
  a.join();
  b.join();
  ASSERT_TRUE(*ra) << ra->error().message;
  ASSERT_TRUE(*rb) << rb->error().message;
  EXPECT_EQ((*ra)->applied.size() + (*rb)->applied.size(), 3u);
  EXPECT_EQ((*ra)->to_version, 3);
  EXPECT_EQ((*rb)->to_version, 3);
  EXPECT_EQ(query_int("SELECT n FROM counter"), 11);
  EXPECT_EQ(query_int("SELECT count(*) FROM schema_migrations"), 3);
}

TEST_F(MigratePgTest, RefusesADatabaseNewerThanTheBinary) {
  std::vector<Migration> future(embedded_migrations().begin(), embedded_migrations().end());
  const int newer = static_cast<int>(future.size()) + 1;
  future.push_back({newer, "from_the_future", "CREATE TABLE from_the_future (x int);"});
  ASSERT_TRUE(migrate(*db_, future));

  auto old = migrate(*db_);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, ErrorCode::FailedPrecondition);
  EXPECT_NE(old.error().message.find("schema version " + std::to_string(newer)), std::string::npos)
      << old.error().message;

  auto status = migration_status(*db_);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->applied, newer);
  EXPECT_FALSE(status->up_to_date());
}

TEST_F(MigratePgTest, AFailingMigrationIsRolledBackWhole) {
  const Migration list[] = {
      {1, "good", "CREATE TABLE good (x int);"},
      {2, "bad", "CREATE TABLE half_done (x int); SELECT 1 / 0;"},
  };
  auto result = migrate(*db_, list);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::Internal);
  EXPECT_NE(result.error().message.find("22012"), std::string::npos)
      << result.error().message;  // division_by_zero
  EXPECT_EQ(query_int("SELECT max(version) FROM schema_migrations"), 1);
  EXPECT_EQ(query_int("SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'"), 0);
  EXPECT_EQ(query_int("SELECT count(*) FROM pg_tables WHERE tablename = 'good'"), 1);
}

TEST_F(MigratePgTest, RejectsGapsInTheList) {
  const Migration list[] = {{1, "a", "SELECT 1;"}, {3, "c", "SELECT 1;"}};
  auto result = migrate(*db_, list);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::InvalidArgument);
}

}  // namespace
}  // namespace regscand::storage
