// GET /v1/openapi.json (role reader): docs/openapi.json, the OpenAPI 3.0 document of every route the
// server registers, embedded at build time (server/embed_text.cmake). tests/server/api/openapi_pgtest
// checks the document against the router serve builds, both ways.
#pragma once

#include <string_view>

#include "server/http/router.hpp"

namespace regscand::server::api {

// The bytes of docs/openapi.json.
std::string_view openapi_document();

void add_openapi_routes(http::Router& router);

}  // namespace regscand::server::api
