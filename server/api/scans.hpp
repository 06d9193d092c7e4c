// Scans on demand (import): images that arrived without a push webhook.
//   POST /v1/scans {"registry", "repository", "tag" | "digest"}   role writer; 202 + Location /v1/scans/{id}
//     A tag is resolved to its digest at the registry (by `tag_resolver`: its own threads, a deadline, a
//     budget); the image's manifests row (and tag) is recorded and an "import" job queued unless the image
//     has a queued or running job, whose id is then returned.
//   POST /v1/scans:catalog {"registry"}                            role writer; 202 + Location /v1/scans/{id}
//     Queues one "catalog" job walking the registry's catalog (server/jobs/catalog_handler); while it is
//     queued or running, the same id is returned.
//   GET /v1/scans/{id}                                             role reader; the job and its scan attempts
//     (a catalog job: its result once done; repository and digest null)
// Errors: 400 naming the field, 404 for an unknown registry, tag or id, 503 when the registry is unreachable.
#pragma once

#include "config/config.hpp"
#include "server/api/tag_resolver.hpp"
#include "server/http/router.hpp"
#include "storage/job_queue.hpp"
#include "storage/rescan_store.hpp"
#include "storage/scan_store.hpp"

namespace regscand::server::api {

struct ScanRouteDeps {
  const config::Config& config;
  storage::JobQueue& queue;
  storage::RescanStore& rescans;
  storage::ScanStore& scans;
  TagResolver& tag_resolver;
};

// Everything in `deps` must outlive the router's server.
void add_scan_routes(http::Router& router, ScanRouteDeps deps);

}  // namespace regscand::server::api
