// Python core metadata (METADATA / PKG-INFO) through parse_metadata and the scanner: no crash, and a
// package only with a printable name and version.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scanner/ecosystems/pypi/inventory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace pypi = regscand::scanner::ecosystems::pypi;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = pypi::parse_metadata(text, "site-packages/x-1.dist-info/METADATA");
  if (parsed && (parsed->name.empty() || parsed->version.empty())) std::abort();
  (void)pypi::normalize_name(text);
  regscand::scanner::layers::LayerFiles files;
  files.add("usr/lib/python3/dist-packages/x-1.egg-info", std::string(text));
  (void)pypi::MetadataScanner().scan(files);
  return 0;
}
