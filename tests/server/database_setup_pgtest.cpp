// /readyz over a real PostgreSQL: ready when the database answers and is migrated, 503 with the reason
// while it is down or behind, ready again when it returns (the pool reconnects by itself).
#include "server/database_setup.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/api/health.hpp"
#include "storage/migrate.hpp"
#include "tests/server/test_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg_cluster.hpp"

namespace regscand::testing {
namespace {

class Readiness : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = PgCluster::create();
    ASSERT_TRUE(cluster) << cluster.error().message;
    cluster_ = std::move(*cluster);
    storage::Database::Options options;
    options.url = cluster_->url();
    options.pool_size = 2;
    options.acquire_timeout = std::chrono::seconds(2);
    options.connect_timeout = std::chrono::seconds(2);
    auto db = storage::Database::create(options);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    server::api::add_health_routes(server_.router, [this] { return server::check_ready(*db_); });
    server_.start();
  }

  std::string reason() {
    auto res = http_get(server_.port(), "/readyz");
    EXPECT_EQ(res.status, 503) << res.body;
    return nlohmann::json::parse(res.body)["error"]["message"].get<std::string>();
  }

  std::unique_ptr<PgCluster> cluster_;
  std::unique_ptr<storage::Database> db_;
  TestServer server_;
};

TEST_F(Readiness, NotReadyUntilMigrated) {
  EXPECT_NE(reason().find("schema at version 0"), std::string::npos);
  ASSERT_TRUE(storage::migrate(*db_));
  EXPECT_EQ(http_get(server_.port(), "/readyz").status, 200);
}

TEST_F(Readiness, FlipsTo503WhileTheDatabaseIsDownAndBack) {
  ASSERT_TRUE(storage::migrate(*db_));
  ASSERT_EQ(http_get(server_.port(), "/readyz").status, 200);

  ASSERT_TRUE(cluster_->stop());
  const std::string down = reason();
  EXPECT_TRUE(down.starts_with("database")) << down;
  EXPECT_FALSE(down.starts_with("database: database")) << down;
  EXPECT_EQ(http_get(server_.port(), "/healthz").status, 200) << "liveness does not depend on the database";

  ASSERT_TRUE(cluster_->start());
  EXPECT_EQ(http_get(server_.port(), "/readyz").status, 200);
}

}  // namespace
}  // namespace regscand::testing
