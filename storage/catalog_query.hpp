// Read-only queries behind the REST API's inventory views: the summary, repositories, the images of a
// repository, one image in full and its packages. Items come back as the API's JSON objects, built by
// PostgreSQL (jsonb_build_object) so each query is one round trip. Lists are keyset-paginated on a unique
// sort key with opaque cursors (storage/page_cursor.hpp). Blocking (libpqxx): never call on an I/O thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "storage/database.hpp"
#include "storage/page_cursor.hpp"

namespace regscand::storage {

// Which packages: all, those of a distribution's package manager, or those of a language ecosystem.
enum class PackageType { Any, Os, Language };

// The digest a path names, resolved: whether any manifest or inventory has it, and the inventory the
// image-level views read (of several repositories holding the digest, the most recently stored one).
struct ImageRef {
  bool known = false;
  std::optional<std::int64_t> inventory_id;
};

struct PackageFilter {
  PackageType type = PackageType::Any;
  std::string name;  // "" = any; else the package name or its source name
};

class CatalogQuery {
 public:
  // Registers its statements on `db`, which must outlive the query object.
  explicit CatalogQuery(Database& db);

  [[nodiscard]] Result<nlohmann::json> summary();
  // Ordered by (registry, repository). `registry` "" = all.
  [[nodiscard]] Result<Page> repositories(const std::string& registry, std::string_view cursor, int limit);
  // Non-deleted manifests of a repository, newest first.
  [[nodiscard]] Result<Page> repository_images(const std::string& registry, const std::string& repository,
                                               std::string_view cursor, int limit);
  // nullopt when no manifest or inventory has the digest.
  [[nodiscard]] Result<std::optional<nlohmann::json>> image(const std::string& digest);
  [[nodiscard]] Result<ImageRef> resolve_image(const std::string& digest);
  // Ordered by package name.
  [[nodiscard]] Result<Page> image_packages(std::int64_t inventory_id, const PackageFilter& filter,
                                            std::string_view cursor, int limit);

 private:
  Database& db_;
};

// The ecosystems whose packages are "language" packages, as a PostgreSQL array literal; the others are "os"
// (mirrors scanner::ecosystems::package_type; a test keeps the two in step).
std::string_view language_ecosystems_literal();

}  // namespace regscand::storage
