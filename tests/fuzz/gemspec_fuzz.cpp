// Installed gem specifications through parse_gemspec, once with an uninformative file name and once with
// the input as the file name (the name-version fallback): no crash, a package only with a name and version.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scanner/ecosystems/gem/inventory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace gem = regscand::scanner::ecosystems::gem;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = gem::parse_gemspec(text, "specifications/x.gemspec");
  if (parsed && (parsed->name.empty() || parsed->version.empty())) std::abort();
  const std::string path = "specifications/" + std::string(text.substr(0, 256)) + ".gemspec";
  const auto named = gem::parse_gemspec("", path);
  if (named && (named->name.empty() || named->version.empty())) std::abort();
  return 0;
}
