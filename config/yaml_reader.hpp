// The YAML file layer: applies one YAML document onto a Config (internal to config/). Every key
// must be known; wrong types, unknown and duplicate keys, and malformed YAML fail with the key and
// file:line:col. Lists given in the file replace the ones below them. yaml-cpp exceptions stop here.
#pragma once

#include <string_view>

#include "config/base/error.hpp"
#include "config/config.hpp"

namespace regscand::config {

[[nodiscard]] Result<void> apply_yaml(Config& config, std::string_view yaml, std::string_view file_name);

}  // namespace regscand::config
