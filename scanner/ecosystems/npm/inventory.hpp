// Installed npm packages: the package.json at the top of each package directory under node_modules
// (`node_modules/<name>/package.json`, `node_modules/@scope/<name>/package.json`, at any depth, so
// nested and pnpm `.pnpm/*/node_modules` copies count); package.json files elsewhere (projects, fixtures,
// a package's sub-directories) are not read. name and version are taken; a package marked "private" or
// lacking either is no installed registry package and is left out. Package::ecosystem "npm".
#pragma once

#include <optional>
#include <string_view>

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::npm {

// nullopt for a private package or one without a name or version. Read with nlohmann's SAX parser, keeping
// only the top-level name, version and private: memory stays that of `text`. InvalidArgument naming `path`
// for malformed JSON, nesting deeper than 32, a non-object, non-string name or version, or a name over 214
// or version over 256 bytes or with anything but printable ASCII.
[[nodiscard]] Result<std::optional<Package>> parse_package_json(std::string_view text, std::string_view path);

class PackageJsonScanner final : public PackageScanner {
 public:
  std::string_view name() const override { return "npm"; }
  int version() const override { return 2; }
  bool wants(std::string_view path) const override;
  // Files that do not parse are skipped; a file over max_package_json_bytes (1 MiB) is a problem (see
  // common::scan_each).
  [[nodiscard]] Result<LayerPackages> scan(const layers::LayerFiles& files) const override;
};

}  // namespace regscand::scanner::ecosystems::npm
