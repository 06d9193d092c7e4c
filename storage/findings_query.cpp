#include "storage/findings_query.hpp"

#include <array>
#include <pqxx/transaction>
#include <utility>

#include "storage/api_sql.hpp"

namespace regscand::storage {
namespace {

namespace sql = api_sql;

constexpr std::array<std::string_view, 4> kImageFindings{
    "findings_query.image_findings_by_severity", "findings_query.image_findings_by_cvss",
    "findings_query.image_findings_by_vulnerability", "findings_query.image_findings_by_package"};
constexpr std::string_view kFeed = "findings_query.findings";
constexpr std::string_view kEvents = "findings_query.events";
constexpr std::string_view kAdvisories = "findings_query.advisories_naming";
constexpr std::string_view kExposure = "findings_query.count_exposure";
constexpr std::string_view kVulnerabilityImages = "findings_query.vulnerability_images";

constexpr std::string_view kImageFindingsTag = "image_findings";
constexpr std::string_view kFeedTag = "findings";
constexpr std::string_view kEventsTag = "events2";  // (xid, id) since migration 0014; was "events" (id)
constexpr std::string_view kVulnerabilityImagesTag = "vulnerability_images";

std::string cvss_json(std::string_view f) {
  const std::string p(f);
  return "CASE WHEN " + p + ".cvss_score IS NULL THEN NULL ELSE jsonb_build_object('score', " + p +
         ".cvss_score, 'vector', " + p + ".cvss_vector) END";
}

// The sort key (k0 bigint, k1 text, k2 text) of each FindingSort, before (package_id, path).
std::array<std::string, 3> sort_key(FindingSort sort) {
  switch (sort) {
    case FindingSort::Severity:
      return {"-" + sql::severity_rank("f.severity"), "f.vulnerability", "p.name"};
    case FindingSort::Cvss:
      return {"-coalesce(round(f.cvss_score::numeric * 10), -1)", "f.vulnerability", "p.name"};
    case FindingSort::Vulnerability:
      return {"0", "f.vulnerability", "p.name"};
    case FindingSort::Package:
      break;
  }
  return {"0", "p.name", "f.vulnerability"};
}

// $1 inventory, $2 language ecosystems, $3 severities, $4 fixable ('' | true | false), $5 package, $6 type,
// $7 has cursor, $8..$12 cursor (k0, k1, k2, package id, path), $13 limit.
std::string image_findings_sql(FindingSort sort) {
  const auto key = sort_key(sort);
  // The image's findings first, always: with the optional filters a generic plan of the prepared statement
  // estimated 8 packages and probed the findings index once per package of the catalog. The introducing
  // layer is looked up, and the JSON built, for the page's rows only.
  return R"sql(
WITH f AS MATERIALIZED (SELECT * FROM findings WHERE inventory_id = $1::bigint AND resolved_at IS NULL),
page AS (
  SELECT f.*, p.name AS p_name, p.version AS p_version, p.ecosystem AS p_ecosystem,
         p.source_name AS p_source_name, )sql" +
         sql::package_type("p", "$2") + R"sql( AS p_type, k.k0, k.k1, k.k2, k.k3, k.k4
  FROM f
  JOIN packages p ON p.id = f.package_id
  CROSS JOIN LATERAL (SELECT ()sql" +
         key[0] + ")::bigint AS k0, (" + key[1] + ")::text AS k1, (" + key[2] + R"sql()::text AS k2,
                             f.package_id AS k3, f.path AS k4) k
  WHERE (cardinality($3::text[]) = 0 OR f.severity = ANY($3::text[]))
    AND ($4::text = '' OR ($4::text = 'true') = (f.fix_state = 'fixed'))
    AND ($5::text = '' OR p.name = $5::text OR p.source_name = $5::text)
    AND ($6::text = '' OR ($6::text = 'language') = (p.ecosystem = ANY($2::text[])))
    AND (NOT $7::boolean
         OR (k.k0, k.k1, k.k2, k.k3, k.k4) > ($8::bigint, $9::text, $10::text, $11::bigint, $12::text))
  ORDER BY k.k0, k.k1, k.k2, k.k3, k.k4
  LIMIT $13::integer
)
SELECT jsonb_build_object('vulnerability', f.vulnerability, 'severity', lower(f.severity),
         'severity_source', f.severity_source, 'cvss', )sql" +
         cvss_json("f") + R"sql(,
         'fixable', f.fix_state = 'fixed', 'fix_state', f.fix_state, 'fixed_version', nullif(f.fixed_version, ''),
         'remediation', f.remediation, 'aliases', f.aliases, 'references', f.refs, 'sources', f.sources,
         'package', jsonb_build_object('name', f.p_name, 'version', f.p_version, 'ecosystem', f.p_ecosystem,
           'type', f.p_type, 'source_name', f.p_source_name, 'path', f.path,
           'layer', jsonb_build_object('position', ip.layer, 'digest', l.digest)),
         'first_seen', )sql" +
         sql_time("f.first_seen") + ", 'last_seen', " + sql_time("f.last_seen") + R"sql()::text,
       f.k0, f.k1, f.k2, f.k3, f.k4
FROM page f
LEFT JOIN image_packages ip ON ip.inventory_id = f.inventory_id AND ip.package_id = f.package_id AND ip.path = f.path
LEFT JOIN image_layers l ON l.inventory_id = f.inventory_id AND l.position = ip.layer
ORDER BY f.k0, f.k1, f.k2, f.k3, f.k4
)sql";
}

