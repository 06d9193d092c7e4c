#include <cstdint>
#include <string_view>

#include "scanner/ecosystems/rpm/header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace rpm = regscand::scanner::ecosystems::rpm;
  const auto header = rpm::parse_header(std::string_view(reinterpret_cast<const char*>(data), size));
  if (header) {
    (void)rpm::evr(*header);
    (void)rpm::split_source_rpm(header->source_rpm);
  }
  return 0;
}
