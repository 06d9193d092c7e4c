// Versioned schema migrations: storage/migrations/NNNN_name.sql, embedded at build time, applied in
// order, each in its own transaction, under a PostgreSQL advisory lock so replicas starting together
// apply each one exactly once. Applied versions are recorded in schema_migrations.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"
#include "storage/database.hpp"

namespace regscand::storage {

struct Migration {
  int version;            // 1, 2, 3, ... (the file's NNNN)
  std::string_view name;  // the file's snake_case name after NNNN_
  std::string_view sql;   // run as one transaction; never edited once released
};

// The migrations compiled into this binary, by ascending contiguous version starting at 1.
std::span<const Migration> embedded_migrations();

struct MigrationReport {
  int from_version = 0;      // highest version applied before this run (0: empty database)
  int to_version = 0;        // highest version applied after it
  std::vector<int> applied;  // versions this run applied, in order (empty: already up to date)
};

struct MigrationStatus {
  int applied = 0;  // highest version recorded in the database (0: none)
  int latest = 0;   // highest version embedded in this binary
  bool up_to_date() const { return applied == latest; }
};

// Applies every embedded migration the database lacks. Idempotent. FailedPrecondition when the
// database has a version newer than this binary knows (a newer regscand migrated it); other
// failures (Unavailable, Internal) leave every migration either fully applied or not at all.
[[nodiscard]] Result<MigrationReport> migrate(Database& db);

// What migrate() would find, without applying anything or taking the lock (for /readyz).
[[nodiscard]] Result<MigrationStatus> migration_status(Database& db);

// migrate() over an explicit list (tests). `migrations` must have contiguous versions from 1.
[[nodiscard]] Result<MigrationReport> migrate(Database& db, std::span<const Migration> migrations);

}  // namespace regscand::storage
