// The analyzer interface: each ecosystem says which files it wants from a layer and turns them into
// packages. Implementations are pure (files in, packages out) and listed in ecosystems/builtin.cpp.
#pragma once

#include <string_view>
#include <vector>

#include "config/base/error.hpp"
#include "scanner/layers/layer_files.hpp"
#include "scanner/model/package.hpp"

namespace regscand::scanner {

class PackageScanner {
 public:
  virtual ~PackageScanner() = default;
  virtual std::string_view name() const = 0;  // stable id, stored with results
  virtual int version() const = 0;            // bumped when the output changes: layers are analyzed again
  virtual bool wants(std::string_view path) const = 0;
  // The packages in `files` (only those this scanner wanted); empty when the layer holds none. An error
  // means a database is present but unusable, naming the file and the reason.
  [[nodiscard]] virtual Result<std::vector<Package>> scan(const layers::LayerFiles& files) const = 0;
};

}  // namespace regscand::scanner
