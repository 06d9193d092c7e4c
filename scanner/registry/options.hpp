// Limits and timeouts of a RegistryClient. Every read has a deadline and every body a byte cap; a blob also
// has a minimum transfer rate. A stop request on `stop` cancels the client's request in flight.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>

#include "config/config.hpp"
#include "scanner/registry/user_agent.hpp"

namespace regscand::scanner::registry {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};    // resolve + TCP connect + TLS handshake
  std::chrono::milliseconds read_timeout{30'000};       // idle: longest wait for the next bytes
  std::chrono::milliseconds request_timeout{120'000};   // one manifest or token exchange, start to end
  std::chrono::milliseconds blob_timeout{30 * 60'000};  // one blob download, start to end
  // A blob must bring blob_min_rate bytes per second in each blob_rate_window (MinRate); 0 = no minimum.
  std::uint64_t blob_min_rate = 10 * 1024;
  std::chrono::milliseconds blob_rate_window{30'000};
  std::size_t max_manifest_bytes = 4 * 1024 * 1024;
  std::size_t max_list_bytes = 4 * 1024 * 1024;  // one page of /v2/_catalog or a tags list
  std::size_t max_header_bytes = 64 * 1024;      // status line + headers of one response
  std::size_t max_token_bytes = 64 * 1024;       // token endpoint answer
  std::size_t max_error_body_bytes = 64 * 1024;  // bodies of non-2xx answers are read this far, then dropped
  unsigned max_redirects = 5;                    // blob GETs
  unsigned max_attempts = 4;                     // per request, on 429/502/503/504 (1 = no retry)
  std::chrono::milliseconds initial_backoff{1'000};
  std::chrono::milliseconds max_backoff{30'000};  // caps the doubling backoff and any Retry-After
  // How to wait between attempts; empty = sleep, returning early on a stop request. Tests pass one that
  // records the delays.
  std::function<void(std::chrono::milliseconds)> sleep;
  std::string user_agent = registry::user_agent();
  // A stop request fails the request in flight and every later one (Unavailable "cancelled"): shutdown.
  std::stop_token stop;

  // The defaults with the scanner.blob_* settings, cancelled by `stop`.
  static ClientOptions from(const config::ScannerConfig& scanner, std::stop_token stop = {}) {
    ClientOptions options;
    options.blob_timeout = scanner.blob_timeout;
    options.blob_min_rate = scanner.blob_min_rate;
    options.blob_rate_window = scanner.blob_rate_window;
    options.stop = std::move(stop);
    return options;
  }
};

}  // namespace regscand::scanner::registry
