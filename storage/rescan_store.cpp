#include "storage/rescan_store.hpp"

#include <pqxx/result>
#include <pqxx/transaction>

#include "storage/job_queue.hpp"

namespace regscand::storage {
namespace {

constexpr std::string_view kDue = "rescan.due";
constexpr std::string_view kEnqueue = "rescan.enqueue";
constexpr std::string_view kImport = "rescan.import";
constexpr std::string_view kEnqueueSubject = "rescan.enqueue_subject";
constexpr std::string_view kRecordTag = "rescan.record_tag";
constexpr std::string_view kInventoriesOf = "rescan.inventories_of";

// $1 now (microseconds since the epoch), $2 pulled_within ms, $3 rescan_every ms, $4 pushed_within ms (0 =
// off), $5 after id, $6 limit.
constexpr std::string_view kDueSql = R"sql(
WITH c AS (SELECT timestamptz 'epoch' + $1::bigint * interval '1 microsecond' AS now)
SELECT m.id, m.registry, m.repository, m.digest FROM manifests m, c
WHERE m.deleted_at IS NULL AND m.id > $5::bigint
  AND (m.last_pulled_at >= c.now - $2::bigint * interval '1 millisecond'
       OR ($4::bigint > 0 AND m.last_pushed_at >= c.now - $4::bigint * interval '1 millisecond'))
  AND NOT EXISTS (SELECT 1 FROM scans s
                  WHERE s.registry = m.registry AND s.repository = m.repository AND s.digest = m.digest
                    AND s.started_at > c.now - $3::bigint * interval '1 millisecond')
  AND NOT EXISTS (SELECT 1 FROM jobs j
                  WHERE j.registry = m.registry AND j.repository = m.repository AND j.digest = m.digest
                    AND j.state IN ('queued', 'running'))
ORDER BY m.id LIMIT $6::integer
)sql";

// $1..$3 the manifest, $4 kind, $5 priority, $6 max attempts, $7 channel.
constexpr std::string_view kEnqueueSql = R"sql(
WITH j AS (
  INSERT INTO jobs (kind, registry, repository, digest, priority, max_attempts)
  SELECT $4::text, m.registry, m.repository, m.digest, $5::integer, $6::integer FROM manifests m
  WHERE m.registry = $1::text AND m.repository = $2::text AND m.digest = $3::text AND m.deleted_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM jobs a
                    WHERE a.registry = m.registry AND a.repository = m.repository AND a.digest = m.digest
                      AND a.state IN ('queued', 'running'))
  ON CONFLICT (kind, registry, repository, digest) WHERE state IN ('queued', 'running') DO NOTHING
  RETURNING id, kind
)
SELECT id, pg_notify($7::text, kind) FROM j
)sql";

// $1..$3 the manifest, $4 tag ('' = none), $5 kind, $6 priority, $7 max attempts, $8 channel, $9 scanned
// since ('' = always queue). `fresh` reads the manifest as it was before this statement.
constexpr std::string_view kImportSql = R"sql(
WITH m AS (
  INSERT INTO manifests (registry, repository, digest) VALUES ($1::text, $2::text, $3::text)
  ON CONFLICT (registry, repository, digest) DO UPDATE SET deleted_at = NULL
  RETURNING registry, repository, digest
), t AS (
  INSERT INTO tags (registry, repository, tag, digest)
  SELECT registry, repository, $4::text, digest FROM m WHERE $4::text <> ''
  ON CONFLICT (registry, repository, tag) DO UPDATE SET digest = excluded.digest, updated_at = now()
    WHERE tags.digest IS DISTINCT FROM excluded.digest
  RETURNING tag
), active AS (
  SELECT id FROM jobs
  WHERE registry = $1::text AND repository = $2::text AND digest = $3::text AND state IN ('queued', 'running')
  ORDER BY id LIMIT 1
), fresh AS (
  SELECT 0::bigint AS id FROM manifests
  WHERE registry = $1::text AND repository = $2::text AND digest = $3::text AND $9::text <> ''
    AND scanned_with IS NOT NULL AND resolved_at >= $9::timestamptz
), j AS (
  INSERT INTO jobs (kind, registry, repository, digest, priority, max_attempts)
  SELECT $5::text, registry, repository, digest, $6::integer, $7::integer FROM m
  WHERE NOT EXISTS (SELECT 1 FROM active) AND NOT EXISTS (SELECT 1 FROM fresh)
  ON CONFLICT (kind, registry, repository, digest) WHERE state IN ('queued', 'running') DO NOTHING
  RETURNING id, kind
)
SELECT id, true, pg_notify($8::text, kind) FROM j
UNION ALL
SELECT id, false, '' FROM active
UNION ALL
SELECT id, false, '' FROM fresh WHERE NOT EXISTS (SELECT 1 FROM active)
)sql";

// $1..$3 the manifest, $4 tag.
constexpr std::string_view kRecordTagSql = R"sql(
INSERT INTO tags (registry, repository, tag, digest) VALUES ($1::text, $2::text, $4::text, $3::text)
ON CONFLICT (registry, repository, tag) DO UPDATE SET digest = excluded.digest, updated_at = now()
  WHERE tags.digest IS DISTINCT FROM excluded.digest
)sql";

