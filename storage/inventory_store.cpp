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
constexpr std::string_view kGetInventory = "inventory.get_image";

json package_json(const Package& p) {
  return {{"ecosystem", p.ecosystem},
          {"name", p.name},
          {"version", p.version},
          {"arch", p.arch},
          {"source_name", p.source_name},
          {"source_version", p.source_version},
          {"path", p.path}};
}

std::string text(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Package package_from(const json& j) {
  return Package{text(j, "ecosystem"),   text(j, "name"),           text(j, "version"), text(j, "arch"),
                 text(j, "source_name"), text(j, "source_version"), text(j, "path")};
}

template <class Set>
json strings(const Set& set) {
  json out = json::array();
  for (const auto& s : set) out.push_back(s);
  return out;
}

}  // namespace

std::string layer_report_to_json(const LayerReport& report) {
  json packages = json::array();
  for (const auto& p : report.packages) packages.push_back(package_json(p));
  return json{{"present", strings(report.present)},
              {"removed", strings(report.removed)},
              {"opaque_dirs", strings(report.opaque_dirs)},
              {"release_files", report.release_files},
              {"packages", std::move(packages)},
              {"problems", report.problems},
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
    report.compressed_bytes = (*doc)["compressed_bytes"].get<std::uint64_t>();
    report.uncompressed_bytes = (*doc)["uncompressed_bytes"].get<std::uint64_t>();
  } catch (const json::exception& e) {
    return fail(ErrorCode::Internal,
                std::string("layer report: stored JSON has the wrong shape: ") + e.what());
  }
  return report;
}

InventoryStore::InventoryStore(Database& db) : db_(db) {
  const std::pair<std::string_view, std::string_view> statements[] = {
      {kFindLayer, "SELECT report::text FROM layer_reports WHERE digest = $1 AND analyzers = $2"},
      {kStoreLayer,
       "INSERT INTO layer_reports (digest, analyzers, report) VALUES ($1, $2, $3::jsonb)"
       " ON CONFLICT (digest, analyzers) DO NOTHING"},
      {kPutInventory,
       "INSERT INTO image_inventories (registry, repository, digest, analyzers, platform, index_digest,"
       " distribution, packages, package_count, layers) VALUES ($1, $2, $3, $4, nullif($5, ''), nullif($6, "
       "''),"
       " $7::jsonb, $8::jsonb, $9::integer, $10::jsonb)"
       " ON CONFLICT (registry, repository, digest) DO UPDATE SET analyzers = excluded.analyzers,"
       " platform = excluded.platform, index_digest = excluded.index_digest, distribution = "
       "excluded.distribution,"
       " packages = excluded.packages, package_count = excluded.package_count, layers = excluded.layers,"
       " updated_at = now()"},
      {kGetInventory,
       "SELECT analyzers, coalesce(platform, ''), coalesce(index_digest, ''), coalesce(distribution::text, "
       "'null'),"
       " packages::text, package_count FROM image_inventories WHERE registry = $1 AND repository = $2 AND "
       "digest = $3"},
  };
  for (const auto& [name, sql] : statements) {
    auto registered = db_.register_statement(std::string(name), std::string(sql));
    if (!registered) {
      spdlog::critical("inventory store: {}", registered.error().message);
      std::abort();
    }
  }
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
    j["layer"] = layer < layers.size() ? layers[layer] : std::string();
    packages.push_back(std::move(j));
  }
  json distribution = nullptr;
  if (const auto& d = inventory.distribution) {
    distribution = {{"id", d->id},
                    {"version_id", d->version_id},
                    {"version_codename", d->version_codename},
                    {"pretty_name", d->pretty_name}};
  }
  const std::string packages_text = packages.dump();
  const std::string distribution_text = distribution.dump();
  const std::string layers_text = json(layers).dump();
  const int count = static_cast<int>(inventory.packages.size());
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_prepared(std::string(kPutInventory), key.registry, key.repository, key.digest,
                     std::string(analyzers), std::string(platform), std::string(index_digest),
                     distribution_text, packages_text, count, layers_text);
    tx.commit();
  });
}

Result<std::optional<StoredInventory>> InventoryStore::get_inventory(const ManifestKey& key) {
  return db_.run([&](pqxx::connection& conn) -> std::optional<StoredInventory> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kGetInventory), key.registry, key.repository, key.digest);
    tx.commit();
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    return StoredInventory{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                           r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<int>()};
  });
}

}  // namespace regscand::storage
