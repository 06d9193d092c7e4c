#include <cstdint>
#include <string_view>

#include "server/webhooks/acr.hpp"
#include "server/webhooks/distribution.hpp"
#include "server/webhooks/harbor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)regscand::server::webhooks::parse_distribution(body);
  (void)regscand::server::webhooks::parse_acr(body);
  (void)regscand::server::webhooks::parse_harbor(body);
  return 0;
}
