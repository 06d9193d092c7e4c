#include "storage/inventory_store.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <pqxx/result>
#include <pqxx/transaction>

#include "config/base/json_input.hpp"

namespace regscand::storage {
namespace {

using nlohmann::json;
using scanner::Package;
using scanner::pipeline::ImageInventory;
using scanner::pipeline::LayerReport;

constexpr std::string_view kFindLayer = "inventory.find_layer";
constexpr std::string_view kStoreLayer = "inventory.store_layer";
constexpr std::string_view kPutInventory = "inventory.put_image";
constexpr std::string_view kClearLayers = "inventory.clear_layers";
constexpr std::string_view kPutLayers = "inventory.put_layers";
constexpr std::string_view kClearPackages = "inventory.clear_packages";
constexpr std::string_view kAddPackages = "inventory.add_packages";
constexpr std::string_view kPutPackages = "inventory.put_packages";
constexpr std::string_view kGetInventory = "inventory.get_image";
constexpr std::string_view kGetLayers = "inventory.get_layers";
constexpr std::string_view kGetPackages = "inventory.get_packages";
constexpr std::string_view kHolding = "inventory.holding";
constexpr std::string_view kFindConfig = "inventory.find_config";
constexpr std::string_view kStoreConfig = "inventory.store_config";

// Columns present, did, version_id, version_codename, pretty_name, distroless from `at`.
std::optional<scanner::Distribution> distribution_at(const pqxx::row& r, int at) {
  if (!r[at].as<bool>()) return std::nullopt;
  return scanner::Distribution{r[at + 1].as<std::string>(), r[at + 2].as<std::string>(),
                               r[at + 3].as<std::string>(), r[at + 4].as<std::string>(),
                               r[at + 5].as<bool>()};
}

// Columns ecosystem, name, version, arch, source_name, source_version, path, module, layer from `at`.
scanner::pipeline::InventoryPackage package_at(const pqxx::row& r, int at) {
  return {Package{r[at].as<std::string>(), r[at + 1].as<std::string>(), r[at + 2].as<std::string>(),
                  r[at + 3].as<std::string>(), r[at + 4].as<std::string>(), r[at + 5].as<std::string>(),
                  r[at + 6].as<std::string>(), r[at + 7].as<std::string>()},
          r[at + 8].as<std::size_t>()};
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string unhex(std::string_view text) {
  const auto value = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    out += static_cast<char>(value(text[i]) * 16 + value(text[i + 1]));
  }
  return out;
}

// The columns of a package row in the JSON records put_inventory passes (jsonb_to_recordset).
constexpr std::string_view kPackageRecord =
    "(ecosystem text, name text, version text, arch text, source_name text, source_version text, module text,"
    " path text, layer integer)";
constexpr std::string_view kSamePackage =
    "k.ecosystem = p.ecosystem AND k.name = p.name AND k.version = p.version AND k.arch = p.arch"
    " AND k.source_name = p.source_name AND k.source_version = p.source_version AND k.module = p.module";

json package_json(const Package& p) {
  return {{"ecosystem", p.ecosystem},
          {"name", p.name},
          {"version", p.version},
          {"arch", p.arch},
          {"source_name", p.source_name},
          {"source_version", p.source_version},
          {"path", p.path},
          {"module", p.module}};
}

std::string text(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Package package_from(const json& j) {
  return Package{text(j, "ecosystem"),   text(j, "name"),           text(j, "version"), text(j, "arch"),
                 text(j, "source_name"), text(j, "source_version"), text(j, "path"),    text(j, "module")};
}

json problem_json(const scanner::Problem& p) {
  return {{"ecosystem", p.ecosystem},
          {"path", p.path},
          {"limit", p.limit},
          {"limit_value", p.value},
          {"message", p.message}};
}

scanner::Problem problem_from(const json& j) {
  const auto value = j.find("limit_value");
  return {text(j, "ecosystem"), text(j, "path"), text(j, "limit"),
          value != j.end() && value->is_number_unsigned() ? value->get<std::uint64_t>() : 0,
          text(j, "message")};
}

template <class Set>
json strings(const Set& set) {
  json out = json::array();
  for (const auto& s : set) out.push_back(s);
  return out;
}

}  // namespace

json problems_json(const std::vector<scanner::pipeline::InventoryProblem>& problems,
                   const std::vector<std::string>& layers) {
  json out = json::array();
  for (const auto& [problem, layer] : problems) {
    auto j = problem_json(problem);
    j["layer"] = {{"position", layer},
                  {"digest", layer < layers.size() ? json(layers[layer]) : json(nullptr)}};
    out.push_back(std::move(j));
  }
  return out;
}

std::string layer_report_to_json(const LayerReport& report) {
  json packages = json::array();
  for (const auto& p : report.packages) packages.push_back(package_json(p));
  json limits = json::array();
  for (const auto& p : report.limits) limits.push_back(problem_json(p));
  return json{{"present", strings(report.present)},
              {"removed", strings(report.removed)},
              {"opaque_dirs", strings(report.opaque_dirs)},
              {"release_files", report.release_files},
              {"packages", std::move(packages)},
              {"problems", report.problems},
              {"limits", std::move(limits)},
              {"compressed_bytes", report.compressed_bytes},
              {"uncompressed_bytes", report.uncompressed_bytes}}
      .dump();
}

Result<LayerReport> layer_report_from_json(std::string_view text_in) {
  auto doc = parse_json(text_in, JsonLimits{16, 256 * 1024 * 1024});
  if (!doc || !doc->is_object()) return fail(ErrorCode::Internal, "layer report: stored JSON is unreadable");
  LayerReport report;
  try {
    for (const auto& s : (*doc)["present"]) report.present.insert(s.get<std::string>());
    for (const auto& s : (*doc)["removed"]) report.removed.insert(s.get<std::string>());
    for (const auto& s : (*doc)["opaque_dirs"]) report.opaque_dirs.insert(s.get<std::string>());
    for (const auto& [path, content] : (*doc)["release_files"].items()) {
      report.release_files.emplace(path, content.get<std::string>());
    }
    for (const auto& p : (*doc)["packages"]) report.packages.push_back(package_from(p));
    for (const auto& s : (*doc)["problems"]) report.problems.push_back(s.get<std::string>());
    if (const auto limits = doc->find("limits"); limits != doc->end()) {
      for (const auto& p : *limits) report.limits.push_back(problem_from(p));
    }
    report.compressed_bytes = (*doc)["compressed_bytes"].get<std::uint64_t>();
    report.uncompressed_bytes = (*doc)["uncompressed_bytes"].get<std::uint64_t>();
  } catch (const json::exception& e) {
    return fail(ErrorCode::Internal,
                std::string("layer report: stored JSON has the wrong shape: ") + e.what());
  }
  return report;
}

InventoryStore::InventoryStore(Database& db) : db_(db) {
  db_.register_statements(
      "inventory store",
      {
          {kFindLayer, "SELECT report::text FROM layer_reports WHERE digest = $1 AND analyzers = $2"},
          {kStoreLayer,
           "INSERT INTO layer_reports (digest, analyzers, report) VALUES ($1, $2, $3::jsonb)"
           " ON CONFLICT (digest, analyzers) DO NOTHING"},
          // Distributions are upserted with a no-op update so that RETURNING yields the id of an existing
          // row.
          {kPutInventory,
           "WITH d AS (INSERT INTO distributions (did, version_id, version_codename, pretty_name, distroless)"
           " SELECT $7, $8, $9, $10, $13::boolean WHERE $11::boolean"
           " ON CONFLICT ON CONSTRAINT distributions_identity DO UPDATE SET did = excluded.did RETURNING id)"
           " INSERT INTO image_inventories (registry, repository, digest, analyzers, platform, index_digest,"
           " distribution_id, package_count, problems)"
           " VALUES ($1, $2, $3, $4, nullif($5, ''), nullif($6, ''), (SELECT id FROM d), $12::integer,"
           " $14::jsonb)"
           " ON CONFLICT (registry, repository, digest) DO UPDATE SET analyzers = excluded.analyzers,"
           " platform = excluded.platform, index_digest = excluded.index_digest,"
           " distribution_id = excluded.distribution_id, package_count = excluded.package_count,"
           " problems = excluded.problems, updated_at = now()"
           " RETURNING id"},
          {kClearLayers, "DELETE FROM image_layers WHERE inventory_id = $1::bigint"},
          {kPutLayers,
           "INSERT INTO image_layers (inventory_id, position, digest)"
           " SELECT $1::bigint, l.ordinality - 1, l.value FROM jsonb_array_elements_text($2::jsonb) WITH "
           "ORDINALITY l"},
          {kClearPackages, "DELETE FROM image_packages WHERE inventory_id = $1::bigint"},
          // In identity order, so that concurrent scans inserting the same packages take their locks in one
          // order.
          {kAddPackages,
           "INSERT INTO packages (ecosystem, name, version, arch, source_name, source_version, module)"
           " SELECT DISTINCT p.ecosystem, p.name, p.version, p.arch, p.source_name, p.source_version, "
           "p.module"
           " FROM jsonb_to_recordset($1::jsonb) AS p" +
               std::string(kPackageRecord) +
               " ORDER BY 1, 2, 3, 4, 5, 6, 7 ON CONFLICT ON CONSTRAINT packages_identity DO NOTHING"},
          {kPutPackages,
           "INSERT INTO image_packages (inventory_id, package_id, path, layer)"
           " SELECT $1::bigint, k.id, p.path, p.layer FROM jsonb_to_recordset($2::jsonb) AS p" +
               std::string(kPackageRecord) + " JOIN packages k ON " + std::string(kSamePackage) +
               " ON CONFLICT DO NOTHING"},
          {kGetInventory,
           "SELECT i.id, i.analyzers, coalesce(i.platform, ''), coalesce(i.index_digest, ''), d.id IS NOT "
           "NULL,"
           " coalesce(d.did, ''), coalesce(d.version_id, ''), coalesce(d.version_codename, ''),"
           " coalesce(d.pretty_name, ''), coalesce(d.distroless, false), i.problems::text"
           " FROM image_inventories i LEFT JOIN distributions d ON d.id = i.distribution_id"
           " WHERE i.registry = $1 AND i.repository = $2 AND i.digest = $3"},
          {kFindConfig, "SELECT encode(body, 'hex') FROM image_configs WHERE digest = $1"},
          {kStoreConfig,
           "INSERT INTO image_configs (digest, body) VALUES ($1, decode($2, 'hex')) ON CONFLICT DO NOTHING"},
          {kHolding,
           "SELECT i.id, i.registry, i.repository, i.digest, d.id IS NOT NULL, coalesce(d.did, ''),"
           " coalesce(d.version_id, ''), coalesce(d.version_codename, ''), coalesce(d.pretty_name, ''),"
           " coalesce(d.distroless, false), k.id, k.ecosystem, k.name, k.version, k.arch, k.source_name,"
           " k.source_version, ip.path, k.module, ip.layer"
           " FROM packages k JOIN image_packages ip ON ip.package_id = k.id"
           " JOIN image_inventories i ON i.id = ip.inventory_id"
           " LEFT JOIN distributions d ON d.id = i.distribution_id"
           " WHERE k.name IN (SELECT jsonb_array_elements_text($1::jsonb))"
           " OR k.source_name IN (SELECT jsonb_array_elements_text($1::jsonb))"
           " ORDER BY i.id, k.ecosystem, k.name, k.version, ip.path, k.arch"},
          {kGetLayers, "SELECT digest FROM image_layers WHERE inventory_id = $1::bigint ORDER BY position"},
          {kGetPackages,
           "SELECT k.ecosystem, k.name, k.version, k.arch, k.source_name, k.source_version, ip.path, "
           "k.module,"
           " ip.layer FROM image_packages ip JOIN packages k ON k.id = ip.package_id"
           " WHERE ip.inventory_id = $1::bigint ORDER BY k.ecosystem, k.name, k.version, ip.path, k.arch"},
      });
}

Result<std::optional<LayerReport>> InventoryStore::find(const scanner::Digest& layer,
                                                        std::string_view analyzers) {
  auto stored = db_.run([&](pqxx::connection& conn) -> std::optional<std::string> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kFindLayer), layer.str(), std::string(analyzers));
    tx.commit();
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
  });
  if (!stored) return std::unexpected(std::move(stored).error());
  if (!*stored) return std::optional<LayerReport>{};
  auto report = layer_report_from_json(**stored);
  if (!report) return std::unexpected(std::move(report).error());
  return std::optional<LayerReport>{std::move(*report)};
}

