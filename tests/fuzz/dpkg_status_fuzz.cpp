#include <cstdint>
#include <string_view>

#include "scanner/ecosystems/dpkg/inventory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)regscand::scanner::ecosystems::dpkg::parse_status(text, "var/lib/dpkg/status", false);
  (void)regscand::scanner::ecosystems::dpkg::parse_status(text, "var/lib/dpkg/status.d/x", true);
  return 0;
}