// $1 status (open | resolved | any), $2 severities, $3 registry, $4 repository, $5 since, $6 has cursor,
// $7..$10 cursor (inventory, package, path, vulnerability), $11 limit, $12 language ecosystems.
// The page's keys come first (two tables); each item's image and package details are subqueries of the
// page's rows. As one eight-table join, the plan took 5.7 ms to make for a 3 ms run, on every request
// (custom plans: a generic plan guesses LIMIT $11 at 10 % of the rows); this way 0.7 ms.
std::string feed_sql() {
  return R"sql(
WITH page AS MATERIALIZED (
  SELECT f.* FROM findings f JOIN image_inventories i ON i.id = f.inventory_id
  WHERE ($1::text = 'any' OR ($1::text = 'open') = (f.resolved_at IS NULL))
    AND (cardinality($2::text[]) = 0 OR f.severity = ANY($2::text[]))
    AND ($3::text = '' OR i.registry = $3::text)
    AND ($4::text = '' OR i.repository = $4::text)
    AND (f.first_seen >= $5::timestamptz OR f.resolved_at >= $5::timestamptz)
    AND (NOT $6::boolean
         OR (f.inventory_id, f.package_id, f.path, f.vulnerability) > ($7::bigint, $8::bigint, $9::text, $10::text))
  ORDER BY f.inventory_id, f.package_id, f.path, f.vulnerability
  LIMIT $11::integer
)
SELECT jsonb_build_object(
  'vulnerabilityDetails', jsonb_build_object('id', f.vulnerability, 'severity', lower(f.severity),
    'severitySource', f.severity_source, 'cvss', )sql" +
         cvss_json("f") + R"sql(, 'references', f.refs, 'aliases', f.aliases,
    'published', (SELECT min(a.doc->>'published') FROM advisories a
                  WHERE a.advisory_id = f.vulnerability AND a.doc->>'published' <> '')),
  'artifactDetails', (
    SELECT jsonb_build_object('registry', i.registry, 'repository', i.repository, 'digest', i.digest,
      'tags', )sql" +
         sql::tags_of("i") + R"sql(,
      'pushedAt', (SELECT )sql" +
         sql_time("m.last_pushed_at") + R"sql( FROM manifests m
                   WHERE m.registry = i.registry AND m.repository = i.repository AND m.digest = i.digest),
      'platform', i.platform)
    FROM image_inventories i WHERE i.id = f.inventory_id),
  'softwareDetails', (
    SELECT jsonb_build_object('os', d.pretty_name, 'osId', d.did, 'osVersion', d.version_id,
      'package', p.name, 'version', p.version, 'ecosystem', p.ecosystem, 'fixedVersion', nullif(f.fixed_version, ''),
      'fixStatus', f.fix_state, 'type', )sql" +
         sql::package_type("p", "$12") + R"sql(, 'path', f.path,
      'layer', (SELECT l.digest FROM image_packages ip
                JOIN image_layers l ON l.inventory_id = ip.inventory_id AND l.position = ip.layer
                WHERE ip.inventory_id = f.inventory_id AND ip.package_id = f.package_id AND ip.path = f.path))
    FROM packages p
    JOIN image_inventories i ON i.id = f.inventory_id
    LEFT JOIN distributions d ON d.id = i.distribution_id
    WHERE p.id = f.package_id),
  'remediation', f.remediation,
  'status', CASE WHEN f.resolved_at IS NULL THEN 'open' ELSE 'resolved' END,
  'firstSeen', )sql" +
         sql_time("f.first_seen") + ", 'lastSeen', " + sql_time("f.last_seen") + ", 'resolvedAt', " +
         sql_time("f.resolved_at") + R"sql()::text,
  f.inventory_id, f.package_id, f.path, f.vulnerability
