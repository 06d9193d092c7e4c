#include <cstdint>
#include <string_view>

#include "scanner/layers/layer_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  regscand::scanner::layers::MemorySource source(std::string_view(reinterpret_cast<const char*>(data), size));
  regscand::scanner::layers::LayerLimits limits;
  limits.max_uncompressed_bytes = 64 << 20;
  limits.ratio_grace_bytes = 1 << 20;
  (void)regscand::scanner::layers::read_layer(
      source, [](std::string_view) { return true; }, limits);
  return 0;
}
