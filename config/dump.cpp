// dump_redacted(): the effective configuration as a loadable YAML document, secrets redacted.
#include <string>

#include <yaml-cpp/yaml.h>

#include "config/base/log.hpp"
#include "config/config.hpp"
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
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace regscand::config
