// EmbeddedPostgres lifecycle with real server binaries: first start, stop, restart on an existing
// cluster (data and password persist), adopting a server a killed daemon left running, and pid files
// left by a SIGKILLed postmaster or pointing at an unrelated live process.
#include "storage/embedded_postgres.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "tests/support/pg_cluster.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::storage {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool alive(pid_t pid) {
  return pid > 0 && ::kill(pid, 0) == 0 && fs::exists("/proc/" + std::to_string(pid) + "/cwd");
}

class EmbeddedPostgresPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::chmod(dir_.path().c_str(), 0711), 0);  // the cluster user must pass through
    options_.dir = dir_.path() / "pg";
    options_.tcp_port = testing::free_tcp_port();
    options_.durable = false;
  }

  std::unique_ptr<EmbeddedPostgres> start() {
    auto pg = EmbeddedPostgres::start(options_);
    EXPECT_TRUE(pg) << pg.error().message;
    return pg ? std::move(*pg) : nullptr;
  }

  static void exec(const EmbeddedPostgres& pg, const std::string& sql) {
    pqxx::connection conn(pg.url());
    pqxx::nontransaction tx(conn);
    tx.exec("SET synchronous_commit = on");  // test clusters default to off: survive a SIGKILL
    tx.exec(sql);
  }

  static std::string query(const EmbeddedPostgres& pg, const std::string& sql) {
    pqxx::connection conn(pg.url());
    pqxx::nontransaction tx(conn);
    return tx.exec1(sql)[0].c_str();
  }

  testing::TempDir dir_;
  EmbeddedPostgres::Options options_;
};

TEST_F(EmbeddedPostgresPgTest, CreatesStopsAndRestartsKeepingData) {
  auto pg = start();
  ASSERT_NE(pg, nullptr);
  EXPECT_TRUE(pg->running());
  EXPECT_FALSE(pg->adopted());
  EXPECT_EQ(query(*pg, "SELECT current_database()"), "regscand");
  EXPECT_EQ(query(*pg, "SELECT current_setting('password_encryption')"), "scram-sha-256");
  exec(*pg, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before restart')");

  const fs::path secret = options_.dir / "secret";
  struct stat st {};
  ASSERT_EQ(::stat(secret.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_uid, ::geteuid());
  const std::string password = slurp(secret);
  EXPECT_GE(password.size(), 64u);
  EXPECT_EQ(pg->url().find(password.substr(0, 64)) != std::string::npos, true);
  for (const auto& entry : fs::directory_iterator(options_.dir)) {  // the initdb password file is gone
    EXPECT_EQ(entry.path().filename().string().find("initdb-pw"), std::string::npos) << entry.path();
  }
  if (::geteuid() == 0) {  // the cluster belongs to the unprivileged user, not root
    ASSERT_EQ(::stat(pg->data_dir().c_str(), &st), 0);
    EXPECT_NE(st.st_uid, 0u);
  }

  ASSERT_TRUE(pg->stop());
  EXPECT_FALSE(pg->running());
  EXPECT_EQ(pg->postmaster_pid(), 0);
  EXPECT_THROW(pqxx::connection{pg->url()}, pqxx::broken_connection);
  ASSERT_TRUE(pg->stop());  // stopping twice is fine

  ASSERT_TRUE(pg->start_again());
  EXPECT_EQ(query(*pg, "SELECT v FROM kept"), "before restart");
  const pid_t pid = pg->postmaster_pid();
  pg.reset();  // the destructor stops the server
  EXPECT_FALSE(alive(pid));

  // A new object on the existing cluster, Unix socket only this time: no initdb, same password.
  options_.tcp_port.reset();
  pg = start();
  ASSERT_NE(pg, nullptr);
  EXPECT_FALSE(pg->adopted());
  EXPECT_EQ(slurp(secret), password);
  EXPECT_NE(pg->url().find("host='" + (options_.dir / "run").string() + "'"), std::string::npos);
  EXPECT_EQ(query(*pg, "SELECT v FROM kept"), "before restart");
  EXPECT_EQ(query(*pg, "SELECT current_setting('listen_addresses')"), "");
}

TEST_F(EmbeddedPostgresPgTest, AdoptsTheServerAKilledDaemonLeftRunning) {
  auto first = start();
  ASSERT_NE(first, nullptr);
  const pid_t pid = first->postmaster_pid();
  ASSERT_TRUE(alive(pid));
  first->release_for_test();
  first.reset();  // "killed": nothing stops the server
  ASSERT_TRUE(alive(pid));

  auto second = start();
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(second->adopted());
  EXPECT_EQ(second->postmaster_pid(), pid);
  EXPECT_EQ(query(*second, "SELECT 1"), "1");
  second.reset();
  EXPECT_FALSE(alive(pid));  // adopted servers are stopped like our own
}

TEST_F(EmbeddedPostgresPgTest, StartsOverThePidFileOfAKilledPostmaster) {
  auto first = start();
  ASSERT_NE(first, nullptr);
  exec(*first, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives kill -9')");
  const pid_t pid = first->postmaster_pid();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  first->release_for_test();
  first.reset();
  ASSERT_TRUE(fs::exists(options_.dir / "data" / "postmaster.pid"));

  auto second = start();
  ASSERT_NE(second, nullptr);
  EXPECT_FALSE(second->adopted());
  EXPECT_NE(second->postmaster_pid(), pid);
  EXPECT_EQ(query(*second, "SELECT v FROM kept"), "survives kill -9");
}

TEST_F(EmbeddedPostgresPgTest, ReplacesAPidFileNamingAnUnrelatedProcess) {
  auto first = start();
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->stop());

  // A live process of the cluster's user whose PID sits in postmaster.pid (a PID reused after a
  // crash): PostgreSQL alone would refuse to start ("lock file already exists").
  struct stat st {};
  ASSERT_EQ(::stat(first->data_dir().c_str(), &st), 0);
  const pid_t impostor = ::fork();
  ASSERT_GE(impostor, 0);
  if (impostor == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::setgid(st.st_gid) != 0 || ::setuid(st.st_uid) != 0) {
      ::_exit(1);
    }
    ::pause();
    ::_exit(0);
  }
  const fs::path pid_file = first->data_dir() / "postmaster.pid";
  {
    std::ofstream out(pid_file);
    out << impostor << "\n" << first->data_dir().string() << "\n1700000000\n" << first->port() << "\n";
  }
  ASSERT_EQ(::chown(pid_file.c_str(), st.st_uid, st.st_gid), 0);

  auto second = start();
  EXPECT_NE(second, nullptr);
  if (second) {
    EXPECT_NE(second->postmaster_pid(), impostor);
    EXPECT_EQ(query(*second, "SELECT 1"), "1");
  }
  EXPECT_TRUE(alive(impostor));  // left alone
  ::kill(impostor, SIGKILL);
  ::waitpid(impostor, nullptr, 0);
}

}  // namespace
}  // namespace regscand::storage
