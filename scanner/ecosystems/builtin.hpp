// The one list of package analyzers regscand runs and of the matchers for their packages, and the fingerprint
// of that list plus the distribution detector ("apk/1,dpkg/1,osrelease/2"): a scan stores it, and a different
// one means layers must be analyzed again.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/ecosystem.hpp"

namespace regscand::scanner::ecosystems {

using PackageScanners = std::vector<std::unique_ptr<PackageScanner>>;
using Matchers = std::vector<std::unique_ptr<Matcher>>;

PackageScanners builtin_package_scanners();
Matchers builtin_matchers();

// "language" for the packages of a language ecosystem (gem, npm, pypi: matched whatever the distribution),
// "os" for those of a distribution's package manager.
std::string_view package_type(std::string_view ecosystem);

std::string analyzers_fingerprint(const PackageScanners& scanners);

}  // namespace regscand::scanner::ecosystems
