// Method + path-pattern routing. Patterns are '/'-separated segments: literals, `{name}` (exactly one
// non-empty segment) and at most one greedy `{name...}` (one or more segments, may be followed by more
// segments: `/v1/repositories/{name...}/images`). Parameters are percent-decoded into UTF-8 without NUL
// (otherwise BadPath). When several routes match a path, the one with more literal segments wins, then the
// non-greedy one, then the first added.
// HEAD is served by a GET route. Routes are fixed at startup: an invalid or duplicate pattern aborts.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/base/asio.hpp"
#include "config/base/error.hpp"
#include "config/config.hpp"
#include "server/http/response.hpp"

namespace regscand::server::http {

class RequestContext;

using Handler = std::function<net::awaitable<Response>(RequestContext&)>;
using PathParams = std::vector<std::pair<std::string, std::string>>;

struct RouteOptions {
  // Weakest role allowed to call the route; nullopt = open (no Authorization needed or checked).
  std::optional<config::Role> min_role;
  // Media types accepted for a request body ("application/json"); a body of any other type -> 415.
  // Empty = any.
  std::vector<std::string> content_types;
};

struct Route {
  Verb method;
  std::string pattern;  // also the bounded-cardinality `route` label in metrics and logs
  RouteOptions options;
  Handler handler;

  struct Segment {
    enum class Kind { Literal, Param, Greedy };
    Kind kind;
    std::string text;  // the literal, or the parameter name
  };
  std::vector<Segment> segments;
};

struct RouteMatch {
  enum class Kind { Found, NotFound, MethodNotAllowed, BadPath };
  Kind kind = Kind::NotFound;
  const Route* route = nullptr;  // Found only
  PathParams params;             // Found only, decoded
  std::string allow;             // MethodNotAllowed only: "GET, HEAD, POST"
  std::string error;             // BadPath only: why the path is unusable
};

// Checks a pattern's syntax; Router::add() aborts on the same errors.
[[nodiscard]] Result<std::vector<Route::Segment>> parse_pattern(std::string_view pattern);

class Router {
 public:
  // A Router is moved into the Server; routes must not be added after that.
  Router() = default;
  Router(Router&&) = default;
  Router& operator=(Router&&) = default;

  void add(Verb method, std::string_view pattern, RouteOptions options, Handler handler);

  // `path` is the request target without the query string.
  RouteMatch match(Verb method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace regscand::server::http
