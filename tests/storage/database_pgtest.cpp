// Database against a real PostgreSQL: the pool's bound, waking, retry on a lost connection,
// recovery after a server restart, error mapping, prepared statements and close().
#include "storage/database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <pqxx/pqxx>
#include <thread>

#include "tests/support/pg_cluster.hpp"

namespace regscand::storage {
namespace {

using namespace std::chrono_literals;

class DatabasePgTest : public ::testing::Test {
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
    auto url = cluster_->create_database("t_" + name);
    ASSERT_TRUE(url) << url.error().message;
    url_ = *url;
  }

  Database::Options options(unsigned pool_size = 4, std::chrono::milliseconds acquire_timeout = 5s) const {
    Database::Options o;
    o.url = url_;
    o.pool_size = pool_size;
    o.acquire_timeout = acquire_timeout;
    o.connect_timeout = 2s;
    return o;
  }

  std::unique_ptr<Database> open(const Database::Options& o) {
    auto db = Database::create(o);
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }

  static int backend_pid(pqxx::connection& conn) {
    pqxx::nontransaction tx(conn);
    return tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
  }

  static inline std::unique_ptr<testing::PgCluster> cluster_;
  static inline std::string setup_error_;
  std::string url_;
};

// Holds a leased connection on another thread until release() is called.
class Holder {
 public:
  explicit Holder(Database& db) {
    result_ = std::async(std::launch::async, [&db, this] {
      return db.run([this](pqxx::connection&) {
        entered_.count_down();
        release_.get_future().wait();
      });
    });
    entered_.wait();
  }
  ~Holder() {
    if (result_.valid()) {
      release();
    }
  }
  Result<void> release() {
    release_.set_value();
    return result_.get();
  }

 private:
  std::latch entered_{1};
  std::promise<void> release_;
  std::future<Result<void>> result_;
};

TEST_F(DatabasePgTest, RunReturnsValuesAndPassesResultsThrough) {
  auto db = open(options());
  ASSERT_NE(db, nullptr);
  auto value = db->run([](pqxx::connection& conn) {
    pqxx::work tx(conn);
    return tx.exec_params1("SELECT $1::int + 1", 41)[0].as<int>();
  });
  ASSERT_TRUE(value) << value.error().message;
  EXPECT_EQ(*value, 42);

  auto inner =
      db->run([](pqxx::connection&) -> Result<int> { return fail(ErrorCode::NotFound, "no such row"); });
  ASSERT_FALSE(inner);
  EXPECT_EQ(inner.error().code, ErrorCode::NotFound);

  EXPECT_TRUE(db->ping());
  EXPECT_EQ(db->stats().opened, 1u);  // create()'s connection served every call
}

TEST_F(DatabasePgTest, PreparesRegisteredStatementsOnEveryConnection) {
  auto o = options();
  o.statements.push_back({"test.add", "SELECT $1::int + $2::int"});
  auto db = open(o);
  ASSERT_NE(db, nullptr);
  auto sum = db->run([](pqxx::connection& conn) {
    pqxx::work tx(conn);
    return tx.exec_prepared1("test.add", 2, 3)[0].as<int>();
  });
  ASSERT_TRUE(sum) << sum.error().message;
  EXPECT_EQ(*sum, 5);

  // Registered later: the idle connection learns it before its next lease.
  ASSERT_TRUE(db->register_statement("test.mul", "SELECT $1::int * $2::int"));
  auto product = db->run([](pqxx::connection& conn) {
    pqxx::work tx(conn);
    return tx.exec_prepared1("test.mul", 4, 5)[0].as<int>();
  });
  ASSERT_TRUE(product) << product.error().message;
  EXPECT_EQ(*product, 20);

  EXPECT_TRUE(db->register_statement("test.mul", "SELECT $1::int * $2::int"));
  auto clash = db->register_statement("test.mul", "SELECT 0");
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::InvalidArgument);
}

