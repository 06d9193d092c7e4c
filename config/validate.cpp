// validate(): ranges and cross-field rules on a finished Config. Errors name the key.
#include <set>
#include <string>

#include "config/base/log.hpp"
#include "config/config.hpp"
#include "config/fields.hpp"
#include "config/limits.hpp"
#include "config/listen_address.hpp"

namespace regscand::config {
namespace {

// Wraps a problem-only check into "<key>: <problem>".
Result<void> at(std::string_view key, Result<void> check) {
  if (check) return {};
  return key_error(key, check.error().message);
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

// Visible ASCII only: a token travels in an HTTP header, where spaces and control bytes break it.
bool is_token_char(char c) {
  return c > ' ' && c < 0x7f;
}

Result<void> check_name(std::string_view key, std::string_view name) {
  if (name.empty()) return key_error(key, "must not be empty");
  for (const char c : name) {
    if (!is_name_char(c))
      return key_error(
          key, "may contain only letters, digits, '-', '_' and '.', got \"" + std::string(name) + "\"");
  }
  return {};
}

Result<void> check_token(std::string_view key, std::string_view token) {
  if (token.empty()) return key_error(key, "must not be empty (set token or token_file)");
  if (token.size() < kMinTokenLength) {
    return key_error(key, "must be at least " + std::to_string(kMinTokenLength) + " characters long, got " +
                              std::to_string(token.size()));
  }
  for (const char c : token) {
    if (!is_token_char(c))
      return key_error(key, "may contain only printable ASCII characters without spaces");
  }
  return {};
}

// Names unique and well-formed, tokens long enough and distinct. Never quotes a token.
template <class Item>
Result<void> check_tokens(const std::vector<Item>& items, std::string_view path) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string item = std::string(path) + "[" + std::to_string(i) + "]";
    if (auto ok = check_name(item + ".name", items[i].name); !ok) return ok;
    if (!names.insert(items[i].name).second) {
      return key_error(item + ".name", "duplicate name \"" + items[i].name + "\"");
    }
    if (auto ok = check_token(item + ".token", items[i].token); !ok) return ok;
    for (std::size_t j = 0; j < i; ++j) {
      if (items[j].token == items[i].token) {
        return key_error(item + ".token",
                         "same value as " + std::string(path) + "[" + std::to_string(j) + "].token");
      }
    }
  }
  return {};
}

Result<void> check_server(const ServerConfig& server) {
  if (auto address = parse_listen_address(server.listen); !address) {
    return key_error("server.listen", address.error().message);
  }
  if (server.tls.enabled() && server.tls.key_file.empty()) {
    return key_error("server.tls.key_file", "required when server.tls.cert_file is set");
  }
  if (!server.tls.enabled() && !server.tls.key_file.empty()) {
    return key_error("server.tls.cert_file", "required when server.tls.key_file is set");
  }
  if (auto ok = at("server.body_limit_bytes", check_range(server.body_limit_bytes, kBodyLimitRange)); !ok)
    return ok;
  if (auto ok = at("server.request_timeout", check_timeout(server.request_timeout)); !ok) return ok;
  if (auto ok = at("server.shutdown_timeout", check_timeout(server.shutdown_timeout)); !ok) return ok;
  return at("server.threads", check_range(server.threads, kThreadsRange));
}

Result<void> check_database(const DatabaseConfig& database) {
  if (auto ok = at("database.pool_size", check_range(database.pool_size, kPoolSizeRange)); !ok) return ok;
  if (auto ok = at("database.acquire_timeout", check_timeout(database.acquire_timeout)); !ok) return ok;
  return at("database.connect_timeout", check_timeout(database.connect_timeout));
}

Result<void> check_auth(const Config& config) {
  if (auto ok = check_tokens(config.auth.tokens, kTokensPath); !ok) return ok;
  if (auto ok = check_tokens(config.auth.webhook_tokens, kWebhookTokensPath); !ok) return ok;
  if (config.auth.tokens.empty() && !config.dev_mode()) {
    return key_error(kTokensPath,
                     "required unless in local dev mode (embedded database on a loopback address)");
  }
  return {};
}

}  // namespace

Result<void> validate(const Config& config) {
  if (auto ok = check_server(config.server); !ok) return ok;
  if (auto ok = check_database(config.database); !ok) return ok;
  if (config.data_dir.empty()) return key_error("data_dir", "must not be empty");
  if (!log::is_level_name(config.logging.level)) {
    return key_error("logging.level",
                     "must be one of trace, debug, info, warn, error, critical, off; got \"" +
                         config.logging.level + "\"");
  }
  return check_auth(config);
}

}  // namespace regscand::config
