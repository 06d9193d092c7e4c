#include "storage/manifest_store.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <pqxx/result>
#include <pqxx/transaction>

namespace regscand::storage {
namespace {

constexpr std::string_view kGet = "manifests.get";
constexpr std::string_view kRecordResolved = "manifests.record_resolved";

std::string text_or_empty(const pqxx::field& field) {
  return field.is_null() ? std::string() : field.as<std::string>();
}

}  // namespace

ManifestStore::ManifestStore(Database& db) : db_(db) {
  db_.register_statements(
      "manifest store",
      {
          {kGet,
           "SELECT deleted_at IS NOT NULL, media_type, resolved_media_type, resolved_size, scanned_with, "
           "pull_count,"
           " to_char(last_pulled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
           " FROM manifests WHERE registry = $1 AND repository = $2 AND digest = $3"},
          {kRecordResolved,
           "UPDATE manifests SET resolved_media_type = $4, resolved_size = $5::bigint, scanned_with = $6,"
           " resolved_at = now() WHERE registry = $1 AND repository = $2 AND digest = $3 AND deleted_at IS "
           "NULL"},
      });
}

Result<std::optional<ManifestRecord>> ManifestStore::get(const ManifestKey& key) {
  return db_.run([&](pqxx::connection& conn) -> std::optional<ManifestRecord> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kGet), key.registry, key.repository, key.digest);
    tx.commit();
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    ManifestRecord record;
    record.deleted = row[0].as<bool>();
    record.media_type = text_or_empty(row[1]);
    record.resolved_media_type = text_or_empty(row[2]);
    record.resolved_size = row[3].is_null() ? -1 : row[3].as<std::int64_t>();
    record.scanned_with = text_or_empty(row[4]);
    record.pull_count = row[5].as<std::int64_t>();
    record.last_pulled_at = text_or_empty(row[6]);
    return record;
  });
}

Result<bool> ManifestStore::record_resolved(const ManifestKey& key, const Resolved& resolved) {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto result =
        tx.exec_prepared(std::string(kRecordResolved), key.registry, key.repository, key.digest,
                         resolved.media_type, resolved.size, resolved.scanned_with);
    tx.commit();
    return result.affected_rows() > 0;
  });
}

}  // namespace regscand::storage