TEST_F(DatabasePgTest, UniqueViolationIsAlreadyExists) {
  auto db = open(options());
  ASSERT_NE(db, nullptr);
  auto insert = [&](const std::string& key) {
    return db->run([&](pqxx::connection& conn) {
      pqxx::work tx(conn);
      tx.exec("CREATE TABLE IF NOT EXISTS keys (k text PRIMARY KEY)");
      tx.exec_params0("INSERT INTO keys (k) VALUES ($1)", key);
      tx.commit();
    });
  };
  ASSERT_TRUE(insert("secret-key-1"));
  auto again = insert("secret-key-1");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::AlreadyExists);
  EXPECT_NE(again.error().message.find("23505"), std::string::npos) << again.error().message;
  EXPECT_EQ(again.error().message.find("secret-key-1"), std::string::npos) << again.error().message;
}

TEST_F(DatabasePgTest, SqlErrorNamesTheStateNotTheParameters) {
  auto db = open(options());
  ASSERT_NE(db, nullptr);
  auto bad = db->run([](pqxx::connection& conn) {
    pqxx::work tx(conn);
    return tx.exec_params1("SELECT $1::int", "secret-value-42")[0].as<int>();
  });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::Internal);
  EXPECT_NE(bad.error().message.find("22P02"), std::string::npos) << bad.error().message;
  EXPECT_EQ(bad.error().message.find("secret-value-42"), std::string::npos) << bad.error().message;
  EXPECT_TRUE(db->ping());  // the connection is still usable
  EXPECT_EQ(db->stats().discarded, 0u);
}

TEST_F(DatabasePgTest, WrongPasswordFailsAtCreateWithoutLeakingIt) {
  std::string url = url_;
  const auto at = url.find("password='");
  ASSERT_NE(at, std::string::npos);
  const auto end = url.find('\'', at + 10);
  const std::string real = url.substr(at + 10, end - at - 10);
  url.replace(at + 10, end - at - 10, "wrong-pass-xyz");
  auto o = options();
  o.url = url;
  auto db = Database::create(o);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::Unavailable);
  EXPECT_NE(db.error().message.find("password authentication failed"), std::string::npos)
      << db.error().message;
  EXPECT_EQ(db.error().message.find("wrong-pass-xyz"), std::string::npos);
  EXPECT_EQ(db.error().message.find(real), std::string::npos);
}

TEST_F(DatabasePgTest, PoolIsBoundedAndTimesOut) {
  auto db = open(options(2, 300ms));
  ASSERT_NE(db, nullptr);
  Holder first(*db);
  Holder second(*db);
  EXPECT_EQ(db->stats().in_use, 2u);
  EXPECT_EQ(db->stats().size, 2u);

  const auto started = std::chrono::steady_clock::now();
  auto third = db->ping();
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(third.error().message, "database pool: no connection within 300ms");
  EXPECT_GE(waited, 290ms);
  EXPECT_LT(waited, 3s);
  EXPECT_EQ(db->stats().size, 2u);  // never more than pool_size

  EXPECT_TRUE(first.release());
  EXPECT_TRUE(second.release());
  EXPECT_EQ(db->stats().idle, 2u);
}

