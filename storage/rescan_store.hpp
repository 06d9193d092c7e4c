// What the rescan scheduler and imports need from the database: the live images due for a rescan at a
// given time, queueing a job for an image that has no queued or running job of any kind, importing an
// image (its manifests row, its tag, a job), and the inventories stored under a manifest (itself, or the
// platform images of an index). Times are passed in (the scheduler's clock), never read from now().
// Blocking (libpqxx): never call on an I/O thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"
#include "storage/database.hpp"
#include "storage/manifest_store.hpp"

namespace regscand::storage {

// Job kinds and priorities next to the inbox's ("scan", kPushScanPriority = 100): claims take higher
// priorities first, so rescans wait behind pushes and imports.
inline constexpr std::string_view kRescanJobKind = "rescan";
inline constexpr std::string_view kImportJobKind = "import";
inline constexpr std::string_view kCatalogJobKind = "catalog";
inline constexpr int kImportPriority = 100;
inline constexpr int kRescanPriority = 50;
inline constexpr int kCatalogPriority = 100;
// The subject of a catalog walk: jobs(registry, repository, digest) = (name, kCatalogSubject,
// kCatalogSubject).
inline constexpr std::string_view kCatalogSubject = "_catalog";

struct DueCriteria {
  std::chrono::system_clock::time_point now;
  std::chrono::milliseconds pulled_within{0};  // last_pulled_at >= now - pulled_within
  std::chrono::milliseconds rescan_every{0};   // no scan attempt started after now - rescan_every
  std::chrono::milliseconds pushed_within{
      0};  // 0 = off; else last_pushed_at >= now - pushed_within also counts
};

struct DueImage {
  std::int64_t manifest_id = 0;
  ManifestKey key;
};

struct Imported {
  std::int64_t job_id = 0;
  bool created = false;  // false: the image already had a queued or running job (its id is returned)
};

// Microseconds since the Unix epoch: how a time is passed to SQL.
std::int64_t epoch_micros(std::chrono::system_clock::time_point time);

class RescanStore {
 public:
  // Registers its statements on `db`, which must outlive the store.
  explicit RescanStore(Database& db);

  // Live (not deleted) manifests due under `criteria` that have no queued or running job of any kind, in
  // manifest id order after `after_id`, at most `limit`.
  [[nodiscard]] Result<std::vector<DueImage>> due(const DueCriteria& criteria, std::int64_t after_id,
                                                  int limit);

  // Queues a job of `kind` for `key` unless the image has a queued or running job of any kind, or was
  // deleted. The new job's id, or nullopt. NOTIFY with the commit.
  [[nodiscard]] Result<std::optional<std::int64_t>> enqueue(const ManifestKey& key, std::string_view kind,
                                                            int priority, int max_attempts);

  // An image that arrived without a push webhook: creates its manifests row (undeleting it) and, when
  // `tag` is not empty, points the tag at it; then queues a job of `kind` unless one of any kind is active,
  // or (`scanned_since`, a timestamptz text, not empty) its last successful scan finished at or after that
  // time: then job_id is 0 and created false.
  [[nodiscard]] Result<Imported> import(const ManifestKey& key, std::string_view tag, std::string_view kind,
                                        int priority, int max_attempts, std::string_view scanned_since = {});

  // Points `tag` at the image `key` (e.g. a further tag of an image just imported), queueing nothing.
  [[nodiscard]] Result<void> record_tag(const ManifestKey& key, std::string_view tag);

  // Queues a job whose subject is (registry, repository, digest) as given, e.g. a catalog walk; returns the
  // active job's id when one exists.
  [[nodiscard]] Result<Imported> enqueue_subject(const ManifestKey& subject, std::string_view kind,
                                                 int priority, int max_attempts);

  // The keys of the inventories stored for `key`: the image itself, or the platform images reached
  // through it when it is an index.
  [[nodiscard]] Result<std::vector<ManifestKey>> inventories_of(const ManifestKey& key);

 private:
  Database& db_;
};

}  // namespace regscand::storage
