// The load-time I/O for `registries` (internal to config/): webhook_token_file, password_file and
// token_file secrets, Docker config.json credentials, and the ca_file check. Errors name the key
// (registries[0].auth.file) and the path, never file content.
#pragma once

#include <cstddef>
#include <vector>

#include "config/base/error.hpp"
#include "config/config.hpp"

namespace regscand::config {

// A CA bundle is read with this cap (the Debian system bundle is about 200 KiB).
inline constexpr std::size_t kMaxCaFileBytes = 4 * 1024 * 1024;

// For each registry: reads webhook_token_file (one token per non-empty line, surrounding blanks
// trimmed), the auth secret file, resolves `type: docker_config` into Basic or Bearer for the URL's
// host[:port], and checks that ca_file is readable and holds a PEM certificate.
[[nodiscard]] Result<void> read_registry_files(std::vector<RegistryConfig>& registries);

}  // namespace regscand::config
