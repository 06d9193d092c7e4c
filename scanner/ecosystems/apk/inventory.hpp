// Alpine's installed database, lib/apk/db/installed: records of "X:value" lines separated by blank lines
// (P name, V version, A arch, o origin). A record without P or V is skipped (as apk-tools and the peers
// do); a line that is not "X:value" means the file is not an apk database. A file over a limit is read up
// to it: the packages before it, and a problem naming the limit.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::apk {

struct InstalledLimits {
  std::size_t max_records = 100'000;
  std::size_t max_line_bytes = 1 << 20;
};

[[nodiscard]] Result<LayerPackages> parse_installed(std::string_view text, std::string_view path,
                                                    const InstalledLimits& limits = {});

class InstalledScanner final : public PackageScanner {
 public:
  std::string_view name() const override { return "apk"; }
  int version() const override { return 2; }
  bool wants(std::string_view path) const override { return path == "lib/apk/db/installed"; }
  [[nodiscard]] Result<LayerPackages> scan(const layers::LayerFiles& files) const override;
};

}  // namespace regscand::scanner::ecosystems::apk