FROM page f
ORDER BY f.inventory_id, f.package_id, f.path, f.vulnerability
)sql";
}

// $1 since, $2 kind, $3 registry, $4 repository, $5 $6 after (xid, id), $7 limit. Only events of finished
// transactions (xid below the snapshot's xmin): one still running may commit a lower id later, and every
// event committed from now on has an xid at or above that xmin, so (xid, id) order is commit-safe.
std::string events_sql() {
  return R"sql(
SELECT jsonb_build_object('id', e.id, 'kind', e.kind, 'registry', e.registry, 'repository', e.repository,
         'digest', e.digest, 'vulnerability', e.vulnerability, 'severity', lower(e.severity),
         'package', jsonb_build_object('name', p.name, 'version', p.version, 'ecosystem', p.ecosystem),
         'created_at', )sql" +
         sql_time("e.created_at") + R"sql()::text,
       e.xid::text, e.id
FROM finding_events e
JOIN packages p ON p.id = e.package_id
WHERE e.created_at >= $1::timestamptz AND ($2::text = '' OR e.kind = $2::text)
  AND ($3::text = '' OR e.registry = $3::text) AND ($4::text = '' OR e.repository = $4::text)
  AND e.xid < pg_snapshot_xmin(pg_current_snapshot())
  AND (e.xid, e.id) > ($5::text::xid8, $6::bigint)
ORDER BY e.xid, e.id
LIMIT $7::integer
)sql";
}

std::string advisories_sql() {
  return R"sql(
SELECT (a.doc || jsonb_build_object('source', a.source, 'updated_at', )sql" +
         sql_time("a.updated_at") + R"sql())::text
FROM advisories a
WHERE a.advisory_id = $1::text OR a.doc->'aliases' @> jsonb_build_array($1::text)
ORDER BY a.source, a.advisory_id
LIMIT 100
)sql";
}

// The vulnerability ids that stand for `$1`: itself and the advisories that list it as an alias (a CVE
// matched through a GHSA or DSA advisory). Findings carry their advisory's id, so an id lookup on
// findings_vulnerability_inventory_idx finds them all.
constexpr std::string_view kIdsOf1 = R"sql(ARRAY(SELECT DISTINCT v FROM (
  SELECT $1::text AS v
  UNION ALL SELECT a.advisory_id FROM advisories a WHERE a.doc->'aliases' @> jsonb_build_array($1::text)) x))sql";

std::string exposure_sql() {
  return "SELECT count(DISTINCT inventory_id), count(*) FROM findings\n"
         "WHERE resolved_at IS NULL AND vulnerability = ANY(" +
         std::string(kIdsOf1) + ")";
}

