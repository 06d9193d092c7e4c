#include "config/registry_files.hpp"

#include <string>
#include <string_view>

#include "config/docker_config.hpp"
#include "config/fields.hpp"
#include "config/registry_url.hpp"
#include "config/text_file.hpp"

namespace regscand::config {
namespace {

std::unexpected<Error> with_key(std::string_view key, const Error& error) {
  return std::unexpected(Error{error.code, std::string(key) + ": " + error.message});
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

Result<std::string> read_secret_at(const std::string& path, std::string_view key) {
  auto content = read_secret_file(path);
  if (!content) return with_key(key, content.error());
  if (content->empty()) return key_error(key, path + " is empty");
  return content;
}

Result<void> read_webhook_tokens(RegistryConfig& registry, const std::string& prefix) {
  const std::string key = prefix + ".webhook_token_file";
  auto content = read_secret_at(registry.webhook_token_file, key);
  if (!content) return std::unexpected(std::move(content).error());
  registry.webhook_tokens.clear();
  std::string_view rest(*content);
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    const std::string_view line = trim(rest.substr(0, newline));
    if (!line.empty()) registry.webhook_tokens.emplace_back(line);
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  if (registry.webhook_tokens.empty()) return key_error(key, registry.webhook_token_file + " holds no token");
  return {};
}

Result<void> resolve_docker_config(RegistryConfig& registry, const std::string& prefix) {
  const std::string key = prefix + ".auth.file";
  const std::string& path = registry.auth.source_file;
  if (registry.url.empty()) return key_error(prefix + ".url", "must not be empty");
  auto url = parse_registry_url(registry.url);
  if (!url) return with_key(prefix + ".url", url.error());
  auto text = read_text_file(path, kMaxDockerConfigBytes);
  if (!text) return with_key(key, text.error());
  auto auth = docker_config_auth(*text, url->host_key());
  if (!auth) return key_error(key, path + ": " + auth.error().message);
  auth->source_file = path;
  auth->from_docker_config = true;
  registry.auth = std::move(*auth);
  return {};
}

Result<void> read_auth(RegistryConfig& registry, const std::string& prefix) {
  RegistryAuth& auth = registry.auth;
  if (auth.from_docker_config) return resolve_docker_config(registry, prefix);
  if (auth.source_file.empty()) return {};
  if (auth.type == RegistryAuthType::Basic) {
    auto password = read_secret_at(auth.source_file, prefix + ".auth.password_file");
    if (!password) return std::unexpected(std::move(password).error());
    auth.password = std::move(*password);
  } else if (auth.type == RegistryAuthType::Bearer) {
    auto token = read_secret_at(auth.source_file, prefix + ".auth.token_file");
    if (!token) return std::unexpected(std::move(token).error());
    auth.token = std::move(*token);
  }
  return {};
}

Result<void> check_ca_file(const RegistryConfig& registry, const std::string& prefix) {
  const std::string key = prefix + ".ca_file";
  auto pem = read_text_file(registry.ca_file, kMaxCaFileBytes);
  if (!pem) return with_key(key, pem.error());
  if (pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return key_error(key, registry.ca_file + " holds no PEM certificate");
  }
  return {};
}

}  // namespace

Result<void> read_registry_files(std::vector<RegistryConfig>& registries) {
  for (std::size_t i = 0; i < registries.size(); ++i) {
    RegistryConfig& registry = registries[i];
    const std::string prefix = "registries[" + std::to_string(i) + "]";
    if (!registry.webhook_token_file.empty()) {
      if (auto read = read_webhook_tokens(registry, prefix); !read) return read;
    }
    if (auto read = read_auth(registry, prefix); !read) return read;
    if (!registry.ca_file.empty()) {
      if (auto ok = check_ca_file(registry, prefix); !ok) return ok;
    }
  }
  return {};
}

}  // namespace regscand::config
