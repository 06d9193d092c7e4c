#include <cstdint>
#include <string_view>

#include "scanner/ecosystems/apk/inventory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)regscand::scanner::ecosystems::apk::parse_installed(
      std::string_view(reinterpret_cast<const char*>(data), size), "lib/apk/db/installed");
  return 0;
}
