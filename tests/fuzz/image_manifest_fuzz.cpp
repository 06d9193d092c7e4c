#include <cstdint>
#include <string_view>

#include "scanner/model/image_manifest.hpp"
#include "scanner/registry/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)regscand::scanner::registry::detect_manifest("", body);
  (void)regscand::scanner::parse_image_manifest(body);
  (void)regscand::scanner::parse_image_index(body);
  (void)regscand::scanner::parse_image_config(body);
  return 0;
}
