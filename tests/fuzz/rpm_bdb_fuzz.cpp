#include <cstdint>
#include <string_view>

#include "scanner/ecosystems/rpm/bdb.hpp"
#include "scanner/ecosystems/rpm/header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace rpm = regscand::scanner::ecosystems::rpm;
  const auto blobs = rpm::read_bdb_blobs(std::string_view(reinterpret_cast<const char*>(data), size),
                                         "var/lib/rpm/Packages");
  if (blobs) {
    for (const auto& blob : *blobs) (void)rpm::parse_header(blob);
  }
  return 0;
}
