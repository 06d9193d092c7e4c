// A GoogleTest fixture for *_pgtest.cpp: the suite shares one throwaway PostgreSQL cluster, and each test
// gets a migrated database of its own in `url_` / `db_` (pool size from pool_size()). Derived fixtures call
// PgTest::SetUp() first in their own SetUp().
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>

#include "tests/support/pg_cluster.hpp"

namespace regscand::testing {

class PgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto cluster = PgCluster::create();
    ASSERT_TRUE(cluster) << cluster.error().message;
    cluster_ = std::move(*cluster);
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override {
    ASSERT_NE(cluster_, nullptr);
    auto opened = open_test_database(*cluster_, current_test_database_name(), pool_size());
    ASSERT_TRUE(opened) << opened.error().message;
    url_ = opened->url;
    db_ = std::move(opened->db);
  }

  virtual unsigned pool_size() const { return 4; }

  // The first column of the single row `sql` yields, on a connection of its own.
  std::int64_t count(const std::string& sql) const {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    return tx.exec1(sql)[0].as<std::int64_t>();
  }

  static inline std::unique_ptr<PgCluster> cluster_;
  std::string url_;
  std::unique_ptr<storage::Database> db_;
};

}  // namespace regscand::testing
