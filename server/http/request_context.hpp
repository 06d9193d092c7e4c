// What a handler sees of one request: the parsed request, its decoded path parameters, the request id,
// the authenticated principal, and the blocking pool for database or other blocking work
// (`co_await run_blocking(ctx.blocking_pool(), fn)`; never block the I/O thread).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/base/asio.hpp"
#include "config/base/error.hpp"
#include "server/http/auth.hpp"
#include "server/http/response.hpp"
#include "server/http/router.hpp"

namespace regscand::server::http {

inline constexpr int kDefaultJsonDepth = 64;

class RequestContext {
 public:
  RequestContext(Request& request, const Route& route, PathParams params, std::string_view request_id,
                 std::optional<Principal> principal, net::thread_pool& blocking_pool);

  Request& request() { return request_; }
  const Request& request() const { return request_; }
  std::string_view body() const { return request_.body(); }

  // The request target split at '?', both still percent-encoded; query() has no '?'.
  std::string_view path() const;
  std::string_view query() const;

  // A decoded path parameter named in the route pattern; empty when the pattern has no such name.
  std::string_view param(std::string_view name) const;
  const PathParams& params() const { return params_; }

  const Route& route() const { return route_; }
  std::string_view request_id() const { return request_id_; }
  // nullopt on open routes (auth is not checked there); {"anonymous", Admin} when auth is disabled.
  const std::optional<Principal>& principal() const { return principal_; }
  net::thread_pool& blocking_pool() const { return blocking_pool_; }

  // Parses the body as JSON; InvalidArgument when malformed or nested deeper than max_depth.
  [[nodiscard]] Result<nlohmann::json> json_body(int max_depth = kDefaultJsonDepth) const;

  // error_response(error, request_id()): logs internal errors with this request's id.
  Response error(const Error& error) const;

 private:
  Request& request_;
  const Route& route_;
  PathParams params_;
  std::string request_id_;
  std::optional<Principal> principal_;
  net::thread_pool& blocking_pool_;
};

}  // namespace regscand::server::http
