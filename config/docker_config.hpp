// Credentials for one registry from a Docker config.json (`auth: {type: docker_config, file}`),
// internal to config/. Only inline `auths` entries are understood; credential helpers
// (credsStore, credHelpers) are not run. Errors carry the problem only and never any file content.
#pragma once

#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "config/config.hpp"

namespace regscand::config {

// A Docker config.json is read with this cap.
inline constexpr std::size_t kMaxDockerConfigBytes = 1024 * 1024;

// The `auths` entry whose key, normalized to host[:port] (scheme and path dropped, lower case),
// equals `host_key` ("registry.example.com:5000"); Docker Hub's aliases (docker.io,
// index.docker.io, registry-1.docker.io) match each other. The entry becomes:
//   registrytoken or identitytoken    -> Bearer with that token
//   auth (base64 "user:pass")         -> Basic
//   username and password             -> Basic
// Fails (InvalidArgument) on malformed JSON, no matching entry, or an entry without usable credentials.
// The result has type and secret set; the caller fills source_file and from_docker_config.
[[nodiscard]] Result<RegistryAuth> docker_config_auth(std::string_view json_text, std::string_view host_key);

}  // namespace regscand::config
