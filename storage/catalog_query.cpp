#include "storage/catalog_query.hpp"

#include <pqxx/transaction>
#include <utility>

#include "storage/api_sql.hpp"

namespace regscand::storage {
namespace {

namespace sql = api_sql;

constexpr std::string_view kSummary = "catalog.summary";
constexpr std::string_view kRepositories = "catalog.repositories";
constexpr std::string_view kRepositoryImages = "catalog.repository_images";
constexpr std::string_view kImage = "catalog.image";
constexpr std::string_view kResolveImage = "catalog.resolve_image";
constexpr std::string_view kImagePackages = "catalog.image_packages";

constexpr std::string_view kRepositoriesTag = "repositories";
constexpr std::string_view kRepositoryImagesTag = "repository_images";
constexpr std::string_view kPackagesTag = "packages";

std::string summary_sql() {
  std::string by_severity = "jsonb_build_object(";
  bool first = true;
  for (const std::string_view name : {"Critical", "High", "Medium", "Low", "Negligible", "Unknown"}) {
    std::string lower(name);
    lower[0] = static_cast<char>(lower[0] - 'A' + 'a');
    const std::string is = "severity = '" + std::string(name) + "'";
    by_severity += (first ? "'" : ", '") + lower + "', jsonb_build_object('total', count(*) FILTER (WHERE " +
                   is + "), 'fixable', count(*) FILTER (WHERE " + is + " AND fix_state = 'fixed'))";
    first = false;
  }
  by_severity += ")";
  return R"sql(
SELECT jsonb_build_object(
  'as_of', )sql" +
         sql_time("now()") + R"sql(,
  'images', jsonb_build_object(
    'total', (SELECT count(*) FROM manifests WHERE deleted_at IS NULL),
    'inventoried', (SELECT count(*) FROM image_inventories),
    'with_problems', (SELECT count(*) FROM image_inventories WHERE problems <> '[]'::jsonb),
    'with_findings', (SELECT count(*) FROM image_inventories i WHERE EXISTS (
                        SELECT 1 FROM findings f WHERE f.inventory_id = i.id AND f.resolved_at IS NULL)),
    'scanned_last_24h', (SELECT count(DISTINCT (registry, repository, digest)) FROM scans
                         WHERE state = 'succeeded' AND finished_at > now() - interval '24 hours')),
  'findings', (SELECT jsonb_build_object('total', count(*), 'fixable', count(*) FILTER (WHERE fix_state = 'fixed'),
                                         'by_severity', )sql" +
         by_severity + R"sql()
               FROM findings WHERE resolved_at IS NULL),
  'queue', (SELECT jsonb_build_object('queued', count(*) FILTER (WHERE state = 'queued'),
                                      'running', count(*) FILTER (WHERE state = 'running'))
            FROM jobs WHERE state IN ('queued', 'running')),
  'feeds', (SELECT coalesce(jsonb_agg(jsonb_build_object('source', source, 'kind', kind,
                     'records', record_count, 'last_success_at', )sql" +
         sql_time("last_success_at") + ", 'last_checked_at', " + sql_time("last_checked_at") +
         ", 'last_attempt_at', " + sql_time("last_attempt_at") + R"sql(,
                     'last_error', last_error) ORDER BY source), '[]'::jsonb) FROM feed_sources),
  'oldest_scan_of_recently_pulled', (
    SELECT jsonb_build_object('registry', m.registry, 'repository', m.repository, 'digest', m.digest,
                              'last_pulled_at', )sql" +
         sql_time("m.last_pulled_at") + ", 'last_scanned_at', " + sql_time("s.at") + R"sql()
    FROM manifests m
    LEFT JOIN LATERAL (SELECT max(finished_at) AS at FROM scans s
                       WHERE s.registry = m.registry AND s.repository = m.repository AND s.digest = m.digest
                         AND s.state = 'succeeded') s ON true
    WHERE m.deleted_at IS NULL AND m.last_pulled_at > now() - interval '30 days'
    ORDER BY s.at ASC NULLS FIRST, m.id
    LIMIT 1)
)::text
)sql";
}

