// Opens the daemon's database: the configured URL, or (database.url empty) the embedded cluster under
// data_dir/pg, started or adopted first. Used by `serve` and `migrate`.
#pragma once

#include <memory>

#include "config/config.hpp"
#include "storage/database.hpp"
#include "storage/embedded_postgres.hpp"

namespace regscand::server {

struct OpenDatabase {
  std::unique_ptr<storage::EmbeddedPostgres> embedded;  // null with an external database.url
  std::unique_ptr<storage::Database> db;

  // Closes the pool, then stops the embedded cluster (if any). Errors are logged.
  void close();
};

// Errors name their origin ("database: ...", "embedded PostgreSQL: ...").
[[nodiscard]] Result<OpenDatabase> open_database(const config::Config& config);

// Readiness: the database answers and every embedded migration is applied.
[[nodiscard]] Result<void> check_ready(storage::Database& db);

}  // namespace regscand::server
