// Installed Ruby gems: the specifications RubyGems writes at install time, `*/specifications/*.gemspec`
// and `*/specifications/default/*.gemspec` (default gems). Such a spec is generated Ruby: the first
// `<var>.name = "..."` and `<var>.version = "..."` assignments are read ('...', "..." or %q{...}
// literals; a trailing `.freeze` is ignored); either one missing is taken from the file name
// ("rack-test-2.1.0.gemspec", "nokogiri-1.15.4-x86_64-linux.gemspec": the first `-<valid version>` ends the
// name). The Ruby is never evaluated. Package::ecosystem "gem".
#pragma once

#include <string_view>

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::gem {

// InvalidArgument naming `path` when neither the text nor the file name gives a name and a version of
// 1..256 bytes of printable ASCII.
[[nodiscard]] Result<Package> parse_gemspec(std::string_view text, std::string_view path);

class GemspecScanner final : public PackageScanner {
 public:
  std::string_view name() const override { return "gem"; }
  int version() const override { return 1; }
  bool wants(std::string_view path) const override;
  // Files that do not parse are skipped (see common::scan_each).
  [[nodiscard]] Result<LayerPackages> scan(const layers::LayerFiles& files) const override;
};

}  // namespace regscand::scanner::ecosystems::gem
