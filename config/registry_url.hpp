// Parsing registry base URLs (registries[i].url) and the host[:port] key Docker uses for them
// (internal to config/). Errors carry the problem only and never quote the URL, which might hold
// credentials or a token in its query.
#pragma once

#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::config {

struct RegistryUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower case; an IPv6 address keeps its brackets: "[::1]"
  std::string port;    // digits, empty if none was given
  std::string path;    // "" or "/prefix" (no trailing '/')

  // "host" or "host:port": the key of a Docker config.json `auths` entry.
  std::string host_key() const;
  // scheme://host[:port]path
  std::string to_string() const;
};

// "http(s)://host[:port][/path]" by url::split's rules, trailing '/' removed; also rejects user info
// ("user:pass@") and a query or fragment.
[[nodiscard]] Result<RegistryUrl> parse_registry_url(std::string_view text);

// A Docker config.json `auths` key as host[:port], lower case: "https://Host:5000/v1/" ->
// "host:5000".
std::string normalize_docker_auth_key(std::string_view key);

}  // namespace regscand::config