// $1 id, $2 has cursor, $3 after inventory id, $4 limit. The page of image ids comes first, each id's
// from its own ordered index range (bounded by the limit however many images are affected); only the
// page's findings are then read and aggregated.
std::string vulnerability_images_sql() {
  return R"sql(
WITH ids AS (SELECT )sql" +
         std::string(kIdsOf1) + R"sql( AS ids),
page AS (
  SELECT DISTINCT x.inventory_id
  FROM ids, unnest(ids.ids) AS v(id)
  CROSS JOIN LATERAL (
    SELECT DISTINCT f.inventory_id FROM findings f
    WHERE f.resolved_at IS NULL AND f.vulnerability = v.id AND (NOT $2::boolean OR f.inventory_id > $3::bigint)
    ORDER BY f.inventory_id
    LIMIT $4::integer) x
  ORDER BY x.inventory_id
  LIMIT $4::integer
)
SELECT jsonb_build_object('registry', i.registry, 'repository', i.repository, 'digest', i.digest,
         'tags', )sql" +
         sql::tags_of("i") + R"sql(, 'platform', i.platform, 'index_digest', i.index_digest,
         'severity', g.worst, 'packages', g.packages)::text,
       page.inventory_id
FROM page
JOIN image_inventories i ON i.id = page.inventory_id
CROSS JOIN ids
CROSS JOIN LATERAL (
  SELECT )sql" +
         sql::worst_severity("f.severity") + R"sql( AS worst,
         jsonb_agg(jsonb_build_object('name', p.name, 'version', p.version, 'ecosystem', p.ecosystem,
           'path', f.path, 'vulnerability', f.vulnerability, 'severity', lower(f.severity),
           'fix_state', f.fix_state, 'fixed_version', nullif(f.fixed_version, ''))
           ORDER BY p.name, f.path, f.vulnerability) AS packages
  FROM findings f JOIN packages p ON p.id = f.package_id
  WHERE f.inventory_id = page.inventory_id AND f.resolved_at IS NULL AND f.vulnerability = ANY(ids.ids)
) g
ORDER BY page.inventory_id
)sql";
}

// A PostgreSQL array literal of stored severity names ("Critical", ...: no quoting needed).
std::string severity_array(const std::vector<scanner::feeds::Severity>& severities) {
  std::string out = "{";
  for (const auto severity : severities) {
    if (out.size() > 1) {
      out += ',';
    }
    out += scanner::feeds::severity_name(severity);
  }
  return out + "}";
}

std::string_view status_name(FindingStatus status) {
  switch (status) {
    case FindingStatus::Open:
      return "open";
    case FindingStatus::Resolved:
      return "resolved";
    case FindingStatus::Any:
      break;
  }
  return "any";
}

}  // namespace

FindingsQuery::FindingsQuery(Database& db) : db_(db) {
  const std::string by_severity = image_findings_sql(FindingSort::Severity);
  const std::string by_cvss = image_findings_sql(FindingSort::Cvss);
  const std::string by_vulnerability = image_findings_sql(FindingSort::Vulnerability);
  const std::string by_package = image_findings_sql(FindingSort::Package);
  const std::string feed = feed_sql();
  const std::string events = events_sql();
  const std::string advisories = advisories_sql();
  const std::string images = vulnerability_images_sql();
  const std::string exposure = exposure_sql();
  db_.register_statements("findings query", {{kImageFindings[0], by_severity},
                                             {kImageFindings[1], by_cvss},
                                             {kImageFindings[2], by_vulnerability},
                                             {kImageFindings[3], by_package},
                                             {kFeed, feed},
                                             {kEvents, events},
                                             {kAdvisories, advisories},
                                             {kExposure, exposure},
                                             {kVulnerabilityImages, images}});
}

Result<Page> FindingsQuery::image_findings(std::int64_t inventory_id, const ImageFindingFilter& filter,
                                           std::string_view cursor, int limit) {
  if (auto ok = check_page_limit(limit); !ok) {
    return std::unexpected(ok.error());
  }
  const auto sort = static_cast<std::size_t>(filter.sort);
  // The sort is part of the tag: a cursor of one order cannot continue another.
  const std::string tag = std::string(kImageFindingsTag) + "/" + std::to_string(sort);
  auto keys = cursor_keys(cursor, tag, "ittit");
  if (!keys) {
    return std::unexpected(keys.error());
  }
  auto& k = *keys;
  if (cursor.empty()) {
    k[0] = k[3] = "0";
  }
  const std::string fixable = !filter.fixable ? "" : (*filter.fixable ? "true" : "false");
  return db_.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    const auto rows = tx.exec_prepared(
        std::string(kImageFindings[sort]), inventory_id, std::string(language_ecosystems_literal()),
        severity_array(filter.severities), fixable, filter.package, std::string(sql::type_name(filter.type)),
        !cursor.empty(), k[0], k[1], k[2], k[3], k[4], limit + 1);
    return page_from_rows(rows, static_cast<std::size_t>(limit), tag);
  });
}

