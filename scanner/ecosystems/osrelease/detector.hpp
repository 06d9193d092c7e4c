// Which distribution an image is built on, from its release files (pure): /etc/os-release, else
// /usr/lib/os-release (KEY=value, optionally quoted, as os-release(5)); without either, /etc/alpine-release
// or /etc/debian_version. nullopt when none says anything usable.
#pragma once

#include <optional>
#include <string_view>

#include "scanner/layers/layer_files.hpp"
#include "scanner/model/package.hpp"

namespace regscand::scanner::ecosystems::osrelease {

bool wants(std::string_view path);

std::optional<Distribution> parse_os_release(std::string_view text);

std::optional<Distribution> detect(const layers::LayerFiles& files);

}  // namespace regscand::scanner::ecosystems::osrelease
