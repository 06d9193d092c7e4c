// Alpine's installed database, lib/apk/db/installed: records of "X:value" lines separated by blank lines
// (P name, V version, A arch, o origin). A record without P or V is skipped (as apk-tools and the peers
// do); a line that is not "X:value" means the file is not an apk database.
#pragma once

#include <string_view>
#include <vector>

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::apk {

[[nodiscard]] Result<std::vector<Package>> parse_installed(std::string_view text, std::string_view path);

class InstalledScanner final : public PackageScanner {
 public:
  std::string_view name() const override { return "apk"; }
  int version() const override { return 1; }
  bool wants(std::string_view path) const override { return path == "lib/apk/db/installed"; }
  [[nodiscard]] Result<std::vector<Package>> scan(const layers::LayerFiles& files) const override;
};

}  // namespace regscand::scanner::ecosystems::apk