Result<Page> FindingsQuery::findings(const FindingFeedFilter& filter, std::string_view cursor, int limit) {
  if (auto ok = check_page_limit(limit); !ok) {
    return std::unexpected(ok.error());
  }
  auto keys = cursor_keys(cursor, kFeedTag, "iitt");
  if (!keys) {
    return std::unexpected(keys.error());
  }
  auto& k = *keys;
  if (cursor.empty()) {
    k[0] = k[1] = "0";
  }
  const std::string since = filter.since.empty() ? "-infinity" : filter.since;
  return db_.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    const auto rows = tx.exec_prepared(std::string(kFeed), std::string(status_name(filter.status)),
                                       severity_array(filter.severities), filter.registry, filter.repository,
                                       since, !cursor.empty(), k[0], k[1], k[2], k[3], limit + 1,
                                       std::string(language_ecosystems_literal()));
    return page_from_rows(rows, static_cast<std::size_t>(limit), kFeedTag);
  });
}

Result<Page> FindingsQuery::events(const EventFilter& filter, std::string_view cursor, int limit) {
  if (auto ok = check_page_limit(limit); !ok) {
    return std::unexpected(ok.error());
  }
  auto keys = cursor_keys(cursor, kEventsTag, "ii");
  if (!keys) {
    return std::unexpected(keys.error());
  }
  if (cursor.empty()) {
    (*keys)[0] = (*keys)[1] = "0";
  }
  const std::string since = filter.since.empty() ? "-infinity" : filter.since;
  return db_.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    const auto rows = tx.exec_prepared(std::string(kEvents), since, filter.kind, filter.registry,
                                       filter.repository, (*keys)[0], (*keys)[1], limit + 1);
    auto page = page_from_rows(rows, static_cast<std::size_t>(limit), kEventsTag);
    if (page.next_cursor.empty() && !page.items.empty()) {
      // The feed's end for now: where a poller asks next.
      const auto& last = rows[static_cast<pqxx::result::size_type>(page.items.size() - 1)];
      page.next_cursor = encode_cursor(kEventsTag, {last[1].as<std::string>(), last[2].as<std::string>()});
    }
    return page;
  });
}

Result<std::optional<VulnerabilityDetail>> FindingsQuery::vulnerability(const std::string& id) {
  return db_.run([&](pqxx::connection& conn) -> std::optional<VulnerabilityDetail> {
    pqxx::read_transaction tx(conn);
    VulnerabilityDetail detail;
    for (const auto& row : tx.exec_prepared(std::string(kAdvisories), id)) {
      detail.advisories.push_back(nlohmann::json::parse(row[0].as<std::string>()));
    }
    const auto exposure = tx.exec_prepared1(std::string(kExposure), id);
    detail.images = exposure[0].as<std::int64_t>();
    detail.findings = exposure[1].as<std::int64_t>();
    if (detail.advisories.empty() && detail.findings == 0) {
      return std::nullopt;
    }
    return detail;
  });
}

Result<Page> FindingsQuery::vulnerability_images(const std::string& id, std::string_view cursor, int limit) {
  if (auto ok = check_page_limit(limit); !ok) {
    return std::unexpected(ok.error());
  }
  auto keys = cursor_keys(cursor, kVulnerabilityImagesTag, "i");
  if (!keys) {
    return std::unexpected(keys.error());
  }
  const std::string after = cursor.empty() ? "0" : (*keys)[0];
  return db_.run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    const auto rows =
        tx.exec_prepared(std::string(kVulnerabilityImages), id, !cursor.empty(), after, limit + 1);
    return page_from_rows(rows, static_cast<std::size_t>(limit), kVulnerabilityImagesTag);
  });
}

}  // namespace regscand::storage