TEST_F(DatabasePgTest, ReturnedLeaseWakesAWaiter) {
  auto db = open(options(1, 10s));
  ASSERT_NE(db, nullptr);
  Holder holder(*db);
  auto waiter = std::async(std::launch::async, [&] { return db->ping(); });
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (db->stats().waiting != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_EQ(db->stats().waiting, 1u);
  const auto released = std::chrono::steady_clock::now();
  ASSERT_TRUE(holder.release());
  ASSERT_EQ(waiter.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(waiter.get());
  EXPECT_LT(std::chrono::steady_clock::now() - released, 2s);  // woken, not timed out (10 s)
  EXPECT_EQ(db->stats().waiting, 0u);
  EXPECT_EQ(db->stats().opened, 1u);  // the returned connection was reused
}

TEST_F(DatabasePgTest, RetriesOnceOnALostConnection) {
  auto db = open(options(2));
  ASSERT_NE(db, nullptr);
  int calls = 0;
  int killed = 0;
  auto pid = db->run([&](pqxx::connection& conn) {
    if (++calls == 1) {
      killed = backend_pid(conn);
      pqxx::nontransaction tx(conn);
      tx.exec("SELECT pg_terminate_backend(pg_backend_pid())");
    }
    return backend_pid(conn);
  });
  ASSERT_TRUE(pid) << pid.error().message;
  EXPECT_EQ(calls, 2);
  EXPECT_NE(*pid, killed);
  EXPECT_EQ(db->stats().discarded, 1u);
  for (int i = 0; i < 5; ++i) {  // the dead connection is never handed out again
    auto again = db->run([](pqxx::connection& conn) { return backend_pid(conn); });
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_NE(*again, killed);
  }
  EXPECT_EQ(db->stats().discarded, 1u);
}

TEST_F(DatabasePgTest, GivesUpAfterTheSecondLostConnection) {
  auto db = open(options(2));
  ASSERT_NE(db, nullptr);
  int calls = 0;
  auto result = db->run([&](pqxx::connection& conn) {
    ++calls;
    pqxx::nontransaction tx(conn);
    tx.exec("SELECT pg_terminate_backend(pg_backend_pid())");
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(db->stats().discarded, 2u);
  EXPECT_TRUE(db->ping());
}

TEST_F(DatabasePgTest, RecoversAfterTheServerRestarts) {
  auto db = open(options(2));
  ASSERT_NE(db, nullptr);
  auto before = db->run([](pqxx::connection& conn) { return backend_pid(conn); });
  ASSERT_TRUE(before);
  ASSERT_EQ(db->stats().idle, 1u);

  ASSERT_TRUE(cluster_->stop());
  auto down = db->ping();
  EXPECT_FALSE(down);
  if (!down) {
    EXPECT_EQ(down.error().code, ErrorCode::Unavailable);
  }
  EXPECT_EQ(db->stats().idle, 0u);  // the dead idle connection was dropped, not kept
  EXPECT_EQ(db->stats().discarded, 1u);

  ASSERT_TRUE(cluster_->start());
  auto after = db->run([](pqxx::connection& conn) { return backend_pid(conn); });
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_NE(*after, *before);
  EXPECT_TRUE(db->ping());
  EXPECT_EQ(db->stats().discarded, 1u);
}

TEST_F(DatabasePgTest, IdleConnectionsKilledWhileIdleAreReplaced) {
  auto db = open(options(2));
  ASSERT_NE(db, nullptr);
  auto victim = db->run([](pqxx::connection& conn) { return backend_pid(conn); });
  ASSERT_TRUE(victim);
  {
    pqxx::connection admin(url_);
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend($1)", *victim);
  }
  std::this_thread::sleep_for(100ms);  // let the FATAL message reach the idle socket
  int calls = 0;
  auto pid = db->run([&](pqxx::connection& conn) {
    ++calls;
    return backend_pid(conn);
  });
  ASSERT_TRUE(pid) << pid.error().message;
  EXPECT_NE(*pid, *victim);
  EXPECT_EQ(calls, 1);  // caught at lease time, no retry needed
  EXPECT_EQ(db->stats().discarded, 1u);
}

TEST_F(DatabasePgTest, DedicatedSessionsStayOutOfThePool) {
  auto db = open(options(2));
  ASSERT_NE(db, nullptr);
  auto pooled = db->run([](pqxx::connection& conn) { return backend_pid(conn); });
  auto dedicated = db->run_dedicated([](pqxx::connection& conn) {
    pqxx::nontransaction tx(conn);
    tx.exec("SET application_name = 'dedicated'");
    return tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
  });
  ASSERT_TRUE(pooled);
  ASSERT_TRUE(dedicated) << dedicated.error().message;
  EXPECT_NE(*pooled, *dedicated);
  const auto stats = db->stats();
  EXPECT_EQ(stats.size, 1u);
  EXPECT_EQ(stats.opened, 1u);
}

TEST_F(DatabasePgTest, CloseDrainsThePoolAndRefusesLaterCalls) {
  auto db = open(options(2));
  ASSERT_NE(db, nullptr);
  Holder holder(*db);
  ASSERT_TRUE(db->ping());  // a second connection, left idle
  ASSERT_EQ(db->stats().idle, 1u);
  db->close();
  EXPECT_EQ(db->stats().idle, 0u);
  EXPECT_EQ(db->stats().in_use, 1u);

  auto after = db->ping();
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(after.error().message, "database pool: closed");

  EXPECT_TRUE(holder.release());  // the leased one finishes its work, then closes
  EXPECT_EQ(db->stats().size, 0u);
}

}  // namespace
}  // namespace regscand::storage
