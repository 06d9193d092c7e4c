// dpkg databases: var/lib/dpkg/status (packages whose Status is "install ok installed") and the distroless
// var/lib/dpkg/status.d/* files (one or more stanzas each, no Status: all installed). Stanzas without
// Package or Version are skipped, as dpkg itself ignores them; a file with a non-Debian Architecture
// (vcpkg's "x64-windows") is refused as not a dpkg database.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems::dpkg {

struct StatusLimits {
  std::size_t max_stanzas = 200'000;
  std::size_t max_line_bytes = 1 << 20;
};

// `path` names the file in messages and in Package::path. `status_d`: the file is a status.d entry. A file
// over a limit is read up to it: the packages before it, and a problem naming the limit.
[[nodiscard]] Result<LayerPackages> parse_status(std::string_view text, std::string_view path, bool status_d,
                                                 const StatusLimits& limits = {});

class StatusScanner final : public PackageScanner {
 public:
  std::string_view name() const override { return "dpkg"; }
  int version() const override { return 2; }
  bool wants(std::string_view path) const override;
  [[nodiscard]] Result<LayerPackages> scan(const layers::LayerFiles& files) const override;
};

}  // namespace regscand::scanner::ecosystems::dpkg
