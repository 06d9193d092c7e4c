#include "scanner/ecosystems/builtin.hpp"

#include "scanner/ecosystems/apk/inventory.hpp"
#include "scanner/ecosystems/apk/matcher.hpp"
#include "scanner/ecosystems/dpkg/inventory.hpp"
#include "scanner/ecosystems/dpkg/matcher.hpp"
#include "scanner/ecosystems/gem/inventory.hpp"
#include "scanner/ecosystems/gem/matcher.hpp"
#include "scanner/ecosystems/npm/inventory.hpp"
#include "scanner/ecosystems/npm/matcher.hpp"
#include "scanner/ecosystems/osrelease/detector.hpp"
#include "scanner/ecosystems/pypi/inventory.hpp"
#include "scanner/ecosystems/pypi/matcher.hpp"
#include "scanner/ecosystems/rpm/inventory.hpp"
#include "scanner/ecosystems/rpm/matcher.hpp"

namespace regscand::scanner::ecosystems {

PackageScanners builtin_package_scanners() {
  PackageScanners all;
  all.push_back(std::make_unique<apk::InstalledScanner>());
  all.push_back(std::make_unique<dpkg::StatusScanner>());
  all.push_back(std::make_unique<gem::GemspecScanner>());
  all.push_back(std::make_unique<npm::PackageJsonScanner>());
  all.push_back(std::make_unique<pypi::MetadataScanner>());
  all.push_back(std::make_unique<rpm::PackagesScanner>());
  return all;
}

Matchers builtin_matchers() {
  Matchers all;
  all.push_back(std::make_unique<apk::OriginMatcher>());
  all.push_back(std::make_unique<dpkg::SourceMatcher>());
  all.push_back(std::make_unique<gem::GemMatcher>());
  all.push_back(std::make_unique<npm::PackageMatcher>());
  all.push_back(std::make_unique<pypi::ProjectMatcher>());
  all.push_back(std::make_unique<rpm::EvrMatcher>());
  return all;
}

std::string_view package_type(std::string_view ecosystem) {
  for (const std::string_view language : {"gem", "npm", "pypi"}) {
    if (ecosystem == language) return "language";
  }
  return "os";
}

std::string analyzers_fingerprint(const PackageScanners& scanners) {
  std::string out;
  for (const auto& scanner : scanners) {
    if (!out.empty()) out += ',';
    out += std::string(scanner->name()) + "/" + std::to_string(scanner->version());
  }
  // The distribution detector reads its own files from every layer: its version counts too.
  if (!out.empty()) out += ',';
  out += "osrelease/" + std::to_string(osrelease::kVersion);
  return out;
}

}  // namespace regscand::scanner::ecosystems