Result<void> InventoryStore::store(const scanner::Digest& layer, std::string_view analyzers,
                                   const LayerReport& report) {
  const std::string doc = layer_report_to_json(report);
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(std::string(kStoreLayer), layer.str(), std::string(analyzers), doc);
    tx.commit();
  });
}

Result<void> InventoryStore::put_inventory(const ManifestKey& key, std::string_view analyzers,
                                           std::string_view platform, std::string_view index_digest,
                                           const ImageInventory& inventory,
                                           const std::vector<std::string>& layers) {
  json packages = json::array();
  for (const auto& [p, layer] : inventory.packages) {
    auto j = package_json(p);
    j["layer"] = layer;
    packages.push_back(std::move(j));
  }
  const std::string packages_text = packages.dump();
  const std::string layers_text = json(layers).dump();
  const std::string problems_text =
      problems_json(inventory.problems, layers).dump(-1, ' ', false, json::error_handler_t::replace);
  const scanner::Distribution none;
  const scanner::Distribution& d = inventory.distribution ? *inventory.distribution : none;
  const int count = static_cast<int>(inventory.packages.size());
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto id =
        tx.exec_prepared1(std::string(kPutInventory), key.registry, key.repository, key.digest,
                          std::string(analyzers), std::string(platform), std::string(index_digest), d.id,
                          d.version_id, d.version_codename, d.pretty_name, inventory.distribution.has_value(),
                          count, d.distroless, problems_text)[0]
            .as<std::int64_t>();
    tx.exec_prepared(std::string(kClearLayers), id);
    tx.exec_prepared(std::string(kPutLayers), id, layers_text);
    tx.exec_prepared(std::string(kClearPackages), id);
    tx.exec_prepared(std::string(kAddPackages), packages_text);
    tx.exec_prepared(std::string(kPutPackages), id, packages_text);
    tx.commit();
  });
}

