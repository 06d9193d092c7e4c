#include <cstdint>
#include <string_view>

#include "scanner/ecosystems/rpm/inventory.hpp"

// Any of the three formats, chosen by magic as the scanner does: ndb and SQLite files reach their readers.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  (void)regscand::scanner::ecosystems::rpm::parse_rpmdb(file, "var/lib/rpm/Packages");
  return 0;
}
