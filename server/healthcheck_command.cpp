#include "server/healthcheck_command.hpp"

#include <iostream>
#include <memory>

#include "scanner/registry/connection.hpp"
#include "scanner/registry/sink.hpp"
#include "scanner/registry/tls.hpp"
#include "scanner/registry/url.hpp"

namespace regscand::server {

namespace registry = scanner::registry;

int run_healthcheck(const std::string& url, std::chrono::milliseconds timeout) {
  const auto fail = [&url](const std::string& why) {
    std::cerr << "regscand healthcheck: " << url << ": " << why << "\n";
    return 1;
  };
  auto parsed = registry::parse_url(url);
  if (!parsed) return fail(parsed.error().message);
  std::unique_ptr<registry::TlsContext> tls;
  if (parsed->origin.tls()) {
    auto created = registry::TlsContext::create("", /*verify=*/false);
    if (!created) return fail(created.error().message);
    tls = std::move(*created);
  }
  registry::HttpConnection connection(
      parsed->origin, tls.get(),
      registry::ConnectionLimits{
          .connect_timeout = timeout, .read_timeout = timeout, .max_header_bytes = 16 * 1024, .stop = {}});
  const auto deadline = registry::Clock::now() + timeout;
  auto head = connection.send("GET", parsed->target, {}, deadline);
  if (!head) return fail(head.error().message);
  registry::StringSink body(4096);
  (void)connection.read_body(body, 4096, deadline);
  if (head->status < 200 || head->status > 299) return fail("HTTP " + std::to_string(head->status));
  return 0;
}

}  // namespace regscand::server
