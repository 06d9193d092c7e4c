// Cross-image views, read-only (role reader):
//   GET /v1/summary                                       counts for dashboards, at most summary_max_age old
//                                                         (api/summary_cache.hpp)
//   GET /v1/findings?severity=&registry=&repository=&since=&status=open|resolved|any&limit=&cursor=
//       each finding in the Defender-style shape: vulnerabilityDetails, artifactDetails, softwareDetails,
//       remediation, status
//   GET /v1/events?since=&kind=new|resolved&registry=&repository=&limit=&cursor=   oldest first, for pollers
#pragma once

#include <chrono>

#include "server/http/router.hpp"
#include "storage/catalog_query.hpp"
#include "storage/findings_query.hpp"

namespace regscand::server::api {

// The queries must outlive the router's server.
void add_finding_routes(http::Router& router, storage::CatalogQuery& catalog,
                        storage::FindingsQuery& findings,
                        std::chrono::milliseconds summary_max_age = std::chrono::seconds(10));

}  // namespace regscand::server::api
