// GET /metrics (open): the Prometheus text exposition format 0.0.4 of `metrics`, after its collector hooks.
#pragma once

#include "server/http/metrics.hpp"
#include "server/http/router.hpp"

namespace regscand::server::api {

// `metrics` must outlive the router's server.
void add_metrics_routes(http::Router& router, http::Metrics& metrics);

}  // namespace regscand::server::api
