// Report exports of one image, read-only (role reader):
//   GET /v1/images/{digest}/report?format=sarif       SARIF 2.1.0 (application/sarif+json)
//   GET /v1/images/{digest}/report?format=cyclonedx   CycloneDX 1.5 JSON (application/vnd.cyclonedx+json)
// A missing or unknown format, or another parameter, is 400 naming it; an unknown digest is 404. The image's
// packages and findings are read in pages of kMaxPageLimit rows and rendered by server/reports/.
#pragma once

#include "server/http/router.hpp"
#include "storage/catalog_query.hpp"
#include "storage/database.hpp"
#include "storage/findings_query.hpp"

namespace regscand::server::api {

// The queries and the database (advisory texts) must outlive the router's server.
void add_report_routes(http::Router& router, storage::CatalogQuery& catalog, storage::FindingsQuery& findings,
                       storage::Database& db);

}  // namespace regscand::server::api
