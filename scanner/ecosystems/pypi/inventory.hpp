// Installed Python distributions: `<dir>/site-packages/*.dist-info/METADATA` (and dist-packages), an
// `*.egg-info/PKG-INFO` or `*.egg/EGG-INFO/PKG-INFO` anywhere, and `*.egg-info` files under site-packages
// or dist-packages (distutils). Each file is the core metadata of one distribution: RFC 822 headers up to
// the first blank line, of which Name and Version are read. Package::ecosystem "pypi", path = that file,
// source_name = the PEP 503 normalised name (the name advisories are looked up under).
#pragma once

#include <string>
#include <string_view>

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::pypi {

// PEP 503: lower case, every run of `-`, `_` and `.` as one `-` ("Django_REST.framework" ->
// "django-rest-framework").
std::string normalize_name(std::string_view name);

// InvalidArgument naming `path` when Name or Version is missing, empty, over 256 bytes, or holds anything
// but printable ASCII; nothing else in the file is checked.
[[nodiscard]] Result<Package> parse_metadata(std::string_view text, std::string_view path);

class MetadataScanner final : public PackageScanner {
 public:
  std::string_view name() const override { return "pypi"; }
  int version() const override { return 1; }
  bool wants(std::string_view path) const override;
  // Files that do not parse are skipped (see common::scan_each).
  [[nodiscard]] Result<LayerPackages> scan(const layers::LayerFiles& files) const override;
};

}  // namespace regscand::scanner::ecosystems::pypi
