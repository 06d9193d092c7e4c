#include <cstdint>
#include <string>

#include "scanner/ecosystems/osrelease/detector.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  regscand::scanner::layers::LayerFiles files;
  files.add("etc/os-release", text);
  files.add("etc/alpine-release", text);
  (void)regscand::scanner::ecosystems::osrelease::detect(files);
  return 0;
}
