#include "config/docker_config.hpp"

#include <array>

#include "config/base/base64.hpp"
#include "config/base/json_input.hpp"
#include "config/registry_url.hpp"

namespace regscand::config {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 3> kDockerHubHosts{"docker.io", "index.docker.io",
                                                          "registry-1.docker.io"};

bool is_docker_hub(std::string_view host) {
  for (const auto hub : kDockerHubHosts) {
    if (host == hub) return true;
  }
  return false;
}

bool same_registry(std::string_view key, std::string_view host_key) {
  const std::string normalized = normalize_docker_auth_key(key);
  return normalized == host_key || (is_docker_hub(normalized) && is_docker_hub(host_key));
}

// The entry's string member `name`, or "" if absent or not a string.
std::string string_member(const json& entry, const char* name) {
  const auto it = entry.find(name);
  if (it == entry.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::unexpected<Error> invalid(std::string problem) {
  return fail(ErrorCode::InvalidArgument, std::move(problem));
}

Result<RegistryAuth> basic_from_auth_field(const std::string& encoded, std::string_view host_key) {
  const std::string where = "the auths entry for " + std::string(host_key);
  auto decoded = text::base64_decode(encoded);
  if (!decoded) return invalid(where + " has an `auth` value that is not base64");
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return invalid(where + " has an `auth` value that is not user:password");
  RegistryAuth auth;
  auth.type = RegistryAuthType::Basic;
  auth.username = decoded->substr(0, colon);
  auth.password = decoded->substr(colon + 1);
  if (auth.username.empty() || auth.password.empty()) {
    return invalid(where + " has an empty user name or password");
  }
  return auth;
}

Result<RegistryAuth> auth_from_entry(const json& entry, std::string_view host_key) {
  const std::string where = "the auths entry for " + std::string(host_key);
  if (!entry.is_object()) return invalid(where + " is not an object");
  for (const char* name : {"registrytoken", "identitytoken"}) {
    std::string token = string_member(entry, name);
    if (token.empty()) continue;
    RegistryAuth auth;
    auth.type = RegistryAuthType::Bearer;
    auth.token = std::move(token);
    return auth;
  }
  if (const std::string encoded = string_member(entry, "auth"); !encoded.empty()) {
    return basic_from_auth_field(encoded, host_key);
  }
  RegistryAuth auth;
  auth.type = RegistryAuthType::Basic;
  auth.username = string_member(entry, "username");
  auth.password = string_member(entry, "password");
  if (auth.username.empty() || auth.password.empty()) {
    return invalid(where + " holds no credentials (auth, username/password, identitytoken or registrytoken)");
  }
  return auth;
}

}  // namespace

Result<RegistryAuth> docker_config_auth(std::string_view json_text, std::string_view host_key) {
  auto document = parse_json(json_text, JsonLimits{.max_depth = 16, .max_bytes = kMaxDockerConfigBytes});
  if (!document) return invalid("not a Docker config.json: " + document.error().message);
  if (!document->is_object()) return invalid("not a Docker config.json: expected a JSON object");
  const auto auths = document->find("auths");
  if (auths != document->end() && auths->is_object()) {
    for (const auto& [key, entry] : auths->items()) {
      if (same_registry(key, host_key)) return auth_from_entry(entry, host_key);
    }
  }
  std::string problem = "no auths entry for " + std::string(host_key);
  if (document->contains("credsStore") || document->contains("credHelpers")) {
    problem += " (credential helpers, credsStore and credHelpers, are not supported)";
  }
  return invalid(std::move(problem));
}

}  // namespace regscand::config
