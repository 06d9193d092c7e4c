#include "server/api/metrics.hpp"

#include "server/http/request_context.hpp"

namespace regscand::server::api {

void add_metrics_routes(http::Router& router, http::Metrics& metrics) {
  router.add(http::Verb::get, "/metrics", {},
             [&metrics](http::RequestContext&) -> net::awaitable<http::Response> {
               co_return http::text_response(http::Status::ok, metrics.render(),
                                             "text/plain; version=0.0.4; charset=utf-8");
             });
}

}  // namespace regscand::server::api
