// Layers to an image inventory. analyze_layer streams one layer through the walk and runs every package
// scanner on that layer's own files (a LayerReport: content-addressed, reusable for any image holding the
// layer). fold_inventory (pure) stacks the reports base first: a database path counts in the layer whose
// copy is final (a higher whiteout, opaque directory or replacement wins), and each package is attributed
// to the lowest layer from which it stayed present in that file. A database skipped or cut at a limit is a
// problem of the image when its final copy is the one that hit the limit.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scanner/ecosystems/builtin.hpp"
#include "scanner/layers/layer_reader.hpp"
#include "scanner/model/image_manifest.hpp"
#include "scanner/model/package.hpp"
#include "scanner/pipeline/image_source.hpp"

namespace regscand::scanner::pipeline {

struct LayerReport {
  std::set<std::string, std::less<>> present;  // wanted paths this layer holds (read or not)
  std::set<std::string, std::less<>> removed;
  std::set<std::string, std::less<>> opaque_dirs;
  // os-release and friends as osrelease::evidence keeps them ("" for dpkg paths looked at for presence)
  std::map<std::string, std::string, std::less<>> release_files;
  std::vector<Package> packages;      // from this layer's files alone
  std::vector<std::string> problems;  // unreadable databases, skipped entries: "dpkg: var/lib/...: ..."
  std::vector<Problem> limits;        // databases skipped or cut at a limit (problems has their text)
  std::uint64_t compressed_bytes = 0;
  std::uint64_t uncompressed_bytes = 0;
};

struct InventoryPackage {
  Package package;
  std::size_t layer = 0;  // index (base = 0) of the layer that introduced it
};

struct InventoryProblem {
  Problem problem;
  std::size_t layer = 0;  // index (base = 0) of the layer holding the database's final copy
};

struct ImageInventory {
  std::optional<Distribution> distribution;
  std::vector<InventoryPackage> packages;  // by ecosystem, name, version
  std::vector<InventoryProblem> problems;  // by path, ecosystem
};

[[nodiscard]] Result<LayerReport> analyze_layer(ImageSource& source, const Descriptor& layer,
                                                const ecosystems::PackageScanners& scanners,
                                                const layers::LayerLimits& limits = {});

ImageInventory fold_inventory(const std::vector<LayerReport>& layers);

}  // namespace regscand::scanner::pipeline