// $1 registry ('' = any), $2 has cursor, $3 $4 cursor (registry, repository), $5 limit.
std::string repositories_sql() {
  return R"sql(
WITH r AS (
  SELECT registry, repository, count(*) AS images, max(last_pushed_at) AS last_pushed,
         max(last_pulled_at) AS last_pulled
  FROM manifests
  WHERE deleted_at IS NULL AND ($1::text = '' OR registry = $1::text)
    AND (NOT $2::boolean OR (registry, repository) > ($3::text, $4::text))
  GROUP BY registry, repository
  ORDER BY registry, repository
  LIMIT $5::integer
)
SELECT jsonb_build_object('registry', r.registry, 'repository', r.repository, 'images', r.images,
         'tags', (SELECT count(*) FROM tags t WHERE t.registry = r.registry AND t.repository = r.repository),
         'worst_severity', c.worst, 'counts', c.counts,
         'last_pushed_at', )sql" +
         sql_time("r.last_pushed") + ", 'last_pulled_at', " + sql_time("r.last_pulled") + R"sql()::text,
       r.registry, r.repository
FROM r
CROSS JOIN LATERAL (
  SELECT )sql" +
         sql::summed_severity_counts("c") + R"sql(
  FROM image_finding_counts c WHERE c.registry = r.registry AND c.repository = r.repository) c(counts, worst)
ORDER BY r.registry, r.repository
)sql";
}

// $1 repository, $2 registry ('' = any), $3 has cursor, $4 cursor (manifest id), $5 limit.
std::string repository_images_sql() {
  return R"sql(
SELECT jsonb_build_object('registry', m.registry, 'repository', m.repository, 'digest', m.digest,
         'tags', )sql" +
         sql::tags_of("m") + R"sql(,
         'media_type', coalesce(m.resolved_media_type, m.media_type), 'platform', i.platform,
         'index_digest', i.index_digest, 'os', d.pretty_name,
         'first_pushed_at', )sql" +
         sql_time("m.first_pushed_at") + ", 'pushed_at', " + sql_time("m.last_pushed_at") +
         ", 'pulled_at', " + sql_time("m.last_pulled_at") + R"sql(,
         'scan', (SELECT jsonb_build_object('id', s.id, 'state', s.state, 'started_at', )sql" +
         sql_time("s.started_at") + ", 'finished_at', " + sql_time("s.finished_at") + R"sql()
                  FROM scans s WHERE s.registry = m.registry AND s.repository = m.repository
                    AND s.digest = m.digest ORDER BY s.id DESC LIMIT 1),
         'counts', (SELECT )sql" +
         sql::severity_counts("f") +
         R"sql( FROM findings f WHERE f.inventory_id = i.id AND f.resolved_at IS NULL)
       )::text,
       m.id
FROM manifests m
LEFT JOIN image_inventories i ON i.registry = m.registry AND i.repository = m.repository AND i.digest = m.digest
LEFT JOIN distributions d ON d.id = i.distribution_id
WHERE m.repository = $1::text AND ($2::text = '' OR m.registry = $2::text) AND m.deleted_at IS NULL
  AND (NOT $3::boolean OR m.id < $4::bigint)
ORDER BY m.id DESC
LIMIT $5::integer
)sql";
}

