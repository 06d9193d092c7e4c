// The advisory index the daemon matches with, and the two ways findings change: a scanned image is matched
// and its findings stored; an import replaces sources' advisories, rebuilds the index and re-matches only
// the stored inventories holding a package the change names, with no registry request. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "scanner/ecosystems/builtin.hpp"
#include "scanner/feeds/fetch.hpp"
#include "scanner/matching/index.hpp"
#include "storage/advisory_store.hpp"
#include "storage/finding_store.hpp"
#include "storage/inventory_store.hpp"

namespace regscand::server::feeds {

struct SourceReport {
  std::string source;  // as given, but a URL's user info and query redacted (scanner::feeds::redact_source)
  std::string kind;
  bool skipped = false;  // unchanged since the last import
  std::string error;     // "" when imported or skipped
  storage::ImportDiff diff;
  std::size_t rejected = 0;
  std::size_t warnings = 0;  // records taken with a warning (e.g. an OSV id prefix newer than our list)
};

struct RematchReport {
  std::size_t images = 0;  // inventories re-matched
  std::size_t new_findings = 0;
  std::size_t resolved_findings = 0;
};

struct ImportReport {
  std::vector<SourceReport> sources;
  RematchReport rematch;
  std::string error;  // when the re-match itself failed
};

// How the daemon and `regscand feeds import` download URL sources: into <data_dir>/scratch.
scanner::feeds::FetchOptions fetch_options(const config::Config& config);

// feeds.sources with "default" expanded (scanner/feeds/default_sources.hpp): what the daemon imports.
std::vector<std::string> effective_sources(const config::Config& config);

class FeedService {
 public:
  // `fetch` says how URL sources are downloaded (scratch directory, size cap, timeouts); a non-empty
  // `mirror` (feeds.mirror) is where URL sources are read from instead (scanner/feeds/mirror.hpp).
  FeedService(storage::AdvisoryStore& advisories, storage::InventoryStore& inventories,
              storage::FindingStore& findings, scanner::feeds::FetchOptions fetch = {},
              std::string mirror = {});

  // Builds the index from every stored advisory and swaps it in; the advisory count.
  [[nodiscard]] Result<std::size_t> load();
  std::shared_ptr<const scanner::matching::AdvisoryIndex> index() const;

  // Matches `inventory` (stored under `key`) with the current index and stores the findings.
  [[nodiscard]] Result<storage::FindingsChange> match(
      const storage::ManifestKey& key, const scanner::pipeline::ImageInventory& inventory) const;

  // Imports each source (a source that fails is recorded with its error; the others go on), then, when
  // anything changed, reloads the index and re-matches the inventories the change touched. A URL is
  // downloaded to a scratch file (deleted afterwards), asked conditionally unless `force`: a 304, like an
  // unchanged fingerprint, skips it (the source is marked checked). Sources are stored and reported under
  // redact_source(source), also when read through the mirror. Once the fetch options' stop is requested,
  // the download in flight fails unrecorded and the sources after it are not read.
  ImportReport import(const std::vector<std::string>& sources, bool force);

  [[nodiscard]] Result<RematchReport> rematch(const std::set<std::string>& names);

 private:
  // One source into `r`; the package names its change touched join `names`.
  void import_one(const std::string& source, bool force, SourceReport& r, std::set<std::string>& names);

  storage::AdvisoryStore& advisories_;
  storage::InventoryStore& inventories_;
  storage::FindingStore& findings_;
  const scanner::feeds::FetchOptions fetch_;
  const std::string mirror_;
  const scanner::ecosystems::Matchers matchers_;
  mutable std::mutex mutex_;
  std::shared_ptr<const scanner::matching::AdvisoryIndex> index_;
};

}  // namespace regscand::server::feeds
