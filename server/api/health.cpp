#include "server/api/health.hpp"

#include "server/http/request_context.hpp"

namespace regscand::server::api {

void add_health_routes(http::Router& router, ReadinessCheck readiness) {
  router.add(http::Verb::get, "/healthz", {}, [](http::RequestContext&) -> net::awaitable<http::Response> {
    co_return http::json_response(http::Status::ok, {{"status", "ok"}});
  });
  router.add(http::Verb::get, "/readyz", {},
             [readiness = std::move(readiness)](http::RequestContext& ctx) -> net::awaitable<http::Response> {
               // g++ 12 destroys a callable with a non-trivial destructor twice when it passes through
               // run_blocking's coroutine parameter, so hand it a pointer to the (long-lived) check instead.
               const ReadinessCheck* check = &readiness;
               auto call = [check] { return (*check)(); };
               Result<void> ready = co_await run_blocking(ctx.blocking_pool(), call);
               if (!ready) {
                 co_return http::error_response(http::Status::service_unavailable,
                                                to_string(ErrorCode::Unavailable), ready.error().message);
               }
               co_return http::json_response(http::Status::ok, {{"status", "ready"}});
             });
}

}  // namespace regscand::server::api
