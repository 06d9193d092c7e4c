// The daemon's typed configuration: built-in defaults, overlaid by a YAML file, overlaid by
// REGSCAND_SECTION_KEY environment variables (env wins). load() validates and names the key on error.
// Reference for operators: docs/configuration.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"
#include "config/base/log.hpp"

namespace regscand::config {

// Ordered: a stronger role may do everything a weaker one may.
enum class Role { Reader = 0, Writer = 1, Admin = 2 };
std::string_view to_string(Role role);
// "reader", "writer", "admin" (any case).
std::optional<Role> parse_role(std::string_view name);

struct ApiToken {
  std::string name;
  Role role = Role::Reader;
  std::string token;       // secret: never logged, redacted in dumps
  std::string token_file;  // where `token` was read from, if it came from a file
};

struct WebhookToken {
  std::string name;
  std::string token;       // secret
  std::string token_file;  // where `token` was read from, if it came from a file
};

struct TlsConfig {
  std::string cert_file;
  std::string key_file;
  bool enabled() const { return !cert_file.empty(); }
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // "host:port" or "[v6]:port"
  std::string host = "127.0.0.1";         // derived from listen (no brackets); what the server binds
  std::uint16_t port = 8080;              // derived from listen; 0 = any free port
  TlsConfig tls;
  std::size_t body_limit_bytes = 1024 * 1024;
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds shutdown_timeout{10'000};
  std::chrono::milliseconds drain_delay{5'000};  // after SIGTERM: /readyz fails, requests still served
  unsigned threads = 2;
};

struct EmbeddedDatabaseConfig {
  std::string user;  // system user that owns the cluster when the daemon runs as root; empty = "postgres"
};

struct DatabaseConfig {
  std::string url;  // libpq URL (secret: may hold a password); empty = embedded cluster under data_dir/pg
  unsigned pool_size = 8;
  std::chrono::milliseconds acquire_timeout{5'000};
  std::chrono::milliseconds connect_timeout{5'000};
  EmbeddedDatabaseConfig embedded;
  std::string url_file;  // where `url` was read from, if it came from a file
  bool embedded_mode() const { return url.empty(); }
};

struct AuthConfig {
  std::vector<ApiToken> tokens;
  std::vector<WebhookToken> webhook_tokens;
};

// How registry webhooks are parsed: CNCF distribution (also Docker registry), Azure Container
// Registry, Harbor.
enum class RegistryKind { Distribution, Acr, Harbor };
std::string_view to_string(RegistryKind kind);
// "distribution", "acr", "harbor" (any case).
std::optional<RegistryKind> parse_registry_kind(std::string_view name);

// How regscand authenticates when it pulls from a registry. A Docker config.json
// (`auth: {type: docker_config, file}`) is resolved at load time into Basic or Bearer.
enum class RegistryAuthType { Anonymous, Basic, Bearer };
std::string_view to_string(RegistryAuthType type);

struct RegistryAuth {
  RegistryAuthType type = RegistryAuthType::Anonymous;
  std::string username;             // Basic
  std::string password;             // Basic; secret
  std::string token;                // Bearer; secret
  std::string source_file;          // where password/token came from (password_file, token_file or the
                                    // Docker config.json), empty if given inline
  bool from_docker_config = false;  // source_file is a Docker config.json (`type: docker_config`)
};

struct RegistryConfig {
  std::string name;  // [a-z0-9][a-z0-9_-]{0,62}, unique; the {name} in /v1/webhooks/{name}
  RegistryKind kind = RegistryKind::Distribution;
  std::string url;                          // "http(s)://host[:port][/path]", no trailing '/'
  std::vector<std::string> webhook_tokens;  // secrets; empty = the global auth.webhook_tokens apply
  std::string webhook_token_file;           // where webhook_tokens were read from (one per line), if a file
  RegistryAuth auth;
  std::string ca_file;                // extra PEM CA bundle for https; empty = system store only
  bool insecure_skip_verify = false;  // https only: do not verify the registry's certificate
  bool include_head_pulls = false;    // count HEAD manifest requests as pulls
};

// The scan job queue, per replica.
struct ScannerConfig {
  unsigned workers = 2;                             // concurrent jobs, 0..64 (0 = no workers here)
  unsigned max_attempts = 5;                        // then the job is "dead", 1..100
  std::chrono::milliseconds lease{60'000};          // renewed by the worker every lease/3
  std::chrono::milliseconds poll_interval{5'000};   // fallback when no NOTIFY arrives
  std::chrono::milliseconds retry_backoff{10'000};  // first retry delay; doubles each attempt
  std::chrono::milliseconds retry_backoff_max{600'000};
  // Each layer or config blob: done within blob_timeout, and at least blob_min_rate bytes per second in each
  // blob_rate_window (0 = no minimum rate).
  std::chrono::milliseconds blob_timeout{30 * 60'000};  // (0, 24h]
  std::uint64_t blob_min_rate = 10 * 1024;              // 0..1GiB
  std::chrono::milliseconds blob_rate_window{30'000};   // 1s..1h
};

// Advisory feeds the daemon imports and matches inventories against.
struct FeedsConfig {
  // Each "default" (the built-in upstream sources, scanner/feeds/default_sources.hpp), a filesystem path
  // (kept as written; relative = relative to the working directory) or an http:// / https:// URL without
  // user info, query or fragment. At most 64, no duplicates. Empty = no feeds, nothing matched.
  std::vector<std::string> sources{"default"};
  // "" = fetch upstream; else an http(s) base URL or a local directory onto which every URL source is
  // rewritten as <mirror>/<host>/<path> (no trailing '/').
  std::string mirror;
  std::chrono::milliseconds refresh_interval{std::chrono::hours(6)};  // 1m..30d
};

// The rescan scheduler (one leader across replicas): every `tick` it queues a rescan of each live image
// pulled within `pulled_within` (or, when pushed_within is on, pushed within it) whose last scan is older
// than `rescan_every`, at most `max_per_minute` per minute.
struct SchedulerConfig {
  bool enabled = true;
  std::chrono::milliseconds tick{std::chrono::hours(1)};           // 1s..7d
  std::chrono::milliseconds pulled_within{std::chrono::days(30)};  // 1m..3650d
  std::chrono::milliseconds rescan_every{std::chrono::days(7)};    // 1m..365d
  std::chrono::milliseconds pushed_within{0};                      // 0 = off ("off"); else 1m..3650d
  unsigned max_per_minute = 600;                                   // 1..100000
};

using LogFormat = log::Format;  // Text | Json
std::string_view to_string(LogFormat format);

struct LoggingConfig {
  std::string level = "info";  // trace|debug|info|warn|error|critical|off (lower case after load)
  LogFormat format = LogFormat::Text;
};

struct Config {
  ServerConfig server;
  DatabaseConfig database;
  std::filesystem::path data_dir = "./var";
  AuthConfig auth;
  LoggingConfig logging;
  std::vector<RegistryConfig> registries;
  ScannerConfig scanner;
  FeedsConfig feeds;
  SchedulerConfig scheduler;

  // The registry with this name, or nullptr.
  const RegistryConfig* find_registry(std::string_view name) const;
  // The tokens a webhook for `registry` must present: its own webhook_tokens if it has any, else
  // every auth.webhook_tokens value. Empty (only possible in dev mode) = webhooks unauthenticated.
  std::vector<std::string> webhook_tokens_for(const RegistryConfig& registry) const;

  // Local dev mode: embedded database (empty database.url) and a loopback server.host
  // (127.0.0.0/8, ::1, localhost). Only here may auth be off.
  bool dev_mode() const;
  bool auth_enabled() const { return !auth.tokens.empty(); }
};

// Environment variables as name -> value (tests pass their own; main passes process_environment()).
using Environment = std::map<std::string, std::string>;
// A copy of ::environ.
Environment process_environment();

// The config file to load: the --config flag if given, else $REGSCAND_CONFIG if set and non-empty,
// else none (defaults and environment only).
std::optional<std::filesystem::path> resolve_config_file(const std::optional<std::filesystem::path>& flag,
                                                         const Environment& env);

// Loads defaults <- file (if given) <- env, reads *_file secrets, resolves registries' Docker
// config.json credentials, checks that each registries[i].ca_file is a readable PEM file, and validates.
// Every REGSCAND_* variable except REGSCAND_CONFIG must be a known one. Errors are InvalidArgument and read
// "<key>: <problem>", with "(file:line:col)" or "(from REGSCAND_X)" when a value was rejected.
[[nodiscard]] Result<Config> load(const std::optional<std::filesystem::path>& file, const Environment& env);

// Same as load() but from YAML text (file_name names it in errors).
[[nodiscard]] Result<Config> load_from_string(std::string_view yaml, std::string_view file_name,
                                              const Environment& env);

// Checks ranges and cross-field rules (ports, limits, TLS pairs, tokens, auth outside dev mode,
// registries and their webhook tokens, scanner ranges, feed sources and refresh interval, scheduler). Does no
// I/O. Errors are InvalidArgument and name the key: "server.threads: must be 1..256, got 300".
[[nodiscard]] Result<void> validate(const Config& config);

// The effective configuration as YAML with every secret replaced by "<redacted>" (tokens, webhook
// tokens, passwords in database.url, registry passwords, tokens and webhook tokens). Secrets read from files
// are shown as their *_file path. The output is itself a valid config file apart from the redacted values.
std::string dump_redacted(const Config& config);

// Every environment variable load() understands, REGSCAND_CONFIG included, sorted.
std::vector<std::string> environment_variable_names();

}  // namespace regscand::config