// $1..$3 the subject, $4 kind, $5 priority, $6 max attempts, $7 channel.
constexpr std::string_view kEnqueueSubjectSql = R"sql(
WITH j AS (
  INSERT INTO jobs (kind, registry, repository, digest, priority, max_attempts)
  VALUES ($4::text, $1::text, $2::text, $3::text, $5::integer, $6::integer)
  ON CONFLICT (kind, registry, repository, digest) WHERE state IN ('queued', 'running') DO NOTHING
  RETURNING id, kind
)
SELECT id, true, pg_notify($7::text, kind) FROM j
UNION ALL
SELECT id, false, '' FROM jobs
WHERE kind = $4::text AND registry = $1::text AND repository = $2::text AND digest = $3::text
  AND state IN ('queued', 'running') AND NOT EXISTS (SELECT 1 FROM j)
)sql";

constexpr std::string_view kInventoriesOfSql = R"sql(
SELECT digest FROM image_inventories WHERE registry = $1 AND repository = $2 AND digest = $3
UNION
SELECT digest FROM image_inventories WHERE registry = $1 AND repository = $2 AND index_digest = $3
ORDER BY 1
)sql";

Result<void> check_key(const ManifestKey& key) {
  if (key.registry.empty() || key.repository.empty() || key.digest.empty()) {
    return fail(ErrorCode::InvalidArgument, "registry, repository and digest must not be empty");
  }
  return {};
}

}  // namespace

std::int64_t epoch_micros(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

RescanStore::RescanStore(Database& db) : db_(db) {
  db_.register_statements("rescan store", {
                                              {kDue, kDueSql},
                                              {kEnqueue, kEnqueueSql},
                                              {kImport, kImportSql},
                                              {kEnqueueSubject, kEnqueueSubjectSql},
                                              {kRecordTag, kRecordTagSql},
                                              {kInventoriesOf, kInventoriesOfSql},
                                          });
}

Result<std::vector<DueImage>> RescanStore::due(const DueCriteria& c, std::int64_t after_id, int limit) {
  if (limit < 1) return fail(ErrorCode::InvalidArgument, "limit must be at least 1");
  return db_.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    const auto rows = tx.exec_prepared(std::string(kDue), epoch_micros(c.now),
                                       static_cast<std::int64_t>(c.pulled_within.count()),
                                       static_cast<std::int64_t>(c.rescan_every.count()),
                                       static_cast<std::int64_t>(c.pushed_within.count()), after_id, limit);
    std::vector<DueImage> out;
    out.reserve(rows.size());
    for (const auto& row : rows) {
      out.push_back({row[0].as<std::int64_t>(),
                     {row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()}});
    }
    return out;
  });
}

Result<std::optional<std::int64_t>> RescanStore::enqueue(const ManifestKey& key, std::string_view kind,
                                                         int priority, int max_attempts) {
  if (auto ok = check_key(key); !ok) return std::unexpected(std::move(ok).error());
  return db_.run([&](pqxx::connection& conn) -> std::optional<std::int64_t> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kEnqueue), key.registry, key.repository, key.digest,
                                       std::string(kind), priority, max_attempts, std::string(kJobsChannel));
    tx.commit();
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::int64_t>();
  });
}

Result<Imported> RescanStore::import(const ManifestKey& key, std::string_view tag, std::string_view kind,
                                     int priority, int max_attempts, std::string_view scanned_since) {
  if (auto ok = check_key(key); !ok) return std::unexpected(std::move(ok).error());
  return db_.run([&](pqxx::connection& conn) -> Result<Imported> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kImport), key.registry, key.repository, key.digest,
                                       std::string(tag), std::string(kind), priority, max_attempts,
                                       std::string(kJobsChannel), std::string(scanned_since));
    tx.commit();
    if (rows.empty()) return fail(ErrorCode::Internal, "import queued no job");
    return Imported{rows[0][0].as<std::int64_t>(), rows[0][1].as<bool>()};
  });
}

Result<void> RescanStore::record_tag(const ManifestKey& key, std::string_view tag) {
  if (auto ok = check_key(key); !ok) return std::unexpected(std::move(ok).error());
  if (tag.empty()) return fail(ErrorCode::InvalidArgument, "tag must not be empty");
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared0(std::string(kRecordTag), key.registry, key.repository, key.digest, std::string(tag));
    tx.commit();
  });
}

Result<Imported> RescanStore::enqueue_subject(const ManifestKey& subject, std::string_view kind, int priority,
                                              int max_attempts) {
  if (auto ok = check_key(subject); !ok) return std::unexpected(std::move(ok).error());
  return db_.run([&](pqxx::connection& conn) -> Result<Imported> {
    pqxx::work tx(conn);
    const auto rows =
        tx.exec_prepared(std::string(kEnqueueSubject), subject.registry, subject.repository, subject.digest,
                         std::string(kind), priority, max_attempts, std::string(kJobsChannel));
    tx.commit();
    if (rows.empty()) return fail(ErrorCode::Unavailable, "the active job finished meanwhile; try again");
    return Imported{rows[0][0].as<std::int64_t>(), rows[0][1].as<bool>()};
  });
}

Result<std::vector<ManifestKey>> RescanStore::inventories_of(const ManifestKey& key) {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    const auto rows = tx.exec_prepared(std::string(kInventoriesOf), key.registry, key.repository, key.digest);
    std::vector<ManifestKey> out;
    for (const auto& row : rows) out.push_back({key.registry, key.repository, row[0].as<std::string>()});
    return out;
  });
}

}  // namespace regscand::storage
