// Manifests as the scan workers see them: whether one was deleted, and what a scan resolved about it
// (media type and size as fetched, the analyzers fingerprint it was scanned with). Rows are created by
// the webhook inbox; this never creates one. Blocking (libpqxx): never call on an I/O thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "storage/database.hpp"

namespace regscand::storage {

struct ManifestKey {
  std::string registry, repository, digest;
};

struct ManifestRecord {
  bool deleted = false;
  std::string media_type;           // as announced by the registry's event; may be empty
  std::string resolved_media_type;  // as fetched by the last scan; empty = never resolved
  std::int64_t resolved_size = -1;
  std::string scanned_with;  // empty = never scanned
  std::int64_t pull_count = 0;
  std::string last_pulled_at;  // RFC 3339 UTC, empty = never
};

struct Resolved {
  std::string media_type;
  std::int64_t size = 0;
  std::string scanned_with;  // analyzers fingerprint of this scan
};

class ManifestStore {
 public:
  // Registers its statements on `db`, which must outlive the store.
  explicit ManifestStore(Database& db);

  [[nodiscard]] Result<std::optional<ManifestRecord>> get(const ManifestKey& key);

  // Records a successful scan's resolution. False when the manifest is unknown or was deleted meanwhile.
  [[nodiscard]] Result<bool> record_resolved(const ManifestKey& key, const Resolved& resolved);

 private:
  Database& db_;
};

}  // namespace regscand::storage
