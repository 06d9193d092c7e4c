// npm package.json through parse_package_json (parse_json's limits apply): no crash, no exception, and a
// package only with a name and a version.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scanner/ecosystems/npm/inventory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed =
      regscand::scanner::ecosystems::npm::parse_package_json(text, "node_modules/x/package.json");
  if (parsed && *parsed && ((*parsed)->name.empty() || (*parsed)->version.empty())) std::abort();
  return 0;
}
