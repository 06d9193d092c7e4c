#include "server/api/tag_resolver.hpp"

#include <algorithm>

#include "scanner/registry/client.hpp"

namespace regscand::server::api {
namespace {

scanner::registry::ClientOptions bounded(std::chrono::milliseconds deadline) {
  scanner::registry::ClientOptions options;
  options.connect_timeout = std::min(options.connect_timeout, deadline);
  options.read_timeout = std::min(options.read_timeout, deadline);
  options.request_timeout = deadline;
  options.max_attempts = 1;
  return options;
}

}  // namespace

TagResolver::TagResolver(TagResolverOptions options)
    : options_(options), pool_(std::max<std::size_t>(1, options.max_in_flight)) {}

TagResolver::~TagResolver() {
  pool_.stop();
  pool_.join();
}

net::awaitable<Result<std::string>> TagResolver::resolve(const config::RegistryConfig& registry,
                                                         const std::string& repository,
                                                         const std::string& tag) {
  if (in_flight_.fetch_add(1) >= options_.max_in_flight) {
    in_flight_.fetch_sub(1);
    co_return std::unexpected(
        Error{ErrorCode::Unavailable, "registry: " + std::to_string(options_.max_in_flight) +
                                          " tag resolutions are already in progress; retry later"});
  }
  struct Release {
    std::atomic<std::size_t>& count;
    ~Release() { count.fetch_sub(1); }
  } release{in_flight_};
  auto resolve_now = [&]() -> Result<std::string> {
    auto client = scanner::registry::RegistryClient::create(registry, bounded(options_.deadline));
    if (!client) return std::unexpected(std::move(client).error());
    auto head = client->resolve_manifest(repository, tag);
    if (!head) return std::unexpected(std::move(head).error());
    return head->digest.str();
  };
  co_return co_await run_blocking(pool_, resolve_now);
}

}  // namespace regscand::server::api
