// The job queue, read-only (role reader):
//   GET /v1/jobs?state=queued|running|succeeded|failed|dead|cancelled&limit=1..500&cursor=   newest first
//   GET /v1/jobs/{id}
// Unknown query parameters and bad values are 400 naming the parameter.
#pragma once

#include "server/http/router.hpp"
#include "storage/job_queue.hpp"

namespace regscand::server::api {

// `queue` must outlive the router's server.
void add_job_routes(http::Router& router, storage::JobQueue& queue);

}  // namespace regscand::server::api
