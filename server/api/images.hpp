// Repositories and images, read-only (role reader):
//   GET /v1/repositories?registry=&limit=&cursor=                   by (registry, repository)
//   GET /v1/repositories/{name...}/images?registry=&limit=&cursor=  newest first; 404 for an unknown one
//   GET /v1/images/{digest}                                         ETag / If-None-Match
//   GET /v1/images/{digest}/vulnerabilities?severity=&fixable=&package=&type=&sort=&limit=&cursor=
//   GET /v1/images/{digest}/packages?type=&package=&limit=&cursor=
// Unknown parameters and bad values are 400 naming the parameter.
#pragma once

#include "server/http/router.hpp"
#include "storage/catalog_query.hpp"
#include "storage/findings_query.hpp"

namespace regscand::server::api {

// The queries must outlive the router's server.
void add_image_routes(http::Router& router, storage::CatalogQuery& catalog, storage::FindingsQuery& findings);

}  // namespace regscand::server::api
