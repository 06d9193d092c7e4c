#include "server/database_setup.hpp"

#include <spdlog/spdlog.h>

#include "storage/migrate.hpp"

namespace regscand::server {

void OpenDatabase::close() {
  if (db) db->close();
  db.reset();
  if (!embedded) return;
  if (auto stopped = embedded->stop(); !stopped) {
    spdlog::error("embedded PostgreSQL did not stop cleanly: {}", stopped.error().message);
  }
  embedded.reset();
}

Result<OpenDatabase> open_database(const config::Config& config) {
  OpenDatabase out;
  std::string url = config.database.url;
  if (config.database.embedded_mode()) {
    const auto options = storage::EmbeddedPostgres::Options::from(config);
    spdlog::info("database.url is empty: using the embedded PostgreSQL cluster in {}", options.dir.string());
    auto embedded = storage::EmbeddedPostgres::start(options);
    if (!embedded) return std::unexpected(std::move(embedded).error());
    spdlog::info("embedded PostgreSQL {} (data {})",
                 (*embedded)->adopted() ? "adopted after an unclean stop" : "ready",
                 (*embedded)->data_dir().string());
    url = (*embedded)->url();
    out.embedded = std::move(*embedded);
  }
  auto db = storage::Database::create(storage::Database::Options::from(config.database, std::move(url)));
  if (!db) {
    out.close();
    return std::unexpected(std::move(db).error());
  }
  out.db = std::move(*db);
  return out;
}

Result<void> check_ready(storage::Database& db) {
  // Storage's messages already name the database ("database: connection lost").
  if (auto ping = db.ping(); !ping) return fail(ErrorCode::Unavailable, ping.error().message);
  auto status = storage::migration_status(db);
  if (!status) return fail(ErrorCode::Unavailable, status.error().message);
  if (!status->up_to_date()) {
    return fail(ErrorCode::Unavailable, "database schema at version " + std::to_string(status->applied) +
                                            ", this binary needs " + std::to_string(status->latest));
  }
  return {};
}

}  // namespace regscand::server
