// validate(): ranges and cross-field rules on a finished Config. Errors name the key.
#include <set>
#include <string>

#include "config/base/log.hpp"
#include "config/config.hpp"
#include "config/feed_source.hpp"
#include "config/fields.hpp"
#include "config/limits.hpp"
#include "config/listen_address.hpp"
#include "config/registry_fields.hpp"
#include "config/registry_url.hpp"

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
  if (auto ok = at("server.drain_delay", check_duration(server.drain_delay, kDrainDelayRange)); !ok)
    return ok;
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

Result<void> check_scanner(const ScannerConfig& scanner) {
  if (auto ok = at("scanner.workers", check_range(scanner.workers, kWorkersRange)); !ok) return ok;
  if (auto ok = at("scanner.max_attempts", check_range(scanner.max_attempts, kMaxAttemptsRange)); !ok)
    return ok;
  if (auto ok = at("scanner.lease", check_duration(scanner.lease, kLeaseRange)); !ok) return ok;
  if (auto ok = at("scanner.poll_interval", check_duration(scanner.poll_interval, kPollIntervalRange)); !ok)
    return ok;
  if (auto ok = at("scanner.retry_backoff", check_duration(scanner.retry_backoff, kRetryBackoffRange)); !ok)
    return ok;
  if (auto ok =
          at("scanner.retry_backoff_max", check_duration(scanner.retry_backoff_max, kRetryBackoffMaxRange));
      !ok)
    return ok;
  if (scanner.retry_backoff_max < scanner.retry_backoff) {
    return key_error("scanner.retry_backoff_max", "must be at least scanner.retry_backoff (" +
                                                      format_duration(scanner.retry_backoff) + "), got " +
                                                      format_duration(scanner.retry_backoff_max));
  }
  if (auto ok = at("scanner.blob_timeout", check_timeout(scanner.blob_timeout)); !ok) return ok;
  if (auto ok = at("scanner.blob_min_rate", check_range(scanner.blob_min_rate, kBlobMinRateRange)); !ok)
    return ok;
  return at("scanner.blob_rate_window", check_duration(scanner.blob_rate_window, kBlobRateWindowRange));
}

Result<void> check_feeds(const FeedsConfig& feeds) {
  if (auto ok = check_feed_sources(feeds.sources); !ok) return ok;
  return at("feeds.refresh_interval", check_duration(feeds.refresh_interval, kRefreshIntervalRange));
}

Result<void> check_scheduler(const SchedulerConfig& scheduler) {
  if (auto ok = at("scheduler.tick", check_duration(scheduler.tick, kTickRange)); !ok) return ok;
  if (auto ok = at("scheduler.pulled_within", check_duration(scheduler.pulled_within, kPulledWithinRange));
      !ok)
    return ok;
  if (auto ok = at("scheduler.rescan_every", check_duration(scheduler.rescan_every, kRescanEveryRange)); !ok)
    return ok;
  if (scheduler.pushed_within.count() != 0) {
    if (auto ok = at("scheduler.pushed_within", check_duration(scheduler.pushed_within, kPushedWithinRange));
        !ok)
      return ok;
  }
  return at("scheduler.max_per_minute", check_range(scheduler.max_per_minute, kMaxPerMinuteRange));
}

Result<void> check_registry_webhook_token(const RegistryConfig& registry, std::size_t index,
                                          const std::string& path) {
  const std::string key = path + "[" + std::to_string(index) + "]";
  const std::string& token = registry.webhook_tokens[index];
  if (token.empty()) return key_error(key, "must not be empty");
  if (auto ok = check_token(key, token); !ok) return ok;
  for (std::size_t j = 0; j < index; ++j) {
    if (registry.webhook_tokens[j] == token) {
      return key_error(key, "same value as " + path + "[" + std::to_string(j) + "]");
    }
  }
  return {};
}

// Each token long enough, printable and distinct within the registry. Never quotes a token; names
// the file the tokens came from, if any (index i is the i-th non-empty line).
Result<void> check_registry_webhook_tokens(const RegistryConfig& registry, const std::string& prefix) {
  const std::string path = prefix + ".webhook_tokens";
  for (std::size_t i = 0; i < registry.webhook_tokens.size(); ++i) {
    auto ok = check_registry_webhook_token(registry, i, path);
    if (ok) continue;
    if (registry.webhook_token_file.empty()) return ok;
    return fail(ok.error().code, ok.error().message + " (token " + std::to_string(i + 1) + " of " +
                                     registry.webhook_token_file + ")");
  }
  return {};
}

Result<void> check_registry_auth(const RegistryAuth& auth, const std::string& prefix) {
  const std::string path = prefix + ".auth";
  switch (auth.type) {
    case RegistryAuthType::Anonymous:
      if (auth.from_docker_config) return key_error(path + ".file", "not resolved (load() reads it)");
      return {};
    case RegistryAuthType::Basic:
      if (auth.username.empty()) return key_error(path + ".username", "required for type basic");
      if (auth.username.find(':') != std::string::npos) {
        return key_error(path + ".username", "must not contain ':' (HTTP basic auth)");
      }
      if (auth.password.empty())
        return key_error(path + ".password", "required for type basic (or password_file)");
      return {};
    case RegistryAuthType::Bearer:
      if (auth.token.empty()) return key_error(path + ".token", "required for type bearer (or token_file)");
      return {};
  }
  return {};
}

Result<void> check_registry(const Config& config, std::size_t index) {
  const RegistryConfig& registry = config.registries[index];
  const std::string prefix = "registries[" + std::to_string(index) + "]";
  if (auto ok = at(prefix + ".name", check_registry_name(registry.name)); !ok) return ok;
  for (std::size_t j = 0; j < index; ++j) {
    if (config.registries[j].name == registry.name) {
      return key_error(prefix + ".name", "duplicate \"" + registry.name + "\"");
    }
  }
  if (registry.url.empty()) return key_error(prefix + ".url", "must not be empty");
  if (auto url = parse_registry_url(registry.url); !url)
    return key_error(prefix + ".url", url.error().message);
  if (auto ok = check_registry_webhook_tokens(registry, prefix); !ok) return ok;
  if (auto ok = check_registry_auth(registry.auth, prefix); !ok) return ok;
  if (registry.webhook_tokens.empty() && config.auth.webhook_tokens.empty() && !config.dev_mode()) {
    return key_error(prefix + ".webhook_tokens",
                     "required unless in local dev mode: set webhook_tokens or webhook_token_file here, or "
                     "auth.webhook_tokens for every registry");
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
  if (auto ok = check_auth(config); !ok) return ok;
  for (std::size_t i = 0; i < config.registries.size(); ++i) {
    if (auto ok = check_registry(config, i); !ok) return ok;
  }
  if (auto ok = check_scanner(config.scanner); !ok) return ok;
  if (auto ok = check_feeds(config.feeds); !ok) return ok;
  return check_scheduler(config.scheduler);
}

}  // namespace regscand::config
