// The one list of package analyzers regscand runs, and the fingerprint of that list plus the distribution
// detector ("apk/1,dpkg/1,osrelease/2"): a scan stores it, and a different one means layers must be
// analyzed again.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems {

using PackageScanners = std::vector<std::unique_ptr<PackageScanner>>;

PackageScanners builtin_package_scanners();

std::string analyzers_fingerprint(const PackageScanners& scanners);

}  // namespace regscand::scanner::ecosystems
