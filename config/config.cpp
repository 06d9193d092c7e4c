#include "config/config.hpp"

#include <unistd.h>

#include <utility>

#include "config/base/text.hpp"
#include "config/env_reader.hpp"
#include "config/fields.hpp"
#include "config/listen_address.hpp"
#include "config/registry_files.hpp"
#include "config/text_file.hpp"
#include "config/yaml_reader.hpp"

namespace regscand::config {
namespace {

struct YamlSource {
  std::string_view text;
  std::string_view file_name;
};

// Reads a *_file secret, naming the key and the path (never the content) on failure.
Result<std::string> read_secret(const std::string& path, std::string_view key) {
  auto content = read_secret_file(path);
  if (!content)
    return std::unexpected(Error{content.error().code, std::string(key) + ": " + content.error().message});
  if (content->empty()) return key_error(key, path + " is empty");
  return content;
}

template <class Item>
Result<void> read_token_files(std::vector<Item>& items, std::string_view path) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].token_file.empty()) continue;
    auto token =
        read_secret(items[i].token_file, std::string(path) + "[" + std::to_string(i) + "].token_file");
    if (!token) return std::unexpected(std::move(token).error());
    items[i].token = std::move(*token);
  }
  return {};
}

Result<void> read_secret_files(Config& config) {
  if (!config.database.url_file.empty()) {
    auto url = read_secret(config.database.url_file, "database.url_file");
    if (!url) return std::unexpected(std::move(url).error());
    config.database.url = std::move(*url);
  }
  if (auto read = read_token_files(config.auth.tokens, kTokensPath); !read) return read;
  if (auto read = read_token_files(config.auth.webhook_tokens, kWebhookTokensPath); !read) return read;
  return read_registry_files(config.registries);
}

Result<Config> load_layers(const std::optional<YamlSource>& yaml, const Environment& env) {
  Config config;
  if (yaml) {
    if (auto applied = apply_yaml(config, yaml->text, yaml->file_name); !applied) {
      return std::unexpected(std::move(applied).error());
    }
  }
  if (auto applied = apply_environment(config, env); !applied)
    return std::unexpected(std::move(applied).error());
  if (auto read = read_secret_files(config); !read) return std::unexpected(std::move(read).error());
  if (auto valid = validate(config); !valid) return std::unexpected(std::move(valid).error());
  return config;
}

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::Reader:
      return "reader";
    case Role::Writer:
      return "writer";
    case Role::Admin:
      return "admin";
  }
  return "reader";
}

std::optional<Role> parse_role(std::string_view name) {
  for (const Role role : {Role::Reader, Role::Writer, Role::Admin}) {
    if (text::equals_ignore_case(name, to_string(role))) return role;
  }
  return std::nullopt;
}

std::string_view to_string(LogFormat format) {
  return format == LogFormat::Json ? "json" : "text";
}

std::string_view to_string(RegistryKind kind) {
  switch (kind) {
    case RegistryKind::Distribution:
      return "distribution";
    case RegistryKind::Acr:
      return "acr";
    case RegistryKind::Harbor:
      return "harbor";
  }
  return "distribution";
}

std::optional<RegistryKind> parse_registry_kind(std::string_view name) {
  for (const RegistryKind kind : {RegistryKind::Distribution, RegistryKind::Acr, RegistryKind::Harbor}) {
    if (text::equals_ignore_case(name, to_string(kind))) return kind;
  }
  return std::nullopt;
}

std::string_view to_string(RegistryAuthType type) {
  switch (type) {
    case RegistryAuthType::Anonymous:
      return "anonymous";
    case RegistryAuthType::Basic:
      return "basic";
    case RegistryAuthType::Bearer:
      return "bearer";
  }
  return "anonymous";
}

const RegistryConfig* Config::find_registry(std::string_view name) const {
  for (const auto& registry : registries) {
    if (registry.name == name) return &registry;
  }
  return nullptr;
}

std::vector<std::string> Config::webhook_tokens_for(const RegistryConfig& registry) const {
  if (!registry.webhook_tokens.empty()) return registry.webhook_tokens;
  std::vector<std::string> tokens;
  tokens.reserve(auth.webhook_tokens.size());
  for (const auto& webhook_token : auth.webhook_tokens) tokens.push_back(webhook_token.token);
  return tokens;
}

bool Config::dev_mode() const {
  return database.embedded_mode() && is_loopback_host(server.host);
}

Environment process_environment() {
  Environment env;
  for (char** entry = ::environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

std::optional<std::filesystem::path> resolve_config_file(const std::optional<std::filesystem::path>& flag,
                                                         const Environment& env) {
  if (flag) return flag;
  const auto it = env.find(std::string(kConfigFileVariable));
  if (it == env.end() || it->second.empty()) return std::nullopt;
  return std::filesystem::path(it->second);
}

Result<Config> load(const std::optional<std::filesystem::path>& file, const Environment& env) {
  if (!file) return load_layers(std::nullopt, env);
  auto text = read_text_file(*file, kMaxConfigFileBytes);
  if (!text) return std::unexpected(Error{text.error().code, "config file: " + text.error().message});
  const std::string file_name = file->string();
  return load_layers(YamlSource{*text, file_name}, env);
}

Result<Config> load_from_string(std::string_view yaml, std::string_view file_name, const Environment& env) {
  return load_layers(YamlSource{yaml, file_name}, env);
}

std::vector<std::string> environment_variable_names() {
  return known_variables();
}

}  // namespace regscand::config