// $1 digest.
std::string image_sql() {
  return R"sql(
WITH refs AS (SELECT * FROM manifests WHERE digest = $1::text),
inv AS (SELECT * FROM image_inventories WHERE digest = $1::text ORDER BY updated_at DESC, id DESC LIMIT 1),
matched AS (SELECT greatest(inv.updated_at, (SELECT max(f.last_seen) FROM findings f WHERE f.inventory_id = inv.id))
              AS at FROM inv)
SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM refs) AND inv.id IS NULL THEN NULL ELSE jsonb_build_object(
  'digest', $1::text,
  'references', (SELECT coalesce(jsonb_agg(jsonb_build_object('registry', m.registry, 'repository', m.repository,
                   'tags', )sql" +
         sql::tags_of("m") + R"sql(, 'media_type', coalesce(m.resolved_media_type, m.media_type),
                   'size', coalesce(m.resolved_size, m.size), 'quarantined', m.quarantined,
                   'first_pushed_at', )sql" +
         sql_time("m.first_pushed_at") + ", 'pushed_at', " + sql_time("m.last_pushed_at") +
         ", 'pulled_at', " + sql_time("m.last_pulled_at") + ", 'pull_count', m.pull_count, 'deleted_at', " +
         sql_time("m.deleted_at") +
         R"sql() ORDER BY m.registry, m.repository), '[]'::jsonb) FROM refs m),
  'inventory', CASE WHEN inv.id IS NULL THEN NULL ELSE jsonb_build_object(
    'registry', inv.registry, 'repository', inv.repository, 'analyzers', inv.analyzers,
    'package_count', inv.package_count, 'updated_at', )sql" +
         sql_time("inv.updated_at") + R"sql() END,
  'platform', inv.platform,
  'index_digest', inv.index_digest,
  'problems', coalesce(inv.problems, '[]'::jsonb),
  'platforms', (SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('digest', c.digest, 'platform', c.platform)),
                                '[]'::jsonb)
                FROM image_inventories c WHERE c.index_digest = $1::text),
  'distribution', (SELECT jsonb_build_object('id', d.did, 'version_id', d.version_id,
                     'version_codename', d.version_codename, 'pretty_name', d.pretty_name, 'distroless', d.distroless)
                   FROM distributions d WHERE d.id = inv.distribution_id),
  'layers', (SELECT coalesce(jsonb_agg(jsonb_build_object('position', l.position, 'digest', l.digest,
                     'packages', (SELECT count(*) FROM image_packages ip
                                  WHERE ip.inventory_id = l.inventory_id AND ip.layer = l.position))
                   ORDER BY l.position), '[]'::jsonb)
             FROM image_layers l WHERE l.inventory_id = inv.id),
  'scans', (SELECT coalesce(jsonb_agg(x.doc ORDER BY x.id DESC), '[]'::jsonb) FROM (
              SELECT s.id, jsonb_build_object('id', s.id, 'registry', s.registry, 'repository', s.repository,
                'state', s.state, 'analyzers', s.analyzers, 'started_at', )sql" +
         sql_time("s.started_at") + ", 'finished_at', " + sql_time("s.finished_at") + R"sql(,
                'layers_total', s.layers_total, 'layers_reused', s.layers_reused, 'layers_fetched', s.layers_fetched,
                'bytes_fetched', s.bytes_fetched, 'error', s.error, 'problems', s.problems) AS doc
              FROM scans s WHERE s.digest = $1::text ORDER BY s.id DESC LIMIT 20) x),
  'counts', (SELECT )sql" +
         sql::severity_counts("f") +
         R"sql( FROM findings f WHERE f.inventory_id = inv.id AND f.resolved_at IS NULL),
  'last_matched_at', )sql" +
         sql_time("(SELECT at FROM matched)") + R"sql(,
  'feeds', (SELECT coalesce(jsonb_agg(jsonb_build_object('source', fs.source, 'kind', fs.kind,
              'last_success_at', )sql" +
         sql_time("fs.last_success_at") + R"sql(,
              'imported_before_last_match', fs.last_success_at <= (SELECT at FROM matched))
              ORDER BY fs.source), '[]'::jsonb) FROM feed_sources fs)
) END::text
FROM (SELECT 1) one LEFT JOIN inv ON true
)sql";
}

constexpr std::string_view kResolveImageSql = R"sql(
SELECT EXISTS (SELECT 1 FROM manifests WHERE digest = $1::text),
       (SELECT id FROM image_inventories WHERE digest = $1::text ORDER BY updated_at DESC, id DESC LIMIT 1)
)sql";

// $1 inventory, $2 language ecosystems, $3 type ('' | os | language), $4 name, $5 has cursor,
// $6 $7 $8 cursor (name, package id, path), $9 limit.
std::string image_packages_sql() {
  return R"sql(
SELECT jsonb_build_object('name', p.name, 'version', p.version, 'ecosystem', p.ecosystem,
         'type', )sql" +
         sql::package_type("p", "$2") + R"sql(, 'arch', nullif(p.arch, ''),
         'source_name', p.source_name, 'source_version', p.source_version, 'module', nullif(p.module, ''),
         'path', ip.path, 'layer', jsonb_build_object('position', ip.layer, 'digest', l.digest),
         'vulnerabilities', (SELECT count(*) FROM findings f WHERE f.inventory_id = ip.inventory_id
                               AND f.package_id = ip.package_id AND f.path = ip.path AND f.resolved_at IS NULL)
       )::text,
       p.name, ip.package_id, ip.path
FROM image_packages ip
JOIN packages p ON p.id = ip.package_id
LEFT JOIN image_layers l ON l.inventory_id = ip.inventory_id AND l.position = ip.layer
WHERE ip.inventory_id = $1::bigint
  AND ($3::text = '' OR ($3::text = 'language') = (p.ecosystem = ANY($2::text[])))
  AND ($4::text = '' OR p.name = $4::text OR p.source_name = $4::text)
  AND (NOT $5::boolean OR (p.name, ip.package_id, ip.path) > ($6::text, $7::bigint, $8::text))
