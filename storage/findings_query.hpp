// Read-only queries behind the REST API's vulnerability views: one image's findings, the cross-image
// findings feed (Defender-style shape), finding events, one vulnerability and the images it affects. Items
// come back as the API's JSON objects; lists are keyset-paginated with opaque cursors
// (storage/page_cursor.hpp). Blocking (libpqxx): never call on an I/O thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/feeds/advisory.hpp"
#include "storage/catalog_query.hpp"
#include "storage/database.hpp"
#include "storage/page_cursor.hpp"

namespace regscand::storage {

// Orders of an image's findings; each ends with the finding's unique key, so pages never overlap.
enum class FindingSort {
  Severity,       // worst first, then vulnerability id, package name
  Cvss,           // highest CVSS score first (none last), then vulnerability id, package name
  Vulnerability,  // vulnerability id, package name
  Package,        // package name, vulnerability id
};

struct ImageFindingFilter {
  std::vector<scanner::feeds::Severity> severities;  // empty = any
  std::optional<bool> fixable;                       // a fixed version is known
  std::string package;                               // "" = any; package name or source name
  PackageType type = PackageType::Any;
  FindingSort sort = FindingSort::Severity;
};

enum class FindingStatus { Open, Resolved, Any };

struct FindingFeedFilter {
  std::vector<scanner::feeds::Severity> severities;
  std::string registry, repository;  // "" = any
  std::string since;                 // RFC 3339; found or resolved at or after it; "" = any
  FindingStatus status = FindingStatus::Open;
};

struct EventFilter {
  std::string since;  // RFC 3339; "" = any
  std::string kind;   // "new", "resolved" or "" = any
  std::string registry, repository;
};

struct VulnerabilityDetail {
  std::vector<nlohmann::json> advisories;  // stored advisory documents naming the id (as id or alias)
  std::int64_t images = 0;                 // images with an open finding of it
  std::int64_t findings = 0;               // open findings of it
};

class FindingsQuery {
 public:
  // Registers its statements on `db`, which must outlive the query object.
  explicit FindingsQuery(Database& db);

  // Open findings of one inventory (CatalogQuery::resolve_image).
  [[nodiscard]] Result<Page> image_findings(std::int64_t inventory_id, const ImageFindingFilter& filter,
                                            std::string_view cursor, int limit);
  // Findings across images in key order (inventory, package, path, vulnerability).
  [[nodiscard]] Result<Page> findings(const FindingFeedFilter& filter, std::string_view cursor, int limit);
  // Events in commit order (oldest first): events of transactions still running are held back until no
  // older transaction runs. next_cursor is set on every page with events (the feed's end too).
  [[nodiscard]] Result<Page> events(const EventFilter& filter, std::string_view cursor, int limit);
  // nullopt when neither an advisory nor a finding names `id`.
  [[nodiscard]] Result<std::optional<VulnerabilityDetail>> vulnerability(const std::string& id);
  // Images with an open finding of `id` or of an advisory that lists `id` as an alias, by inventory.
  [[nodiscard]] Result<Page> vulnerability_images(const std::string& id, std::string_view cursor, int limit);

 private:
  Database& db_;
};

}  // namespace regscand::storage
