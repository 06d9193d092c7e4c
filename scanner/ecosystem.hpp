// The two roles of an ecosystem, each implementation pure and listed in ecosystems/builtin.cpp:
// PackageScanner says which files it wants from a layer and turns them into packages; Matcher says under
// which feed key a package is published and in which order its versions sort.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"
#include "scanner/layers/layer_files.hpp"
#include "scanner/model/package.hpp"

namespace regscand::scanner {

// What a scanner found in one layer: the packages, and the databases it skipped or cut at a limit.
struct LayerPackages {
  std::vector<Package> packages;
  std::vector<Problem> problems;
};

class PackageScanner {
 public:
  virtual ~PackageScanner() = default;
  virtual std::string_view name() const = 0;  // stable id, stored with results
  virtual int version() const = 0;            // bumped when the output changes: layers are analyzed again
  virtual bool wants(std::string_view path) const = 0;
  // The packages in `files` (only those this scanner wanted); empty when the layer holds none. A database
  // over one of the scanner's limits is a problem, with the packages read before the limit. An error means a
  // database is present but unusable, naming the file and the reason.
  [[nodiscard]] virtual Result<LayerPackages> scan(const layers::LayerFiles& files) const = 0;
};

// Where a package is looked up in the feeds: OSV ecosystem with its release ("Debian:12", "Alpine:v3.19"),
// the name the distro publishes advisories under (Debian source package, Alpine origin, rpm name), and the
// version compared against the advisory's ranges.
struct FeedKey {
  std::string ecosystem;
  std::string name;
  std::string version;
  friend bool operator==(const FeedKey&, const FeedKey&) = default;
};

class Matcher {
 public:
  virtual ~Matcher() = default;
  virtual std::string_view ecosystem() const = 0;  // the Package::ecosystem it handles: "dpkg"
  // nullopt when the distribution publishes no feed regscand reads (unknown distro, no release).
  virtual std::optional<FeedKey> feed_key(const Package& package,
                                          const std::optional<Distribution>& distribution) const = 0;
  // <0, 0, >0 in the ecosystem's version order; nullopt when either version is invalid (never matched).
  virtual std::optional<int> compare(std::string_view a, std::string_view b) const = 0;
};

}  // namespace regscand::scanner
