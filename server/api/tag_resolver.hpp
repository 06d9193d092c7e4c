// Resolves a tag to its manifest digest for POST /v1/scans without holding the API's threads: each
// resolution runs on this object's own threads, at most `max_in_flight` at once (more fail at once with
// Unavailable, "retry later"), and each registry request is bounded by `deadline` with no retry, so a
// registry that drips or hangs costs the caller seconds, never the other endpoints their threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>

#include "config/base/asio.hpp"
#include "config/base/error.hpp"
#include "config/config.hpp"

namespace regscand::server::api {

struct TagResolverOptions {
  std::size_t max_in_flight = 4;
  std::chrono::milliseconds deadline{10'000};  // connect, token exchange, manifest HEAD or GET: each
};

class TagResolver {
 public:
  explicit TagResolver(TagResolverOptions options = {});
  ~TagResolver();
  TagResolver(const TagResolver&) = delete;
  TagResolver& operator=(const TagResolver&) = delete;

  // The digest ("sha256:...") of repository:tag. The registry's errors pass through (NotFound for an unknown
  // tag); over the budget: Unavailable. The arguments must live until the co_await completes.
  net::awaitable<Result<std::string>> resolve(const config::RegistryConfig& registry,
                                              const std::string& repository, const std::string& tag);

  std::size_t in_flight() const { return in_flight_.load(); }

 private:
  TagResolverOptions options_;
  net::thread_pool pool_;
  std::atomic<std::size_t> in_flight_{0};
};

}  // namespace regscand::server::api
