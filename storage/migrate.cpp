#include "storage/migrate.hpp"

#include <spdlog/spdlog.h>

#include <cstdint>
#include <pqxx/pqxx>
#include <set>

#include "storage/advisory_lock.hpp"

namespace regscand::storage {
namespace {

constexpr std::string_view kCreateTable = R"(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version int PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))";

std::string label(const Migration& m) {
  char version[16];
  std::snprintf(version, sizeof version, "%04d", m.version);
  return std::string(version) + "_" + std::string(m.name);
}

int latest_version(std::span<const Migration> migrations) {
  return migrations.empty() ? 0 : migrations.back().version;
}

std::set<int> applied_versions(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  std::set<int> versions;
  for (const auto& row : tx.exec("SELECT version FROM schema_migrations")) {
    versions.insert(row[0].as<int>());
  }
  return versions;
}

// Runs under the migrations lock; idempotent (a retry on a fresh connection skips what was applied).
Result<MigrationReport> migrate_locked(pqxx::connection& conn, std::span<const Migration> migrations) {
  {
    pqxx::nontransaction tx(conn);
    tx.exec(std::string(kCreateTable));
  }
  const std::set<int> done = applied_versions(conn);
  MigrationReport report;
  report.from_version = done.empty() ? 0 : *done.rbegin();
  if (report.from_version > latest_version(migrations)) {
    return fail(ErrorCode::FailedPrecondition,
                "the database is at schema version " + std::to_string(report.from_version) +
                    " but this regscand knows only up to " + std::to_string(latest_version(migrations)) +
                    ": run a newer regscand");
  }
  for (const Migration& m : migrations) {
    if (done.contains(m.version)) {
      continue;
    }
    pqxx::work tx(conn);
    tx.exec(std::string(m.sql));
    tx.exec_params0("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version,
                    std::string(m.name));
    tx.commit();
    report.applied.push_back(m.version);
    spdlog::info("migrations: applied {}", label(m));
  }
  report.to_version = std::max(report.from_version, report.applied.empty() ? 0 : report.applied.back());
  return report;
}

}  // namespace

Result<MigrationReport> migrate(Database& db) {
  return migrate(db, embedded_migrations());
}

Result<MigrationReport> migrate(Database& db, std::span<const Migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return fail(ErrorCode::InvalidArgument,
                  "migrations: " + label(migrations[i]) + ": versions must be contiguous from 1");
    }
  }
  Result<MigrationReport> report = fail(ErrorCode::Internal, "not run");
  auto locked = with_advisory_lock(db, AdvisoryLock::Migrations, LockWait::Wait, [&] {
    report = db.run([&](pqxx::connection& conn) { return migrate_locked(conn, migrations); });
  });
  if (!locked) report = std::unexpected(std::move(locked).error());
  if (!report) {
    return std::unexpected(Error{report.error().code, "migrations: " + report.error().message});
  }
  return report;
}

Result<MigrationStatus> migration_status(Database& db) {
  MigrationStatus status;
  status.latest = latest_version(embedded_migrations());
  auto applied = db.run([](pqxx::connection& conn) {
    pqxx::nontransaction tx(conn);
    if (tx.exec1("SELECT to_regclass('schema_migrations') IS NULL")[0].as<bool>()) {
      return 0;
    }
    return tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].as<int>();
  });
  if (!applied) {
    return std::unexpected(std::move(applied).error());
  }
  status.applied = *applied;
  return status;
}

}  // namespace regscand::storage
