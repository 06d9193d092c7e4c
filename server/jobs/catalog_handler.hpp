// The "catalog" job (POST /v1/scans:catalog) onboards an existing registry: it walks GET /v2/_catalog and
// each repository's tags list page by page along their Link headers, resolves each tag's manifest digest,
// and imports each image once (its manifests row, its tags, one "import" job unless the image already has a
// queued or running job). The job's result:
//   {"registry", "repositories", "tags", "images_queued", "images_skipped", "errors", "error_samples"}
// images_skipped counts images that already had an active job or were scanned since the catalog job was
// queued (so a walk retried after a temporary failure does not queue its images again); errors counts
// repositories whose tags list answered 401/403/404 and tags that could not be resolved (the walk goes on),
// with the first messages in error_samples.
//
// Hostile answers fail the job with a reason: bad JSON, a Link to another host or path (InvalidArgument,
// not retried), the same page twice or more pages, repositories or tags than CatalogLimits allows
// (FailedPrecondition, not retried). An unreachable registry or database is retried with backoff.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "scanner/registry/catalog.hpp"
#include "scanner/registry/options.hpp"
#include "server/jobs/job_handlers.hpp"
#include "storage/rescan_store.hpp"

namespace regscand::server::jobs {

struct CatalogLimits {
  std::size_t page_size = 100;     // n= of each catalog and tags list request
  std::size_t max_pages = 10'000;  // per listing: the catalog, or one repository's tags
  std::size_t max_repositories = 50'000;
  std::size_t max_tags = 500'000;      // over every repository
  std::size_t max_error_samples = 20;  // messages kept in the result
};

// What the walk reads from the registry: a RegistryClient in the daemon, fakes in tests.
class CatalogSource {
 public:
  virtual ~CatalogSource() = default;
  [[nodiscard]] virtual Result<scanner::registry::NamePage> repositories(std::size_t page_size,
                                                                         std::string_view next) = 0;
  [[nodiscard]] virtual Result<scanner::registry::NamePage> tags(std::string_view repository,
                                                                 std::size_t page_size,
                                                                 std::string_view next) = 0;
  // The digest of the manifest `tag` names.
  [[nodiscard]] virtual Result<std::string> digest_of(std::string_view repository, std::string_view tag) = 0;
};

// Where the walk records images: RescanStore in the daemon.
class CatalogImporter {
 public:
  virtual ~CatalogImporter() = default;
  // Records the image under `tag` and queues its import; false when it already had an active job.
  [[nodiscard]] virtual Result<bool> import(std::string_view repository, std::string_view digest,
                                            std::string_view tag) = 0;
  // Records a further tag of an image this walk imported already.
  [[nodiscard]] virtual Result<void> tag(std::string_view repository, std::string_view digest,
                                         std::string_view tag) = 0;
};

struct CatalogReport {
  std::size_t repositories = 0;
  std::size_t tags = 0;
  std::size_t images_queued = 0;
  std::size_t images_skipped = 0;
  std::size_t errors = 0;
  std::vector<std::string> error_samples;

  std::string to_json(std::string_view registry) const;
};

// Walks the whole catalog of `source` into `importer`. Errors as in the header comment.
[[nodiscard]] Result<CatalogReport> walk_catalog(CatalogSource& source, CatalogImporter& importer,
                                                 const CatalogLimits& limits);

// `config` and `rescans` must outlive the handler; each job opens its own RegistryClient.
JobHandler make_catalog_handler(const config::Config& config, storage::RescanStore& rescans,
                                CatalogLimits limits = {}, scanner::registry::ClientOptions client = {});

}  // namespace regscand::server::jobs
