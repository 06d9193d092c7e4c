// The HTTP/1.1 server: a listener and one coroutine session per connection, served by `threads` I/O
// threads sharing one io_context, with optional TLS (1.2+). Requests on a connection are answered
// strictly in order, one at a time. Every read and write has a deadline; limits come from ServerConfig.
//
// Lifecycle: create() binds (errors are Results, nothing throws) -> start() -> shutdown() from any thread
// (not from a signal handler: use sigwait or a signal_set) -> wait(). shutdown() stops accepting, closes
// idle connections, lets in-flight requests finish for up to shutdown_timeout, then closes the rest;
// wait() returns shortly after. Blocking work still running on blocking_pool() is awaited by ~Server.
#pragma once

#include <cstdint>
#include <memory>

#include "config/base/asio.hpp"
#include "config/base/error.hpp"
#include "config/config.hpp"
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"

namespace regscand::server::http {

class Server {
 public:
  // Binds config.host:config.port (0 = an ephemeral port) and loads the TLS pair when configured.
  // `auth` with no tokens disables authentication. `blocking_threads` sizes blocking_pool() (its threads
  // start here: block shutdown signals before calling). `metrics` must outlive the Server.
  [[nodiscard]] static Result<std::unique_ptr<Server>> create(const config::ServerConfig& config,
                                                              const config::AuthConfig& auth, Router router,
                                                              Metrics& metrics,
                                                              unsigned blocking_threads = 4);
  ~Server();  // shutdown() + wait(), then joins the blocking pool
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;  // the bound port
  // For handlers (also reachable as RequestContext::blocking_pool()): run_blocking(pool, fn).
  net::thread_pool& blocking_pool();

  void start();     // spawns the I/O threads and starts accepting; call once
  void shutdown();  // thread-safe, idempotent, returns at once
  void wait();      // joins the I/O threads; call once, from one thread

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace regscand::server::http
