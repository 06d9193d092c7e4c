// One keep-alive HTTP/1.1 connection to one origin (http, or https through a TlsContext), blocking. Every
// step has a deadline: connect (resolve + TCP + TLS) at most connect_timeout, each read at most
// read_timeout of silence, and all of it before the caller's deadline. Headers are capped; bodies stream
// into a ByteSink under a byte cap and, if asked, a minimum transfer rate. A stop request on the limits'
// stop_token ends the operation in flight at once. A connection the server closed while idle is reopened
// once. Not thread-safe; internal to scanner/registry.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/base/error.hpp"
#include "scanner/registry/sink.hpp"
#include "scanner/registry/url.hpp"

namespace regscand::scanner::registry {

class TlsContext;

using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct ResponseHead {
  unsigned status = 0;
  Headers headers;
  std::optional<std::uint64_t> content_length;

  // The first header with this name (ASCII case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
  // Every value of headers with this name, in order.
  std::vector<std::string_view> headers_named(std::string_view name) const;
};

struct ConnectionLimits {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds read_timeout{30'000};
  std::size_t max_header_bytes = 64 * 1024;
  std::stop_token stop;  // a stop request fails what runs then and after: Unavailable "cancelled"
};

// The slowest body read_body accepts: each `window` must bring bytes_per_second * window bytes, counted
// from the moment the previous window's share was in (so a burst cannot pay for a later stall). Below it,
// DeadlineExceeded "transfer rate 1 B/s under the minimum 10 KiB/s over 30 s". 0 = no minimum.
struct MinRate {
  std::uint64_t bytes_per_second = 0;
  std::chrono::milliseconds window{30'000};
};

// Waits `delay`, or until `stop` is requested.
void sleep_unless_stopped(std::chrono::milliseconds delay, const std::stop_token& stop);

class HttpConnection {
 public:
  // `tls` (required for https origins) must outlive the connection.
  HttpConnection(Origin origin, TlsContext* tls, ConnectionLimits limits);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  const Origin& origin() const;

  // Sends a request without a body and reads the response head; the body is then pending: read it with
  // read_body or discard_body before the next send (else the connection is dropped and reopened).
  // Unavailable (refused, reset, malformed response, TLS failure), DeadlineExceeded, ResourceExhausted
  // (headers over the cap).
  [[nodiscard]] Result<ResponseHead> send(std::string_view method, std::string_view target,
                                          const Headers& headers, Clock::time_point deadline);
  // Streams the pending body into `sink`. More than max_bytes (announced or received) -> ResourceExhausted;
  // slower than `min_rate` -> DeadlineExceeded. On any error the connection is closed.
  [[nodiscard]] Result<void> read_body(ByteSink& sink, std::uint64_t max_bytes, Clock::time_point deadline,
                                       MinRate min_rate = {});
  // Reads the pending body and drops it; past max_bytes, or on error, just closes the connection.
  void discard_body(std::uint64_t max_bytes, Clock::time_point deadline);
  void close();

  // TCP connections opened so far (1 while a single keep-alive connection serves every request).
  unsigned connects() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace regscand::scanner::registry
