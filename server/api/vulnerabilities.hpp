// Vulnerabilities, read-only (role reader):
//   GET /v1/vulnerabilities/{id}                          advisories naming the id (as id or alias) and the
//                                                         exposure; ETag / If-None-Match; 404 when unknown
//   GET /v1/vulnerabilities/{id}/images?limit=&cursor=    images with an open finding of it (or of an alias)
#pragma once

#include "server/http/router.hpp"
#include "storage/findings_query.hpp"

namespace regscand::server::api {

// `findings` must outlive the router's server.
void add_vulnerability_routes(http::Router& router, storage::FindingsQuery& findings);

// The detail document: the advisories merged (aliases, references and CVSS vectors united, the earliest
// published time), each advisory as stored, and the exposure counts.
nlohmann::json vulnerability_json(const std::string& id, const storage::VulnerabilityDetail& detail);

}  // namespace regscand::server::api
