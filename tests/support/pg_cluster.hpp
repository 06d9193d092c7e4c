// A throwaway PostgreSQL cluster for *_pgtest.cpp: a TempDir, a free TCP port on 127.0.0.1 and no
// fsync. Built on storage::EmbeddedPostgres, so under root it runs as "postgres" like the daemon.
// Stopped and deleted on destruction. Starting one costs about a second: share one per test binary
// (SetUpTestSuite) and give each test its own database with create_database().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "storage/database.hpp"
#include "storage/embedded_postgres.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::testing {

class PgCluster {
 public:
  [[nodiscard]] static Result<std::unique_ptr<PgCluster>> create();

  // The superuser's conninfo for database "regscand" (created at start).
  std::string url() const { return server_->url(); }
  // Creates an empty database and returns its conninfo. AlreadyExists if the name is taken.
  [[nodiscard]] Result<std::string> create_database(std::string_view name);

  // Simulate an outage: stop() (fast shutdown) then start() again on the same data and port.
  [[nodiscard]] Result<void> stop() { return server_->stop(); }
  [[nodiscard]] Result<void> start() { return server_->start_again(); }

  std::uint16_t port() const { return server_->port(); }
  storage::EmbeddedPostgres& server() { return *server_; }

 private:
  PgCluster() = default;

  TempDir dir_;  // declared first: destroyed after the server is stopped
  std::unique_ptr<storage::EmbeddedPostgres> server_;
};

// A migrated database of its own for one test: `url` for direct SQL checks, `db` for the code under test.
struct TestDatabase {
  std::string url;
  std::unique_ptr<storage::Database> db;
};

// Creates database `name` on `cluster`, opens a pool of `pool_size` on it (2 s timeouts) and migrates it.
[[nodiscard]] Result<TestDatabase> open_test_database(PgCluster& cluster, std::string_view name,
                                                      unsigned pool_size = 4);

// "t_<test name>": a database name unique to the running GoogleTest test (parameters and suites differ).
std::string current_test_database_name();

// An unused TCP port on 127.0.0.1 (the kernel's pick; free again when this returns).
std::uint16_t free_tcp_port();

}  // namespace regscand::testing
