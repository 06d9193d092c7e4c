#include "storage/finding_store.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/result>
#include <pqxx/transaction>
#include <set>
#include <tuple>

namespace regscand::storage {
namespace {

using nlohmann::json;

constexpr std::string_view kReplace = "findings.replace";
constexpr std::string_view kReplaceScoped = "findings.replace_scoped";

// Both statements: write the findings of `cur` (new, changed or reopened), then count what changed.
constexpr std::string_view kUpsertCur = R"sql(
  INSERT INTO findings (inventory_id, package_id, path, vulnerability, severity, severity_source, cvss_score,
                        cvss_vector, fix_state, fixed_version, remediation, aliases, refs, sources)
  SELECT * FROM cur
  ON CONFLICT (inventory_id, package_id, path, vulnerability) DO UPDATE SET severity = excluded.severity,
    severity_source = excluded.severity_source, cvss_score = excluded.cvss_score,
    cvss_vector = excluded.cvss_vector, fix_state = excluded.fix_state, fixed_version = excluded.fixed_version,
    remediation = excluded.remediation, aliases = excluded.aliases, refs = excluded.refs,
    sources = excluded.sources, last_seen = now(), resolved_at = NULL
)sql";
constexpr std::string_view kCounts = R"sql(
SELECT (SELECT count(*) FROM ev WHERE kind = 'new'), (SELECT count(*) FROM ev WHERE kind = 'resolved'),
       (SELECT count(*) FROM up)
)sql";

// `prev` is read before any change in the statement, so a reopened finding counts as new.
std::string replace_sql() {
  return R"sql(
WITH inv AS (
  SELECT id, registry, repository, digest FROM image_inventories
  WHERE registry = $1 AND repository = $2 AND digest = $3
), cur AS (
  SELECT inv.id AS inventory_id, k.id AS package_id, f.path, f.vulnerability, f.severity, f.severity_source,
         f.cvss_score, f.cvss_vector, f.fix_state, f.fixed_version, f.remediation, f.aliases, f.refs, f.sources
  FROM jsonb_to_recordset($4::jsonb) AS f(ecosystem text, name text, version text, arch text, source_name text,
         source_version text, module text, path text, vulnerability text, severity text, severity_source text,
         cvss_score real, cvss_vector text, fix_state text, fixed_version text, remediation text, aliases jsonb,
         refs jsonb, sources jsonb)
  CROSS JOIN inv
  JOIN packages k ON k.ecosystem = f.ecosystem AND k.name = f.name AND k.version = f.version AND k.arch = f.arch
    AND k.source_name = f.source_name AND k.source_version = f.source_version AND k.module = f.module
), prev AS (
  SELECT f.package_id, f.path, f.vulnerability FROM findings f JOIN inv ON f.inventory_id = inv.id
  WHERE f.resolved_at IS NULL
), up AS (
)sql" + std::string(kUpsertCur) +
         R"sql(  RETURNING package_id, path, vulnerability, severity
), gone AS (
  UPDATE findings f SET resolved_at = now() FROM inv
  WHERE f.inventory_id = inv.id AND f.resolved_at IS NULL AND NOT EXISTS (
    SELECT 1 FROM cur c WHERE c.package_id = f.package_id AND c.path = f.path AND c.vulnerability = f.vulnerability)
  RETURNING f.package_id, f.vulnerability, f.severity
), ev AS (
  INSERT INTO finding_events (kind, registry, repository, digest, package_id, vulnerability, severity)
  SELECT 'new', inv.registry, inv.repository, inv.digest, u.package_id, u.vulnerability, u.severity
  FROM up u CROSS JOIN inv
  WHERE NOT EXISTS (SELECT 1 FROM prev p WHERE p.package_id = u.package_id AND p.path = u.path
                    AND p.vulnerability = u.vulnerability)
  UNION ALL
  SELECT 'resolved', inv.registry, inv.repository, inv.digest, g.package_id, g.vulnerability, g.severity
  FROM gone g CROSS JOIN inv
  RETURNING kind
)
)sql" + std::string(kCounts);
}

