// Feed sources, their advisories (JSON documents) and the reverse index from package names to advisories.
// An import replaces one source's advisories in one transaction and reports what changed and which package
// names it touched, which is all a re-match needs. Blocking (libpqxx): never call on an I/O thread.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scanner/feeds/advisory.hpp"
#include "scanner/feeds/fetch.hpp"
#include "storage/database.hpp"

namespace regscand::storage {

struct FeedImport {
  std::string source;       // the path or URL as configured
  std::string kind;         // "osv-zip", "debian-tracker", ...
  std::string fingerprint;  // of the content read
  std::vector<scanner::feeds::Advisory> advisories;
  std::size_t rejected = 0;
};

struct ImportDiff {
  std::size_t added = 0, changed = 0, removed = 0, unchanged = 0;
  std::set<std::string> names;  // package names (as indexed) of every added, changed or removed advisory
};

struct FeedSourceStatus {
  std::string source, kind, fingerprint;
  std::int64_t record_count = 0, rejected_count = 0;
  std::string last_attempt_at, last_success_at, last_error;  // RFC 3339 UTC; "" when never
  std::string last_checked_at;                               // imported, or found unchanged; "" when never
  double last_checked_unix = 0;  // the same in seconds since the epoch; 0 when never
};

class AdvisoryStore {
 public:
  // Registers its statements on `db`, which must outlive the store.
  explicit AdvisoryStore(Database& db);

  // The fingerprint of the source's last successful import; nullopt when never imported.
  [[nodiscard]] Result<std::optional<std::string>> fingerprint(const std::string& source);
  // The HTTP validators stored with the source's last successful import (empty when none).
  [[nodiscard]] Result<scanner::feeds::Validators> validators(const std::string& source);
  // Replaces the stored validators of a source imported before (a download whose bytes were unchanged).
  [[nodiscard]] Result<void> remember_validators(const std::string& source,
                                                 const scanner::feeds::Validators& validators);
  // Advisories are keyed by id within their source; of duplicate ids the last wins.
  // `validators` (a URL's ETag / Last-Modified; empty for paths) are stored with the source.
  [[nodiscard]] Result<ImportDiff> replace(const FeedImport& import,
                                           const scanner::feeds::Validators& validators = {});
  [[nodiscard]] Result<void> record_failure(const std::string& source, const std::string& kind,
                                            const std::string& error);
  // A source imported before was found unchanged (304 or same fingerprint): checked now, no error.
  [[nodiscard]] Result<void> mark_checked(const std::string& source);
  [[nodiscard]] Result<std::vector<scanner::feeds::Advisory>> load_all();
  [[nodiscard]] Result<std::vector<FeedSourceStatus>> sources();

 private:
  Database& db_;
};

}  // namespace regscand::storage
