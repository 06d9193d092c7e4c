#include "storage/scan_store.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <pqxx/result>
#include <pqxx/transaction>

namespace regscand::storage {
namespace {

constexpr std::string_view kStart = "scans.start";
constexpr std::string_view kFinish = "scans.finish";
constexpr std::string_view kList = "scans.list";
constexpr std::string_view kListForJob = "scans.list_for_job";
constexpr std::string_view kColumns =
    "SELECT id, coalesce(job_id, 0), registry, repository, digest, analyzers, state,"
    " to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
    " to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), error, resolve_ms,"
    " download_ms, analyze_ms, bytes_fetched, layers_total, layers_reused, layers_fetched, kind,"
    " problems::text FROM scans";

std::string text_or_empty(const pqxx::field& field) {
  return field.is_null() ? std::string() : field.as<std::string>();
}

template <class T>
T number_or(const pqxx::field& field, T fallback) {
  return field.is_null() ? fallback : field.as<T>();
}

std::vector<ScanRecord> records(const pqxx::result& rows) {
  std::vector<ScanRecord> out;
  for (const auto& row : rows) {
    ScanRecord r;
    r.id = row[0].as<std::int64_t>();
    r.job_id = row[1].as<std::int64_t>();
    r.registry = row[2].as<std::string>();
    r.repository = row[3].as<std::string>();
    r.digest = row[4].as<std::string>();
    r.analyzers = row[5].as<std::string>();
    r.state = row[6].as<std::string>();
    r.started_at = text_or_empty(row[7]);
    r.finished_at = text_or_empty(row[8]);
    r.error = text_or_empty(row[9]);
    r.figures.resolve = std::chrono::milliseconds(number_or<std::int64_t>(row[10], 0));
    r.figures.download = std::chrono::milliseconds(number_or<std::int64_t>(row[11], 0));
    r.figures.analyze = std::chrono::milliseconds(number_or<std::int64_t>(row[12], 0));
    r.figures.bytes_fetched = number_or<std::uint64_t>(row[13], 0);
    r.figures.layers_total = number_or<int>(row[14], 0);
    r.figures.layers_reused = number_or<int>(row[15], 0);
    r.figures.layers_fetched = number_or<int>(row[16], 0);
    r.kind = row[17].as<std::string>();
    auto problems = nlohmann::json::parse(row[18].as<std::string>(), nullptr, false);
    if (problems.is_array()) r.problems = std::move(problems);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

ScanStore::ScanStore(Database& db) : db_(db) {
  db_.register_statements(
      "scan store",
      {
          {kStart,
           "INSERT INTO scans (job_id, registry, repository, digest, analyzers, kind)"
           " VALUES (nullif($1::bigint, 0), $2, $3, $4, $5, $6) RETURNING id"},
          {kFinish,
           "UPDATE scans SET state = CASE WHEN $2::text = '' THEN 'succeeded' ELSE 'failed' END,"
           " error = nullif($2::text, ''), finished_at = now(), resolve_ms = $3::bigint, download_ms = "
           "$4::bigint,"
           " analyze_ms = $5::bigint, bytes_fetched = $6::bigint, layers_total = $7::integer,"
           " layers_reused = $8::integer, layers_fetched = $9::integer, problems = $10::jsonb"
           " WHERE id = $1::bigint AND state = 'running'"},
          {kList,
           std::string(kColumns) +
               " WHERE registry = $1 AND repository = $2 AND digest = $3 ORDER BY id DESC LIMIT $4::integer"},
          {kListForJob,
           std::string(kColumns) + " WHERE job_id = $1::bigint ORDER BY id DESC LIMIT $2::integer"},
      });
}

Result<std::int64_t> ScanStore::start(const ManifestKey& key, std::int64_t job_id, std::string_view analyzers,
                                      std::string_view kind) {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto row = tx.exec_prepared1(std::string(kStart), job_id, key.registry, key.repository, key.digest,
                                       std::string(analyzers), std::string(kind));
    tx.commit();
    return row[0].as<std::int64_t>();
  });
}

Result<void> ScanStore::finish(std::int64_t id, const ScanFigures& f, std::string_view error,
                               const nlohmann::json& problems) {
  const std::string problems_text =
      problems.is_array() ? problems.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : "[]";
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(std::string(kFinish), id, std::string(error), f.resolve.count(), f.download.count(),
                     f.analyze.count(), static_cast<std::int64_t>(f.bytes_fetched), f.layers_total,
                     f.layers_reused, f.layers_fetched, problems_text);
    tx.commit();
  });
}

Result<std::vector<ScanRecord>> ScanStore::list(const ManifestKey& key, int limit) {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kList), key.registry, key.repository, key.digest, limit);
    tx.commit();
    return records(rows);
  });
}

Result<std::vector<ScanRecord>> ScanStore::list_for_job(std::int64_t job_id, int limit) {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kListForJob), job_id, limit);
    tx.commit();
    return records(rows);
  });
}

}  // namespace regscand::storage
