// Shared by the language ecosystems (pypi, npm, gem), where every installed package has a metadata file of
// its own: one file that does not parse is skipped, so it cannot hide the packages of the others, and one
// over the ecosystem's size cap is skipped as a problem.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
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

// A bound on one metadata file's bytes, by the name problems give it.
struct FileCap {
  std::string_view limit = "max_file_bytes";
  std::uint64_t bytes = std::numeric_limits<std::uint64_t>::max();
};

// The packages of every file `scanner` wants, parsed one by one by `parse(content, path)` ->
// Result<std::optional<Package>> (nullopt: deliberately not a package). A file over `cap` is not parsed: it
// is a problem. Files that fail are skipped; only when every wanted file failed (and none was over the cap)
// is the first failure returned, so the layer report names the problem.
template <class Parse>
[[nodiscard]] Result<LayerPackages> scan_each(const PackageScanner& scanner, const layers::LayerFiles& files,
                                              Parse parse, FileCap cap = {}) {
  LayerPackages out;
  std::optional<Error> first_error;
  bool any_parsed = false;
  for (const auto& [path, content] : files.all()) {
    if (!scanner.wants(path)) continue;
    if (content.size() > cap.bytes) {
      const std::string name(scanner.name());
      out.problems.push_back(Problem::too_large(name, path, cap.limit, cap.bytes, content.size()));
      continue;
    }
    auto parsed = parse(std::string_view(content), std::string_view(path));
    if (!parsed) {
      if (!first_error) first_error = std::move(parsed).error();
      continue;
    }
    any_parsed = true;
    if (*parsed) out.packages.push_back(std::move(**parsed));
  }
  if (!any_parsed && out.problems.empty() && first_error) return std::unexpected(std::move(*first_error));
  return out;
}

}  // namespace regscand::scanner::ecosystems::common
