// Layer reports (the scanner's LayerCache port: JSON documents in table layer_reports), image configs (the
// ConfigCache port: table image_configs) and image inventories
// (tables image_inventories, image_layers, image_packages over the shared distributions and packages).
// Blocking (libpqxx): never call on an I/O thread.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/pipeline/config_cache.hpp"
#include "scanner/pipeline/layer_cache.hpp"
#include "storage/database.hpp"
#include "storage/manifest_store.hpp"

namespace regscand::storage {

struct StoredInventory {
  std::string analyzers, platform, index_digest;
  std::optional<scanner::Distribution> distribution;
  std::vector<std::string> layers;                            // digests, base first
  std::vector<scanner::pipeline::InventoryPackage> packages;  // by ecosystem, name, version, path
  std::vector<scanner::pipeline::InventoryProblem> problems;  // by path, ecosystem
};

// The packages of one stored inventory that a feed change concerns, with their row ids: what a scoped
// re-match reads instead of the whole inventory.
struct Holding {
  std::int64_t inventory_id = 0;
  ManifestKey key;
  scanner::pipeline::ImageInventory inventory;  // the distribution and only the concerned packages
  std::vector<std::int64_t> package_ids;        // packages.id of each of inventory.packages
};

class InventoryStore final : public scanner::pipeline::LayerCache, public scanner::pipeline::ConfigCache {
 public:
  // Registers its statements on `db`, which must outlive the store.
  explicit InventoryStore(Database& db);

  [[nodiscard]] Result<std::optional<scanner::pipeline::LayerReport>> find(
      const scanner::Digest& layer, std::string_view analyzers) override;
  [[nodiscard]] Result<void> store(const scanner::Digest& layer, std::string_view analyzers,
                                   const scanner::pipeline::LayerReport& report) override;

  [[nodiscard]] Result<std::optional<std::string>> find_config(const scanner::Digest& digest) override;
  [[nodiscard]] Result<void> store_config(const scanner::Digest& digest, std::string_view bytes) override;

  // Replaces the inventory of `key`. `layers` are the image's layer digests, base first; each package's
  // layer is an index into them.
  [[nodiscard]] Result<void> put_inventory(const ManifestKey& key, std::string_view analyzers,
                                           std::string_view platform, std::string_view index_digest,
                                           const scanner::pipeline::ImageInventory& inventory,
                                           const std::vector<std::string>& layers);
  [[nodiscard]] Result<std::optional<StoredInventory>> get_inventory(const ManifestKey& key);
  // Inventories holding a package whose name or source name is in `names`, each with just those packages
  // (all their paths): what a feed change may affect. By inventory id, then package.
  [[nodiscard]] Result<std::vector<Holding>> holdings(const std::set<std::string>& names);

 private:
  Database& db_;
};

// The JSON forms (exposed for tests).
std::string layer_report_to_json(const scanner::pipeline::LayerReport& report);
Result<scanner::pipeline::LayerReport> layer_report_from_json(std::string_view text);

// An image's problems as stored and shown by the API: [{ecosystem, path, limit, limit_value, message,
// layer: {position, digest}}], `layers` being the image's layer digests, base first.
nlohmann::json problems_json(const std::vector<scanner::pipeline::InventoryProblem>& problems,
                             const std::vector<std::string>& layers);

}  // namespace regscand::storage