ORDER BY p.name, ip.package_id, ip.path
LIMIT $9::integer
)sql";
}

}  // namespace

std::string_view language_ecosystems_literal() {
  return "{gem,npm,pypi}";
}

CatalogQuery::CatalogQuery(Database& db) : db_(db) {
  const std::string summary = summary_sql();
  const std::string repositories = repositories_sql();
  const std::string repository_images = repository_images_sql();
  const std::string image = image_sql();
  const std::string packages = image_packages_sql();
  db_.register_statements("catalog query", {{kSummary, summary},
                                            {kRepositories, repositories},
                                            {kRepositoryImages, repository_images},
                                            {kImage, image},
                                            {kResolveImage, kResolveImageSql},
                                            {kImagePackages, packages}});
}

Result<nlohmann::json> CatalogQuery::summary() {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    const auto row = tx.exec_prepared1(std::string(kSummary));
    return nlohmann::json::parse(row[0].as<std::string>());
  });
}

Result<Page> CatalogQuery::repositories(const std::string& registry, std::string_view cursor, int limit) {
  if (auto ok = check_page_limit(limit); !ok) {
    return std::unexpected(ok.error());
  }
  auto keys = cursor_keys(cursor, kRepositoriesTag, "tt");
  if (!keys) {
    return std::unexpected(keys.error());
  }
  return db_.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    const auto rows = tx.exec_prepared(std::string(kRepositories), registry, !cursor.empty(), (*keys)[0],
                                       (*keys)[1], limit + 1);
    return page_from_rows(rows, static_cast<std::size_t>(limit), kRepositoriesTag);
  });
}

Result<Page> CatalogQuery::repository_images(const std::string& registry, const std::string& repository,
                                             std::string_view cursor, int limit) {
  if (auto ok = check_page_limit(limit); !ok) {
    return std::unexpected(ok.error());
  }
  auto keys = cursor_keys(cursor, kRepositoryImagesTag, "i");
  if (!keys) {
    return std::unexpected(keys.error());
  }
  const std::string before = cursor.empty() ? "0" : (*keys)[0];
  return db_.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    const auto rows = tx.exec_prepared(std::string(kRepositoryImages), repository, registry, !cursor.empty(),
                                       before, limit + 1);
    return page_from_rows(rows, static_cast<std::size_t>(limit), kRepositoryImagesTag);
  });
}

Result<std::optional<nlohmann::json>> CatalogQuery::image(const std::string& digest) {
  return db_.run([&](pqxx::connection& conn) -> std::optional<nlohmann::json> {
    pqxx::read_transaction tx(conn);
    const auto row = tx.exec_prepared1(std::string(kImage), digest);
    if (row[0].is_null()) {
      return std::nullopt;
    }
    return nlohmann::json::parse(row[0].as<std::string>());
  });
}

Result<ImageRef> CatalogQuery::resolve_image(const std::string& digest) {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    const auto row = tx.exec_prepared1(std::string(kResolveImage), digest);
    ImageRef ref;
    if (!row[1].is_null()) {
      ref.inventory_id = row[1].as<std::int64_t>();
    }
    ref.known = row[0].as<bool>() || ref.inventory_id.has_value();
    return ref;
  });
}

Result<Page> CatalogQuery::image_packages(std::int64_t inventory_id, const PackageFilter& filter,
                                          std::string_view cursor, int limit) {
  if (auto ok = check_page_limit(limit); !ok) {
    return std::unexpected(ok.error());
  }
  auto keys = cursor_keys(cursor, kPackagesTag, "tit");
  if (!keys) {
    return std::unexpected(keys.error());
  }
  const std::string package_id = cursor.empty() ? "0" : (*keys)[1];
  return db_.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    const auto rows =
        tx.exec_prepared(std::string(kImagePackages), inventory_id,
                         std::string(language_ecosystems_literal()), std::string(sql::type_name(filter.type)),
                         filter.name, !cursor.empty(), (*keys)[0], package_id, (*keys)[2], limit + 1);
    return page_from_rows(rows, static_cast<std::size_t>(limit), kPackagesTag);
  });
}

}  // namespace regscand::storage
