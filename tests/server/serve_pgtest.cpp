// `regscand serve` on the embedded default, as an operator runs it: no database URL, so the daemon
// starts its own PostgreSQL cluster under data_dir/pg. Runs the real binary.
#include <signal.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "tests/support/daemon.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand {
namespace {

using std::chrono::seconds;
namespace fs = std::filesystem;

class ServeEmbedded : public ::testing::Test {
 protected:
  void SetUp() override {
    // As root the cluster runs as `postgres`, which must be able to reach the data directory.
    fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    data_dir_ = dir_.path() / "var";
    port_ = testing::free_port();
  }

  std::unique_ptr<testing::Daemon> start() {
    return std::make_unique<testing::Daemon>(
        REGSCAND_BINARY, std::vector<std::string>{"serve"},
        std::map<std::string, std::string>{{"REGSCAND_DATA_DIR", data_dir_.string()},
                                           {"REGSCAND_SERVER_LISTEN", "127.0.0.1:" + std::to_string(port_)},
                                           {"REGSCAND_LOGGING_LEVEL", "info"},
                                           {"REGSCAND_SERVER_DRAIN_DELAY", "0s"},
                                           {"REGSCAND_FEEDS_SOURCES", ""}},
        dir_.path() / "daemon.log");
  }

  pid_t postmaster_pid() const {
    std::ifstream in(data_dir_ / "pg" / "data" / "postmaster.pid");
    pid_t pid = 0;
    in >> pid;
    return pid;
  }

  bool postmaster_running() const { return fs::exists(data_dir_ / "pg" / "data" / "postmaster.pid"); }

  testing::TempDir dir_;
  fs::path data_dir_;
  std::uint16_t port_ = 0;
};

TEST_F(ServeEmbedded, StartsFromEmptyDataDirAndStopsCleanly) {
  auto daemon = start();
  ASSERT_TRUE(daemon->wait_for_status(port_, "/readyz", 200, seconds(90))) << daemon->log();
  EXPECT_TRUE(postmaster_running());
  EXPECT_TRUE(daemon->wait_for_status(port_, "/healthz", 200, seconds(5)));

  daemon->signal(SIGTERM);
  const auto code = daemon->wait(seconds(60));
  ASSERT_TRUE(code.has_value()) << "daemon did not stop on SIGTERM\n" << daemon->log();
  EXPECT_EQ(*code, 0) << daemon->log();
  EXPECT_FALSE(postmaster_running()) << "embedded cluster left running after shutdown";
  EXPECT_EQ(daemon->log().find("password="), std::string::npos) << "a secret reached the log";
}

TEST_F(ServeEmbedded, RestartsOnExistingDataDir) {
  {
    auto first = start();
    ASSERT_TRUE(first->wait_for_status(port_, "/readyz", 200, seconds(90))) << first->log();
    first->signal(SIGINT);
    ASSERT_EQ(first->wait(seconds(60)), 0) << first->log();
  }
  auto second = start();
  ASSERT_TRUE(second->wait_for_status(port_, "/readyz", 200, seconds(90))) << second->log();
  second->signal(SIGTERM);
  EXPECT_EQ(second->wait(seconds(60)), 0) << second->log();
}

TEST_F(ServeEmbedded, RecoversAfterSigkill) {
  {
    auto first = start();
    ASSERT_TRUE(first->wait_for_status(port_, "/readyz", 200, seconds(90))) << first->log();
    first->signal(SIGKILL);
    ASSERT_EQ(first->wait(seconds(30)), 128 + SIGKILL);
  }
  auto second = start();
  ASSERT_TRUE(second->wait_for_status(port_, "/readyz", 200, seconds(90))) << second->log();
  second->signal(SIGTERM);
  EXPECT_EQ(second->wait(seconds(60)), 0) << second->log();
  EXPECT_FALSE(postmaster_running());
}

// The daemon owns its cluster: when the postmaster dies, the daemon starts it again and says so.
TEST_F(ServeEmbedded, RestartsItsClusterWhenThePostmasterIsKilled) {
  auto daemon = start();
  ASSERT_TRUE(daemon->wait_for_status(port_, "/readyz", 200, seconds(90))) << daemon->log();
  const pid_t killed = postmaster_pid();
  ASSERT_GT(killed, 0);
  ASSERT_EQ(::kill(killed, SIGKILL), 0);
  const auto began = std::chrono::steady_clock::now();

  bool restarted = false;
  while (!restarted && std::chrono::steady_clock::now() - began < seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const pid_t now = postmaster_pid();
    restarted = now > 0 && now != killed && ::kill(now, 0) == 0;
  }
  ASSERT_TRUE(restarted) << "no new postmaster within 30 s\n" << daemon->log();
  ASSERT_TRUE(daemon->wait_for_status(port_, "/readyz", 200, seconds(10))) << daemon->log();
  const auto ready_after = std::chrono::steady_clock::now() - began;
  EXPECT_LT(ready_after, seconds(10))
      << "ready again only after "
      << std::chrono::duration_cast<std::chrono::milliseconds>(ready_after).count() << " ms";
  // The server accepts connections a moment before `pg_ctl start -w` returns and the restart is counted.
  std::string metrics;
  for (int i = 0; i < 100 && metrics.find("regscand_embedded_postgres_restarts_total 1") == std::string::npos;
       ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    metrics = testing::http_get(port_, "/metrics").body;
  }
  EXPECT_NE(metrics.find("regscand_embedded_postgres_restarts_total 1"), std::string::npos) << metrics;
  EXPECT_NE(daemon->log().find("is gone; starting it again"), std::string::npos) << daemon->log();

  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(seconds(60)), 0) << daemon->log();
  EXPECT_FALSE(postmaster_running()) << "the restarted cluster was left running";
}

TEST_F(ServeEmbedded, RefusesNonLoopbackWithoutTokens) {
  testing::Daemon daemon(REGSCAND_BINARY, {"serve"},
                         {{"REGSCAND_DATA_DIR", data_dir_.string()},
                          {"REGSCAND_SERVER_LISTEN", "0.0.0.0:0"},
                          {"REGSCAND_FEEDS_SOURCES", ""}},
                         dir_.path() / "refused.log");
  const auto code = daemon.wait(seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, 0);
  EXPECT_NE(daemon.log().find("auth.tokens"), std::string::npos) << daemon.log();
  EXPECT_FALSE(postmaster_running()) << "config errors must be caught before the cluster starts";
}

TEST(Migrate, AppliesOnceThenIsANoOp) {
  auto cluster = testing::PgCluster::create();
  ASSERT_TRUE(cluster) << cluster.error().message;
  testing::TempDir dir;
  const std::map<std::string, std::string> env{{"REGSCAND_DATABASE_URL", (*cluster)->url()},
                                               {"REGSCAND_AUTH_TOKENS", "ci:admin:ci-admin-token-0123456789"},
                                               {"REGSCAND_FEEDS_SOURCES", ""}};
  testing::Daemon first(REGSCAND_BINARY, {"migrate"}, env, dir.path() / "first.log");
  ASSERT_EQ(first.wait(seconds(60)), 0) << first.log();
  EXPECT_NE(first.log().find("migrated from version 0"), std::string::npos) << first.log();
  testing::Daemon second(REGSCAND_BINARY, {"migrate"}, env, dir.path() / "second.log");
  ASSERT_EQ(second.wait(seconds(60)), 0) << second.log();
  EXPECT_NE(second.log().find("up to date"), std::string::npos) << second.log();
  EXPECT_EQ(second.log().find("ci-admin-token"), std::string::npos) << "a secret reached the log";
}

}  // namespace
}  // namespace regscand