Result<std::optional<StoredInventory>> InventoryStore::get_inventory(const ManifestKey& key) {
  return db_.run([&](pqxx::connection& conn) -> std::optional<StoredInventory> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kGetInventory), key.registry, key.repository, key.digest);
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    const auto id = r[0].as<std::int64_t>();
    StoredInventory out;
    out.analyzers = r[1].as<std::string>();
    out.platform = r[2].as<std::string>();
    out.index_digest = r[3].as<std::string>();
    out.distribution = distribution_at(r, 4);
    const auto problems = json::parse(r[10].as<std::string>(), nullptr, false);
    if (problems.is_array()) {
      for (const auto& p : problems) {
        const auto layer = p.find("layer");
        const std::size_t position =
            layer != p.end() && layer->is_object() ? layer->value("position", std::size_t{0}) : 0;
        out.problems.push_back({problem_from(p), position});
      }
    }
    for (const auto& layer : tx.exec_prepared(std::string(kGetLayers), id)) {
      out.layers.push_back(layer[0].as<std::string>());
    }
    for (const auto& p : tx.exec_prepared(std::string(kGetPackages), id)) {
      out.packages.push_back(package_at(p, 0));
    }
    tx.commit();
    return out;
  });
}

Result<std::optional<std::string>> InventoryStore::find_config(const scanner::Digest& digest) {
  return db_.run([&](pqxx::connection& conn) -> std::optional<std::string> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kFindConfig), digest.str());
    tx.commit();
    if (rows.empty()) return std::nullopt;
    return unhex(rows[0][0].as<std::string>());
  });
}

Result<void> InventoryStore::store_config(const scanner::Digest& digest, std::string_view bytes) {
  const std::string text = hex(bytes);
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(std::string(kStoreConfig), digest.str(), text);
    tx.commit();
  });
}

Result<std::vector<Holding>> InventoryStore::holdings(const std::set<std::string>& names) {
  const std::string list = json(names).dump(-1, ' ', false, json::error_handler_t::replace);
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    std::vector<Holding> out;
    for (const auto& r : tx.exec_prepared(std::string(kHolding), list)) {
      const auto id = r[0].as<std::int64_t>();
      if (out.empty() || out.back().inventory_id != id) {
        Holding h;
        h.inventory_id = id;
        h.key = {r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>()};
        h.inventory.distribution = distribution_at(r, 4);
        out.push_back(std::move(h));
      }
      auto& h = out.back();
      h.package_ids.push_back(r[10].as<std::int64_t>());
      h.inventory.packages.push_back(package_at(r, 11));
    }
    tx.commit();
    return out;
  });
}

}  // namespace regscand::storage
