// The per-request middleware, in a fixed order and free of sockets (server.cpp drives it):
//   admit():  request id -> route (404/405/400) -> auth (401/403) -> content type (415), from the header
//             alone, before any body byte is read;
//   call():   the handler, inside the session's catch-all boundary (an exception -> logged 500);
//   finish(): X-Request-Id and common headers on every response, then metrics and the access log.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "config/base/asio.hpp"
#include "server/http/auth.hpp"
#include "server/http/metrics.hpp"
#include "server/http/response.hpp"
#include "server/http/router.hpp"

namespace regscand::server::http {

inline constexpr std::string_view kUnmatchedRoute = "unmatched";
inline constexpr std::size_t kMaxRequestIdLength = 128;

// What admit() decided for one request; carried through to the access log.
struct Admission {
  std::string request_id;
  std::string route_label{kUnmatchedRoute};
  std::string method_label = "OTHER";
  std::string log_path = "-";  // target without the query string (which may hold secrets), truncated
  const Route* route = nullptr;
  PathParams params;
  std::optional<Principal> principal;
  std::optional<Response> rejection;  // set: answer this, do not call a handler
};

class Pipeline {
 public:
  Pipeline(Router router, Authenticator authenticator, Metrics& metrics);

  // `body_follows`: the parser still expects body bytes (Content-Length > 0 or chunked).
  Admission admit(const Request& header, bool body_follows) const;

  // For a request whose header never parsed (400, 408, 431): a fresh id, route "unmatched".
  static Admission unparsed();

  // Runs the admitted route's handler; never throws.
  net::awaitable<Response> call(Admission& admission, Request& request,
                                net::thread_pool& blocking_pool) const;

  // Sets the version, keep-alive, X-Request-Id and the fixed headers, then the payload length.
  static void decorate(Response& response, const Admission& admission, unsigned version, bool keep_alive);

  // Metrics and one access-log line (never headers, never the query string).
  void record(const Admission& admission, unsigned status, std::size_t bytes,
              std::chrono::steady_clock::duration elapsed, std::string_view remote) const;

  Metrics& metrics() const { return metrics_; }

 private:
  Router router_;
  Authenticator authenticator_;
  Metrics& metrics_;
};

// <= 128 chars of [A-Za-z0-9._-], non-empty.
bool is_valid_request_id(std::string_view id);
// The incoming id when valid, else 16 random bytes as 32 hex digits.
std::string request_id_for(std::optional<std::string_view> incoming);
// "GET", "POST", ...; "OTHER" for methods Beast does not know (bounded metric labels).
std::string method_label(Verb method);

}  // namespace regscand::server::http
