#include <cstdint>
#include <string_view>

#include "scanner/registry/catalog.hpp"

// A registry's listing answers: the Link header naming the next page, its query, and the catalog and tags
// list JSON.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  namespace registry = regscand::scanner::registry;
  if (const auto next = registry::parse_link_next(input)) (void)registry::query_value(*next, "last");
  (void)registry::query_value(input, "last");
  (void)registry::parse_repository_list(input);
  (void)registry::parse_tag_list(input);
  return 0;
}
