#include "server/api/openapi.hpp"

#include "server/api/query_params.hpp"
#include "server/http/request_context.hpp"

namespace regscand::server::api {

void add_openapi_routes(http::Router& router) {
  const http::RouteOptions reader{config::Role::Reader, {}};
  router.add(http::Verb::get, "/v1/openapi.json", reader,
             [](http::RequestContext& ctx) -> net::awaitable<http::Response> {
               if (auto params = QueryParams::parse(ctx.query(), {}); !params)
                 co_return ctx.error(params.error());
               // Parsed once; the document is a build input, so a parse failure is a build bug.
               static const nlohmann::json kDocument = nlohmann::json::parse(openapi_document());
               co_return json_with_etag(ctx, kDocument);
             });
}

}  // namespace regscand::server::api