// $1: the (inventory, package) pairs re-matched; $2: their findings now. Findings of other packages stay.
std::string replace_scoped_sql() {
  return R"sql(
WITH scope AS (
  SELECT DISTINCT s.inventory_id, s.package_id
  FROM jsonb_to_recordset($1::jsonb) AS s(inventory_id bigint, package_id bigint)
), cur AS (
  SELECT f.inventory_id, f.package_id, f.path, f.vulnerability, f.severity, f.severity_source, f.cvss_score,
         f.cvss_vector, f.fix_state, f.fixed_version, f.remediation, f.aliases, f.refs, f.sources
  FROM jsonb_to_recordset($2::jsonb) AS f(inventory_id bigint, package_id bigint, path text, vulnerability text,
         severity text, severity_source text, cvss_score real, cvss_vector text, fix_state text,
         fixed_version text, remediation text, aliases jsonb, refs jsonb, sources jsonb)
  JOIN scope s ON s.inventory_id = f.inventory_id AND s.package_id = f.package_id
), prev AS (
  SELECT f.inventory_id, f.package_id, f.path, f.vulnerability FROM findings f
  JOIN scope s ON s.inventory_id = f.inventory_id AND s.package_id = f.package_id
  WHERE f.resolved_at IS NULL
), up AS (
)sql" + std::string(kUpsertCur) +
         R"sql(  RETURNING inventory_id, package_id, path, vulnerability, severity
), gone AS (
  UPDATE findings f SET resolved_at = now() FROM scope s
  WHERE f.inventory_id = s.inventory_id AND f.package_id = s.package_id AND f.resolved_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM cur c WHERE c.inventory_id = f.inventory_id AND c.package_id = f.package_id
                    AND c.path = f.path AND c.vulnerability = f.vulnerability)
  RETURNING f.inventory_id, f.package_id, f.vulnerability, f.severity
), ev AS (
  INSERT INTO finding_events (kind, registry, repository, digest, package_id, vulnerability, severity)
  SELECT 'new', i.registry, i.repository, i.digest, u.package_id, u.vulnerability, u.severity
  FROM up u JOIN image_inventories i ON i.id = u.inventory_id
  WHERE NOT EXISTS (SELECT 1 FROM prev p WHERE p.inventory_id = u.inventory_id AND p.package_id = u.package_id
                    AND p.path = u.path AND p.vulnerability = u.vulnerability)
  UNION ALL
  SELECT 'resolved', i.registry, i.repository, i.digest, g.package_id, g.vulnerability, g.severity
  FROM gone g JOIN image_inventories i ON i.id = g.inventory_id
  RETURNING kind
)
)sql" + std::string(kCounts);
}

// The columns of a finding row both statements share.
json finding_row(const scanner::Package& p, const scanner::matching::Finding& f) {
  return {{"path", p.path},
          {"vulnerability", f.vulnerability},
          {"severity", scanner::feeds::severity_name(f.severity)},
          {"severity_source", f.severity_source},
          {"cvss_score", f.cvss ? json(f.cvss->score) : json(nullptr)},
          {"cvss_vector", f.cvss ? json(f.cvss->vector) : json(nullptr)},
          {"fix_state", scanner::feeds::fix_state_name(f.fix_state)},
          {"fixed_version", f.fixed_version},
          {"remediation", f.remediation},
          {"aliases", f.aliases},
          {"refs", f.references},
          {"sources", f.sources}};
}

std::string dump(const json& rows) {
  return rows.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

FindingStore::FindingStore(Database& db) : db_(db) {
  const std::string replace = replace_sql();
  const std::string replace_scoped = replace_scoped_sql();
  db_.register_statements("finding store", {{kReplace, replace}, {kReplaceScoped, replace_scoped}});
}

Result<FindingsChange> FindingStore::replace(const ManifestKey& key,
                                             const scanner::pipeline::ImageInventory& inventory,
                                             const std::vector<scanner::matching::Finding>& findings) {
  json rows = json::array();
  std::set<std::tuple<const scanner::Package*, std::string>> seen;
  for (const auto& f : findings) {
    if (f.package >= inventory.packages.size()) continue;
    const auto& p = inventory.packages[f.package].package;
    if (!seen.emplace(&p, f.vulnerability).second) continue;
    auto row = finding_row(p, f);
    row.update({{"ecosystem", p.ecosystem},
                {"name", p.name},
                {"version", p.version},
                {"arch", p.arch},
                {"source_name", p.source_name},
                {"source_version", p.source_version},
                {"module", p.module}});
    rows.push_back(std::move(row));
  }
  const std::string text = dump(rows);
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto row = tx.exec_prepared1(std::string(kReplace), key.registry, key.repository, key.digest, text);
    tx.commit();
    return FindingsChange{row[0].as<std::size_t>(), row[1].as<std::size_t>(), row[2].as<std::size_t>()};
  });
}

Result<FindingsChange> FindingStore::replace_scoped(const std::vector<ScopedMatch>& matches) {
  json scope = json::array();
  json rows = json::array();
  for (const auto& m : matches) {
    const auto& packages = m.holding->inventory.packages;
    for (const auto id : m.holding->package_ids)
      scope.push_back({{"inventory_id", m.holding->inventory_id}, {"package_id", id}});
    std::set<std::tuple<std::size_t, std::string>> seen;
    for (const auto& f : m.findings) {
      if (f.package >= packages.size() || f.package >= m.holding->package_ids.size()) continue;
      if (!seen.emplace(f.package, f.vulnerability).second) continue;
      auto row = finding_row(packages[f.package].package, f);
      row["inventory_id"] = m.holding->inventory_id;
      row["package_id"] = m.holding->package_ids[f.package];
      rows.push_back(std::move(row));
    }
  }
  const std::string scope_text = dump(scope);
  const std::string rows_text = dump(rows);
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto row = tx.exec_prepared1(std::string(kReplaceScoped), scope_text, rows_text);
    tx.commit();
    return FindingsChange{row[0].as<std::size_t>(), row[1].as<std::size_t>(), row[2].as<std::size_t>()};
  });
}

}  // namespace regscand::storage
