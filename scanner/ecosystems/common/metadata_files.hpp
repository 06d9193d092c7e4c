// Shared by the language ecosystems (pypi, npm, gem), where every installed package has a metadata file of
// its own: one file that does not parse is skipped, so it cannot hide the packages of the others.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::common {

// Whether `s` is a usable name or version: 1..max bytes of printable ASCII without blanks.
inline bool plain_token(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (const char c : s) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

// The packages of every file `scanner` wants, parsed one by one by `parse(content, path)` ->
// Result<std::optional<Package>> (nullopt: deliberately not a package). Files that fail are skipped; only
// when every wanted file failed is the first failure returned, so the layer report names the problem.
template <class Parse>
[[nodiscard]] Result<std::vector<Package>> scan_each(const PackageScanner& scanner,
                                                     const layers::LayerFiles& files, Parse parse) {
  std::vector<Package> out;
  std::optional<Error> first_error;
  bool any_parsed = false;
  for (const auto& [path, content] : files.all()) {
    if (!scanner.wants(path)) continue;
    auto parsed = parse(std::string_view(content), std::string_view(path));
    if (!parsed) {
      if (!first_error) first_error = std::move(parsed).error();
      continue;
    }
    any_parsed = true;
    if (*parsed) out.push_back(std::move(**parsed));
  }
  if (!any_parsed && first_error) return std::unexpected(std::move(*first_error));
  return out;
}

}  // namespace regscand::scanner::ecosystems::common
