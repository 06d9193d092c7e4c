// Reading small text files named in the configuration: the config file itself and *_file secrets
// (internal to config/). Errors name the path and the reason, never the content.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "config/base/error.hpp"

namespace regscand::config {

inline constexpr std::size_t kMaxConfigFileBytes = 1024 * 1024;
inline constexpr std::size_t kMaxSecretFileBytes = 64 * 1024;

// The whole file, failing if it is larger than max_bytes. Codes: NotFound (missing),
// PermissionDenied (EACCES), InvalidArgument (too large, a directory, other read errors).
// Messages look like "cannot read /run/secrets/x: No such file or directory".
[[nodiscard]] Result<std::string> read_text_file(const std::filesystem::path& path, std::size_t max_bytes);

// read_text_file() with kMaxSecretFileBytes, then trailing line breaks ("\n", "\r\n") removed.
[[nodiscard]] Result<std::string> read_secret_file(const std::filesystem::path& path);

}  // namespace regscand::config
