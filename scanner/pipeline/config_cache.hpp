// The port through which a scan reuses image configs by digest (content-addressed, small): with it, an
// image whose config and layers are all known is inventoried without one blob request. storage implements
// it in PostgreSQL. Stored bytes were verified against their digest when fetched.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "scanner/model/digest.hpp"

namespace regscand::scanner::pipeline {

class ConfigCache {
 public:
  virtual ~ConfigCache() = default;
  [[nodiscard]] virtual Result<std::optional<std::string>> find_config(const Digest& digest) = 0;
  [[nodiscard]] virtual Result<void> store_config(const Digest& digest, std::string_view bytes) = 0;
};

}  // namespace regscand::scanner::pipeline
