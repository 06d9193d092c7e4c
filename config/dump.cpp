// dump_redacted(): the effective configuration as a loadable YAML document, secrets redacted.
#include <string>

#include <yaml-cpp/yaml.h>

#include "config/base/log.hpp"
#include "config/config.hpp"
#include "config/feed_source.hpp"
#include "config/units.hpp"

namespace regscand::config {
namespace {

constexpr const char* kRedacted = "<redacted>";

// Strings are always double-quoted so that values such as "", "~", "null" or "123" reload as strings.
void string_entry(YAML::Emitter& out, const char* key, const std::string& value) {
  out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
}

void plain_entry(YAML::Emitter& out, const char* key, const std::string& value) {
  out << YAML::Key << key << YAML::Value << value;
}

// A secret that came from a file is shown as its *_file path; an inline one as "<redacted>".
template <class Item>
void token_entry(YAML::Emitter& out, const Item& item) {
  if (item.token_file.empty()) {
    string_entry(out, "token", kRedacted);
  } else {
    string_entry(out, "token_file", item.token_file);
  }
}

void emit_server(YAML::Emitter& out, const ServerConfig& server) {
  out << YAML::Key << "server" << YAML::Value << YAML::BeginMap;
  string_entry(out, "listen", server.listen);
  out << YAML::Key << "tls" << YAML::Value << YAML::BeginMap;
  string_entry(out, "cert_file", server.tls.cert_file);
  string_entry(out, "key_file", server.tls.key_file);
  out << YAML::EndMap;
  plain_entry(out, "body_limit_bytes", std::to_string(server.body_limit_bytes));
  plain_entry(out, "request_timeout", format_duration(server.request_timeout));
  plain_entry(out, "shutdown_timeout", format_duration(server.shutdown_timeout));
  plain_entry(out, "drain_delay", format_duration(server.drain_delay));
  plain_entry(out, "threads", std::to_string(server.threads));
  out << YAML::EndMap;
}

void emit_database(YAML::Emitter& out, const DatabaseConfig& database) {
  out << YAML::Key << "database" << YAML::Value << YAML::BeginMap;
  if (database.url_file.empty()) {
    string_entry(out, "url", log::redact_url(database.url));
  } else {
    string_entry(out, "url_file", database.url_file);
  }
  plain_entry(out, "pool_size", std::to_string(database.pool_size));
  plain_entry(out, "acquire_timeout", format_duration(database.acquire_timeout));
  plain_entry(out, "connect_timeout", format_duration(database.connect_timeout));
  out << YAML::Key << "embedded" << YAML::Value << YAML::BeginMap;
  string_entry(out, "user", database.embedded.user);
  out << YAML::EndMap << YAML::EndMap;
}

void emit_auth(YAML::Emitter& out, const AuthConfig& auth) {
  out << YAML::Key << "auth" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "tokens" << YAML::Value;
  if (auth.tokens.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const auto& token : auth.tokens) {
    out << YAML::BeginMap;
    string_entry(out, "name", token.name);
    plain_entry(out, "role", std::string(to_string(token.role)));
    token_entry(out, token);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "webhook_tokens" << YAML::Value;
  if (auth.webhook_tokens.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const auto& token : auth.webhook_tokens) {
    out << YAML::BeginMap;
    string_entry(out, "name", token.name);
    token_entry(out, token);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
}

void bool_entry(YAML::Emitter& out, const char* key, bool value) {
  plain_entry(out, key, value ? "true" : "false");
}

void emit_registry_auth(YAML::Emitter& out, const RegistryAuth& auth) {
  out << YAML::Key << "auth" << YAML::Value << YAML::BeginMap;
  if (auth.from_docker_config) {
    plain_entry(out, "type", "docker_config");
    string_entry(out, "file", auth.source_file);
    out << YAML::EndMap;
    return;
  }
  plain_entry(out, "type", std::string(to_string(auth.type)));
  if (auth.type == RegistryAuthType::Basic) {
    string_entry(out, "username", auth.username);
    if (auth.source_file.empty()) {
      string_entry(out, "password", kRedacted);
    } else {
      string_entry(out, "password_file", auth.source_file);
    }
  } else if (auth.type == RegistryAuthType::Bearer) {
    if (auth.source_file.empty()) {
      string_entry(out, "token", kRedacted);
    } else {
      string_entry(out, "token_file", auth.source_file);
    }
  }
  out << YAML::EndMap;
}

void emit_registry(YAML::Emitter& out, const RegistryConfig& registry) {
  out << YAML::BeginMap;
  string_entry(out, "name", registry.name);
  plain_entry(out, "kind", std::string(to_string(registry.kind)));
  string_entry(out, "url", registry.url);
  if (registry.webhook_token_file.empty()) {
    out << YAML::Key << "webhook_tokens" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (std::size_t i = 0; i < registry.webhook_tokens.size(); ++i) out << YAML::DoubleQuoted << kRedacted;
    out << YAML::EndSeq;
  } else {
    string_entry(out, "webhook_token_file", registry.webhook_token_file);
  }
  emit_registry_auth(out, registry.auth);
  string_entry(out, "ca_file", registry.ca_file);
  bool_entry(out, "insecure_skip_verify", registry.insecure_skip_verify);
  bool_entry(out, "include_head_pulls", registry.include_head_pulls);
  out << YAML::EndMap;
}

void emit_registries(YAML::Emitter& out, const std::vector<RegistryConfig>& registries) {
  out << YAML::Key << "registries" << YAML::Value;
  if (registries.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const auto& registry : registries) emit_registry(out, registry);
  out << YAML::EndSeq;
}

void emit_scanner(YAML::Emitter& out, const ScannerConfig& scanner) {
  out << YAML::Key << "scanner" << YAML::Value << YAML::BeginMap;
  plain_entry(out, "workers", std::to_string(scanner.workers));
  plain_entry(out, "max_attempts", std::to_string(scanner.max_attempts));
  plain_entry(out, "lease", format_duration(scanner.lease));
  plain_entry(out, "poll_interval", format_duration(scanner.poll_interval));
  plain_entry(out, "retry_backoff", format_duration(scanner.retry_backoff));
  plain_entry(out, "retry_backoff_max", format_duration(scanner.retry_backoff_max));
  plain_entry(out, "blob_timeout", format_duration(scanner.blob_timeout));
  plain_entry(out, "blob_min_rate", std::to_string(scanner.blob_min_rate));
  plain_entry(out, "blob_rate_window", format_duration(scanner.blob_rate_window));
  out << YAML::EndMap;
}

void emit_feeds(YAML::Emitter& out, const FeedsConfig& feeds) {
  out << YAML::Key << "feeds" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "sources" << YAML::Value;
  if (feeds.sources.empty()) out << YAML::Flow;
  out << YAML::BeginSeq;
  for (const auto& source : feeds.sources) out << YAML::DoubleQuoted << redact_feed_source(source);
  out << YAML::EndSeq;
  out << YAML::Key << "mirror" << YAML::Value << YAML::DoubleQuoted << feeds.mirror;
  plain_entry(out, "refresh_interval", format_duration(feeds.refresh_interval));
  out << YAML::EndMap;
}

void emit_scheduler(YAML::Emitter& out, const SchedulerConfig& scheduler) {
  out << YAML::Key << "scheduler" << YAML::Value << YAML::BeginMap;
  bool_entry(out, "enabled", scheduler.enabled);
  plain_entry(out, "tick", format_duration(scheduler.tick));
  plain_entry(out, "pulled_within", format_duration(scheduler.pulled_within));
  plain_entry(out, "rescan_every", format_duration(scheduler.rescan_every));
  plain_entry(
      out, "pushed_within",
      scheduler.pushed_within.count() == 0 ? std::string("off") : format_duration(scheduler.pushed_within));
  plain_entry(out, "max_per_minute", std::to_string(scheduler.max_per_minute));
  out << YAML::EndMap;
}

}  // namespace

std::string dump_redacted(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  emit_server(out, config.server);
  emit_database(out, config.database);
  string_entry(out, "data_dir", config.data_dir.string());
  emit_auth(out, config.auth);
  out << YAML::Key << "logging" << YAML::Value << YAML::BeginMap;
  plain_entry(out, "level", config.logging.level);
  plain_entry(out, "format", std::string(to_string(config.logging.format)));
  out << YAML::EndMap;
  emit_registries(out, config.registries);
  emit_scanner(out, config.scanner);
  emit_feeds(out, config.feeds);
  emit_scheduler(out, config.scheduler);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace regscand::config
