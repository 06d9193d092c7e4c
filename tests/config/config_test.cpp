#include "config/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace regscand::config {
namespace {

using std::chrono::milliseconds;

constexpr const char* kToken = "0123456789abcdef-dashboard";
constexpr const char* kOtherToken = "fedcba9876543210-ci";
constexpr const char* kWebhookToken = "webhook-secret-0123456789";

Result<Config> load_yaml(std::string_view yaml, const Environment& env = {}) {
  return load_from_string(yaml, "test.yaml", env);
}

// Asserts that `result` failed and its message contains `fragment`.
template <class T>
void expect_error(const Result<T>& result, std::string_view fragment) {
  ASSERT_FALSE(result.has_value()) << "expected an error containing: " << fragment;
  EXPECT_NE(result.error().message.find(fragment), std::string::npos)
      << "message: " << result.error().message << "\nexpected to contain: " << fragment;
}

std::filesystem::path write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  return path;
}

// A production-like config (non-loopback, so auth is required) that passes validation.
std::string valid_remote_yaml() {
  return std::string(
             "server: {listen: \"0.0.0.0:9000\"}\n"
             "auth:\n  tokens:\n    - {name: dashboard, role: reader, token: \"") +
         kToken + "\"}\n";
}

// ---- defaults and the full schema ----

TEST(Load, DefaultsWithoutFileOrEnvironment) {
  const auto config = load(std::nullopt, {});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(config->server.host, "127.0.0.1");
  EXPECT_EQ(config->server.port, 8080);
  EXPECT_FALSE(config->server.tls.enabled());
  EXPECT_EQ(config->server.body_limit_bytes, 1048576u);
  EXPECT_EQ(config->server.request_timeout, milliseconds(30'000));
  EXPECT_EQ(config->server.shutdown_timeout, milliseconds(10'000));
  EXPECT_EQ(config->server.drain_delay, milliseconds(5'000));
  EXPECT_EQ(config->server.threads, 2u);
  EXPECT_EQ(config->database.url, "");
  EXPECT_EQ(config->database.pool_size, 8u);
  EXPECT_EQ(config->database.acquire_timeout, milliseconds(5'000));
  EXPECT_EQ(config->database.connect_timeout, milliseconds(5'000));
  EXPECT_EQ(config->database.embedded.user, "");
  EXPECT_EQ(config->data_dir, "./var");
  EXPECT_TRUE(config->auth.tokens.empty());
  EXPECT_TRUE(config->auth.webhook_tokens.empty());
  EXPECT_EQ(config->logging.level, "info");
  EXPECT_EQ(config->logging.format, LogFormat::Text);
  EXPECT_TRUE(config->dev_mode());
  EXPECT_FALSE(config->auth_enabled());
  EXPECT_TRUE(config->registries.empty());
  EXPECT_EQ(config->scanner.workers, 2u);
  EXPECT_EQ(config->scanner.max_attempts, 5u);
  EXPECT_EQ(config->scanner.lease, milliseconds(60'000));
  EXPECT_EQ(config->scanner.poll_interval, milliseconds(5'000));
  EXPECT_EQ(config->scanner.retry_backoff, milliseconds(10'000));
  EXPECT_EQ(config->scanner.retry_backoff_max, milliseconds(600'000));
  EXPECT_EQ(config->feeds.sources, std::vector<std::string>{"default"});
  EXPECT_EQ(config->feeds.refresh_interval, milliseconds(6 * 3'600'000));
}

TEST(Load, EmptyDocumentGivesDefaults) {
  const auto config = load_yaml("# nothing but a comment\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server.listen, "127.0.0.1:8080");
}

TEST(Load, ReadsEveryKey) {
  const auto config = load_yaml(std::string(R"(
server:
  listen: "[::]:9443"
  tls: {cert_file: /etc/regscand/cert.pem, key_file: /etc/regscand/key.pem}
  body_limit_bytes: 512KiB
  request_timeout: 45s
  shutdown_timeout: 500ms
  drain_delay: 0s
  threads: 8
database:
  url: "postgresql://scan@db.internal/regscan"
  pool_size: 16
  acquire_timeout: 2m
  connect_timeout: 3
  embedded: {user: pgowner}
data_dir: /var/lib/regscand
auth:
  tokens:
    - {name: dashboard, role: reader, token: ")") +
                                kToken + R"("}
    - {name: ci, role: ADMIN, token: ")" +
                                kOtherToken + R"("}
  webhook_tokens:
    - {name: registry, token: ")" +
                                kWebhookToken + R"("}
logging: {level: Debug, format: json}
)");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server.host, "::");
  EXPECT_EQ(config->server.port, 9443);
  EXPECT_EQ(config->server.tls.cert_file, "/etc/regscand/cert.pem");
  EXPECT_EQ(config->server.tls.key_file, "/etc/regscand/key.pem");
  EXPECT_TRUE(config->server.tls.enabled());
  EXPECT_EQ(config->server.body_limit_bytes, 512u * 1024);
  EXPECT_EQ(config->server.request_timeout, milliseconds(45'000));
  EXPECT_EQ(config->server.shutdown_timeout, milliseconds(500));
  EXPECT_EQ(config->server.drain_delay, milliseconds(0));
  EXPECT_EQ(config->server.threads, 8u);
  EXPECT_EQ(config->database.url, "postgresql://scan@db.internal/regscan");
  EXPECT_EQ(config->database.pool_size, 16u);
  EXPECT_EQ(config->database.acquire_timeout, milliseconds(120'000));
  EXPECT_EQ(config->database.connect_timeout, milliseconds(3'000));
  EXPECT_EQ(config->database.embedded.user, "pgowner");
  EXPECT_EQ(config->data_dir, "/var/lib/regscand");
  ASSERT_EQ(config->auth.tokens.size(), 2u);
  EXPECT_EQ(config->auth.tokens[0].name, "dashboard");
  EXPECT_EQ(config->auth.tokens[0].role, Role::Reader);
  EXPECT_EQ(config->auth.tokens[0].token, kToken);
  EXPECT_EQ(config->auth.tokens[1].role, Role::Admin);
  ASSERT_EQ(config->auth.webhook_tokens.size(), 1u);
  EXPECT_EQ(config->auth.webhook_tokens[0].name, "registry");
  EXPECT_EQ(config->auth.webhook_tokens[0].token, kWebhookToken);
  EXPECT_EQ(config->logging.level, "debug");
  EXPECT_EQ(config->logging.format, LogFormat::Json);
  EXPECT_FALSE(config->dev_mode());
}

TEST(Load, ReadsAFileFromDisk) {
  testing::TempDir dir;
  const auto path = write_file(dir.path() / "regscand.yaml", "server:\n  threads: 4\n");
  const auto config = load(path, {});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server.threads, 4u);
}

TEST(Load, MissingConfigFileNamesThePath) {
  testing::TempDir dir;
  const auto path = dir.path() / "absent.yaml";
  const auto config = load(path, {});
  expect_error(config, path.string());
  EXPECT_EQ(config.error().code, ErrorCode::NotFound);
}

// ---- environment layer ----

TEST(Environment, OverridesTheFile) {
  const auto config = load_yaml("server: {listen: \"127.0.0.1:9000\", threads: 4}\nlogging: {level: warn}\n",
                                {{"REGSCAND_SERVER_LISTEN", "127.0.0.1:9100"},
                                 {"REGSCAND_LOGGING_LEVEL", "error"},
                                 {"REGSCAND_DATA_DIR", "/srv/regscand"},
                                 {"REGSCAND_SERVER_TLS_CERT_FILE", "/c.pem"},
                                 {"REGSCAND_SERVER_TLS_KEY_FILE", "/k.pem"},
                                 {"REGSCAND_SERVER_BODY_LIMIT_BYTES", "1MiB"},
                                 {"REGSCAND_DATABASE_EMBEDDED_USER", "pg"},
                                 {"REGSCAND_DATABASE_POOL_SIZE", "3"}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server.listen, "127.0.0.1:9100");
  EXPECT_EQ(config->server.port, 9100);
  EXPECT_EQ(config->server.threads, 4u);  // from the file: not overridden
  EXPECT_EQ(config->logging.level, "error");
  EXPECT_EQ(config->data_dir, "/srv/regscand");
  EXPECT_EQ(config->server.tls.cert_file, "/c.pem");
  EXPECT_EQ(config->server.tls.key_file, "/k.pem");
  EXPECT_EQ(config->server.body_limit_bytes, 1024u * 1024);
  EXPECT_EQ(config->database.embedded.user, "pg");
  EXPECT_EQ(config->database.pool_size, 3u);
}

TEST(Environment, TokenListsReplaceTheFileLists) {
  const auto config = load_yaml(valid_remote_yaml(),
                                {{"REGSCAND_AUTH_TOKENS", std::string("ci:admin:") + kOtherToken +
                                                              " , ops:Writer:with:colons-0123456789,"},
                                 {"REGSCAND_AUTH_WEBHOOK_TOKENS", std::string("registry:") + kWebhookToken}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  ASSERT_EQ(config->auth.tokens.size(), 2u);
  EXPECT_EQ(config->auth.tokens[0].name, "ci");
  EXPECT_EQ(config->auth.tokens[0].role, Role::Admin);
  EXPECT_EQ(config->auth.tokens[0].token, kOtherToken);
  EXPECT_EQ(config->auth.tokens[1].name, "ops");
  EXPECT_EQ(config->auth.tokens[1].role, Role::Writer);
  EXPECT_EQ(config->auth.tokens[1].token, "with:colons-0123456789");
  ASSERT_EQ(config->auth.webhook_tokens.size(), 1u);
  EXPECT_EQ(config->auth.webhook_tokens[0].token, kWebhookToken);
}

TEST(Environment, MalformedTokenEntryNamesTheKeyNotTheToken) {
  const auto config = load(std::nullopt, {{"REGSCAND_AUTH_TOKENS", "just-a-secret-value-here"}});
  expect_error(config, "auth.tokens[0]: expected name:role:token (from REGSCAND_AUTH_TOKENS)");
  EXPECT_EQ(config.error().message.find("just-a-secret-value-here"), std::string::npos);
}

TEST(Environment, BadRoleNamesTheKey) {
  expect_error(
      load(std::nullopt, {{"REGSCAND_AUTH_TOKENS", std::string("ci:root:") + kToken}}),
      "auth.tokens[0].role: must be reader, writer or admin, got \"root\" (from REGSCAND_AUTH_TOKENS)");
}

TEST(Environment, MalformedWebhookEntry) {
  expect_error(load(std::nullopt, {{"REGSCAND_AUTH_WEBHOOK_TOKENS", "registry"}}),
               "auth.webhook_tokens[0]: expected name:token");
}

TEST(Environment, BadValueNamesKeyAndVariable) {
  expect_error(
      load(std::nullopt, {{"REGSCAND_SERVER_THREADS", "many"}}),
      "server.threads: expected a non-negative integer, got \"many\" (from REGSCAND_SERVER_THREADS)");
  expect_error(load(std::nullopt, {{"REGSCAND_SERVER_REQUEST_TIMEOUT", "soon"}}),
               "server.request_timeout: expected a duration");
}

TEST(Environment, UnknownVariableIsAnErrorWithASuggestion) {
  const auto config = load(std::nullopt, {{"REGSCAND_SERVER_LISEN", "127.0.0.1:1"}});
  expect_error(config, "REGSCAND_SERVER_LISEN: unknown environment variable");
  expect_error(config, "did you mean REGSCAND_SERVER_LISTEN?");
  // Only REGSCAND_* is ours: other variables are ignored.
  EXPECT_TRUE(load(std::nullopt, {{"HOME", "/root"}, {"REGSCANDX", "1"}}).has_value());
}

TEST(Environment, DottedPathsDoNotLeakIntoNames) {
  expect_error(load(std::nullopt, {{"REGSCAND_DATA", "x"}}), "REGSCAND_DATA: unknown environment variable");
  expect_error(load(std::nullopt, {{"REGSCAND_SERVER", "x"}}),
               "REGSCAND_SERVER: unknown environment variable");
}

TEST(Environment, ConfigVariableIsNotASetting) {
  const Environment env{{"REGSCAND_CONFIG", "/etc/regscand.yaml"}};
  EXPECT_TRUE(load(std::nullopt, env).has_value());
  EXPECT_EQ(resolve_config_file(std::nullopt, env), std::filesystem::path("/etc/regscand.yaml"));
  EXPECT_EQ(resolve_config_file(std::filesystem::path("/flag.yaml"), env),
            std::filesystem::path("/flag.yaml"));
  EXPECT_EQ(resolve_config_file(std::nullopt, {{"REGSCAND_CONFIG", ""}}), std::nullopt);
  EXPECT_EQ(resolve_config_file(std::nullopt, {}), std::nullopt);
}

TEST(Environment, NamesFollowTheKeyPaths) {
  const auto names = environment_variable_names();
  for (const char* expected : {"REGSCAND_CONFIG",
                               "REGSCAND_SERVER_LISTEN",
                               "REGSCAND_SERVER_TLS_CERT_FILE",
                               "REGSCAND_SERVER_TLS_KEY_FILE",
                               "REGSCAND_SERVER_BODY_LIMIT_BYTES",
                               "REGSCAND_SERVER_REQUEST_TIMEOUT",
                               "REGSCAND_SERVER_SHUTDOWN_TIMEOUT",
                               "REGSCAND_SERVER_DRAIN_DELAY",
                               "REGSCAND_SERVER_THREADS",
                               "REGSCAND_DATABASE_URL",
                               "REGSCAND_DATABASE_URL_FILE",
                               "REGSCAND_DATABASE_POOL_SIZE",
                               "REGSCAND_DATABASE_ACQUIRE_TIMEOUT",
                               "REGSCAND_DATABASE_CONNECT_TIMEOUT",
                               "REGSCAND_DATABASE_EMBEDDED_USER",
                               "REGSCAND_DATA_DIR",
                               "REGSCAND_AUTH_TOKENS",
                               "REGSCAND_AUTH_WEBHOOK_TOKENS",
                               "REGSCAND_LOGGING_LEVEL",
                               "REGSCAND_LOGGING_FORMAT",
                               "REGSCAND_SCANNER_WORKERS",
                               "REGSCAND_SCANNER_MAX_ATTEMPTS",
                               "REGSCAND_SCANNER_LEASE",
                               "REGSCAND_SCANNER_POLL_INTERVAL",
                               "REGSCAND_SCANNER_RETRY_BACKOFF",
                               "REGSCAND_SCANNER_RETRY_BACKOFF_MAX",
                               "REGSCAND_SCANNER_BLOB_TIMEOUT",
                               "REGSCAND_SCANNER_BLOB_MIN_RATE",
                               "REGSCAND_SCANNER_BLOB_RATE_WINDOW",
                               "REGSCAND_FEEDS_SOURCES",
                               "REGSCAND_FEEDS_MIRROR",
                               "REGSCAND_FEEDS_REFRESH_INTERVAL",
                               "REGSCAND_SCHEDULER_ENABLED",
                               "REGSCAND_SCHEDULER_TICK",
                               "REGSCAND_SCHEDULER_PULLED_WITHIN",
                               "REGSCAND_SCHEDULER_RESCAN_EVERY",
                               "REGSCAND_SCHEDULER_PUSHED_WITHIN",
                               "REGSCAND_SCHEDULER_MAX_PER_MINUTE"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  EXPECT_EQ(names.size(), 38u);
}

TEST(Environment, ProcessEnvironmentReadsEnviron) {
  ASSERT_EQ(::setenv("REGSCAND_TEST_PROCESS_ENV", "a=b", 1), 0);
  const auto env = process_environment();
  ::unsetenv("REGSCAND_TEST_PROCESS_ENV");
  const auto it = env.find("REGSCAND_TEST_PROCESS_ENV");
  ASSERT_NE(it, env.end());
  EXPECT_EQ(it->second, "a=b");  // split at the first '='
}

// ---- YAML structure errors ----

TEST(Yaml, UnknownKeysAreErrorsAtEveryLevel) {
  expect_error(load_yaml("server:\n  lisen: \"127.0.0.1:1\"\n"), "server.lisen: unknown key (test.yaml:2:3)");
  expect_error(load_yaml("servre: {}\n"), "servre: unknown key");
  expect_error(load_yaml("server: {tls: {cert: x}}\n"), "server.tls.cert: unknown key");
  expect_error(load_yaml("database: {embedded: {usr: x}}\n"), "database.embedded.usr: unknown key");
  expect_error(load_yaml(std::string("auth: {tokens: [{name: a, role: reader, tokn: x}]}\n")),
               "auth.tokens[0].tokn: unknown key");
  expect_error(load_yaml("auth: {webhook_tokens: [{name: a, role: reader}]}\n"),
               "auth.webhook_tokens[0].role: unknown key");
}

TEST(Yaml, WrongTypesNameTheKeyAndTheExpectedType) {
  expect_error(load_yaml("server: [1, 2]\n"), "server: expected a mapping, got a list");
  expect_error(load_yaml("server: {threads: {n: 1}}\n"),
               "server.threads: expected a non-negative integer, got a mapping");
  expect_error(load_yaml("server: {threads: many}\n"),
               "server.threads: expected a non-negative integer, got \"many\"");
  expect_error(load_yaml("server: {threads: }\n"),
               "server.threads: expected a non-negative integer, got null");
  expect_error(load_yaml("server: {request_timeout: [1]}\n"),
               "server.request_timeout: expected a duration, got a list");
  expect_error(load_yaml("server: {body_limit_bytes: 1MB}\n"),
               "server.body_limit_bytes: expected a size in bytes");
  expect_error(load_yaml("data_dir: {a: b}\n"), "data_dir: expected a string, got a mapping");
  expect_error(load_yaml("auth: {tokens: {name: a}}\n"), "auth.tokens: expected a list, got a mapping");
  expect_error(load_yaml("auth: {tokens: [abc]}\n"), "auth.tokens[0]: expected a mapping, got a scalar");
  expect_error(load_yaml("auth: {tokens: [{name: [a]}]}\n"),
               "auth.tokens[0].name: expected a string, got a list");
  expect_error(load_yaml("just a string\n"), "test.yaml: expected a mapping, got a scalar");
}

TEST(Yaml, MalformedYamlGivesFileLineColumn) {
  const auto config = load_yaml("server:\n  threads: [1, 2\n");
  expect_error(config, "test.yaml:");
  expect_error(config, "invalid YAML");
  const auto bad_indent = load_yaml("server:\n  threads: 2\n bad: [\n");
  ASSERT_FALSE(bad_indent.has_value());
  EXPECT_TRUE(bad_indent.error().message.starts_with("test.yaml:3:")) << bad_indent.error().message;
}

TEST(Yaml, DuplicateKeysAreErrors) {
  expect_error(load_yaml("server: {threads: 2, threads: 3}\n"), "server.threads: duplicate key");
  expect_error(load_yaml("auth: {tokens: [{name: a, name: b}]}\n"), "auth.tokens[0].name: duplicate key");
}

TEST(Yaml, OnlyOneDocument) {
  expect_error(load_yaml("server: {threads: 2}\n---\nserver: {threads: 3}\n"),
               "expected one YAML document, found 2");
}

TEST(Yaml, ValueErrorsCarryTheLocation) {
  expect_error(load_yaml("server:\n  listen: \"0.0.0.0:70000\"\n"),
               "server.listen: port must be 0..65535, got 70000 (test.yaml:2:11)");
}

// ---- validation ----

TEST(Validate, PortOutOfRange) {
  Config config;
  config.server.listen = "127.0.0.1:70000";
  const auto valid = validate(config);
  ASSERT_FALSE(valid.has_value());
  EXPECT_EQ(valid.error().message, "server.listen: port must be 0..65535, got 70000");
  EXPECT_EQ(valid.error().code, ErrorCode::InvalidArgument);
}

TEST(Validate, ListenForms) {
  expect_error(load_yaml("server: {listen: \"localhost\"}\n"), "server.listen: expected host:port");
  expect_error(load_yaml("server: {listen: \"::1:8080\"}\n"),
               "server.listen: an IPv6 host must be in brackets");
  expect_error(load_yaml("server: {listen: \":8080\"}\n"), "server.listen: host must not be empty");
  const auto v6 = load_yaml("server: {listen: \"[::1]:0\"}\n");
  ASSERT_TRUE(v6.has_value()) << v6.error().message;
  EXPECT_EQ(v6->server.host, "::1");
  EXPECT_EQ(v6->server.port, 0);
  EXPECT_TRUE(v6->dev_mode());
}

TEST(Validate, TlsFilesComeInPairs) {
  expect_error(load_yaml("server: {tls: {cert_file: /c.pem}}\n"),
               "server.tls.key_file: required when server.tls.cert_file is set");
  expect_error(load_yaml("server: {tls: {key_file: /k.pem}}\n"),
               "server.tls.cert_file: required when server.tls.key_file is set");
}

TEST(Validate, BodyLimitRange) {
  expect_error(load_yaml("server: {body_limit_bytes: 0}\n"),
               "server.body_limit_bytes: must be 1..1073741824, got 0");
  expect_error(load_yaml("server: {body_limit_bytes: 2GiB}\n"),
               "server.body_limit_bytes: must be 1..1073741824");
  EXPECT_TRUE(load_yaml("server: {body_limit_bytes: 1GiB}\n").has_value());
  Config config;
  config.server.body_limit_bytes = 0;
  expect_error(validate(config), "server.body_limit_bytes: must be 1..1073741824, got 0");
}

TEST(Validate, TimeoutsMustBePositive) {
  for (const char* key : {"request_timeout", "shutdown_timeout"}) {
    expect_error(load_yaml(std::string("server: {") + key + ": 0s}\n"),
                 std::string("server.") + key + ": must be greater than 0 and at most 24h, got 0s");
  }
  for (const char* key : {"acquire_timeout", "connect_timeout"}) {
    expect_error(load_yaml(std::string("database: {") + key + ": 0}\n"),
                 std::string("database.") + key + ": must be");
  }
  expect_error(load_yaml("server: {request_timeout: 2d}\n"),
               "server.request_timeout: must be greater than 0 and at most 24h");
  expect_error(load_yaml("server: {drain_delay: 11m}\n"), "server.drain_delay: must be");
  Config config;
  config.database.connect_timeout = milliseconds(0);
  expect_error(validate(config), "database.connect_timeout: must be greater than 0");
}

TEST(Validate, ThreadsAndPoolSizeRanges) {
  expect_error(load_yaml("server: {threads: 0}\n"), "server.threads: must be 1..256, got 0");
  expect_error(load_yaml("server: {threads: 257}\n"), "server.threads: must be 1..256, got 257");
  expect_error(load_yaml("server: {threads: 99999999999}\n"),
               "server.threads: must be 1..256, got 99999999999");
  expect_error(load_yaml("database: {pool_size: 0}\n"), "database.pool_size: must be 1..1000, got 0");
  expect_error(load_yaml("database: {pool_size: 1001}\n"), "database.pool_size: must be 1..1000, got 1001");
  EXPECT_TRUE(load_yaml("server: {threads: 256}\ndatabase: {pool_size: 1000}\n").has_value());
  Config config;
  config.server.threads = 0;
  expect_error(validate(config), "server.threads: must be 1..256, got 0");
}

TEST(Validate, LoggingValues) {
  expect_error(
      load_yaml("logging: {level: verbose}\n"),
      "logging.level: must be one of trace, debug, info, warn, error, critical, off; got \"verbose\"");
  expect_error(load_yaml("logging: {format: xml}\n"), "logging.format: must be text or json, got \"xml\"");
  Config config;
  config.logging.level = "loud";
  expect_error(validate(config), "logging.level: must be one of");
}

TEST(Validate, DataDirMustNotBeEmpty) {
  expect_error(load_yaml("data_dir: \"\"\n"), "data_dir: must not be empty");
  expect_error(load(std::nullopt, {{"REGSCAND_DATA_DIR", ""}}), "data_dir: must not be empty");
}

TEST(Validate, RolesMustBeKnown) {
  expect_error(load_yaml(std::string("auth: {tokens: [{name: a, role: owner, token: ") + kToken + "}]}\n"),
               "auth.tokens[0].role: must be reader, writer or admin, got \"owner\"");
}

TEST(Validate, TokenNamesAreUniqueAndNonEmpty) {
  expect_error(load_yaml(std::string("auth: {tokens: [{role: reader, token: ") + kToken + "}]}\n"),
               "auth.tokens[0].name: must not be empty");
  expect_error(load_yaml(std::string("auth: {tokens: [{name: a, token: ") + kToken +
                         "}, {name: a, token: " + kOtherToken + "}]}\n"),
               "auth.tokens[1].name: duplicate name \"a\"");
  expect_error(load_yaml(std::string("auth: {webhook_tokens: [{name: \"a b\", token: ") + kToken + "}]}\n"),
               "auth.webhook_tokens[0].name: may contain only letters");
}

TEST(Validate, TokensAreLongEnoughAndNeverQuoted) {
  const auto short_token = load_yaml("auth: {tokens: [{name: a, token: short-secret}]}\n");
  expect_error(short_token, "auth.tokens[0].token: must be at least 16 characters long, got 12");
  EXPECT_EQ(short_token.error().message.find("short-secret"), std::string::npos);
  expect_error(load_yaml("auth: {webhook_tokens: [{name: a}]}\n"),
               "auth.webhook_tokens[0].token: must not be empty");
  expect_error(load_yaml("auth: {tokens: [{name: a, token: \"0123456789 abcdef\"}]}\n"),
               "auth.tokens[0].token: may contain only printable ASCII");
  EXPECT_TRUE(load_yaml("auth: {tokens: [{name: a, token: 0123456789abcdef}]}\n").has_value());  // exactly 16
}

TEST(Validate, TokensAreDistinct) {
  const auto config = load_yaml(std::string("auth: {tokens: [{name: a, token: ") + kToken +
                                "}, {name: b, token: " + kToken + "}]}\n");
  expect_error(config, "auth.tokens[1].token: same value as auth.tokens[0].token");
  EXPECT_EQ(config.error().message.find(kToken), std::string::npos);
}

TEST(Validate, AuthRequiredOutsideDevMode) {
  const char* kMessage =
      "auth.tokens: required unless in local dev mode (embedded database on a loopback address)";
  const auto public_listen = load_yaml("server: {listen: \"0.0.0.0:8080\"}\n");
  ASSERT_FALSE(public_listen.has_value());
  EXPECT_EQ(public_listen.error().message, kMessage);
  expect_error(load_yaml("database: {url: \"postgresql://db/x\"}\n"), kMessage);
  EXPECT_TRUE(load_yaml(valid_remote_yaml()).has_value());
}

TEST(Validate, WebhookTokensAloneDoNotEnableAuth) {
  expect_error(
      load_yaml(std::string("server: {listen: \"10.0.0.1:80\"}\nauth: {webhook_tokens: [{name: r, token: ") +
                kWebhookToken + "}]}\n"),
      "auth.tokens: required unless in local dev mode");
}

TEST(DevMode, NeedsEmbeddedDatabaseAndLoopbackHost) {
  Config config;
  for (const char* host : {"127.0.0.1", "127.9.9.9", "::1", "localhost"}) {
    config.server.host = host;
    EXPECT_TRUE(config.dev_mode()) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "192.168.1.10", "regscand.example.com"}) {
    config.server.host = host;
    EXPECT_FALSE(config.dev_mode()) << host;
  }
  config.server.host = "127.0.0.1";
  config.database.url = "postgresql://localhost/regscan";
  EXPECT_FALSE(config.dev_mode());
}

// ---- scanner ----

TEST(Scanner, ReadsEveryKey) {
  const auto config = load_yaml(
      "scanner: {workers: 8, max_attempts: 3, lease: 2m, poll_interval: 250ms, retry_backoff: 0s, "
      "retry_backoff_max: 1h}\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->scanner.workers, 8u);
  EXPECT_EQ(config->scanner.max_attempts, 3u);
  EXPECT_EQ(config->scanner.lease, milliseconds(120'000));
  EXPECT_EQ(config->scanner.poll_interval, milliseconds(250));
  EXPECT_EQ(config->scanner.retry_backoff, milliseconds(0));
  EXPECT_EQ(config->scanner.retry_backoff_max, milliseconds(3'600'000));
}

TEST(Scanner, EnvironmentVariables) {
  const auto config = load_yaml("scanner: {workers: 8}\n", {{"REGSCAND_SCANNER_WORKERS", "4"},
                                                            {"REGSCAND_SCANNER_MAX_ATTEMPTS", "10"},
                                                            {"REGSCAND_SCANNER_LEASE", "30s"},
                                                            {"REGSCAND_SCANNER_POLL_INTERVAL", "1s"},
                                                            {"REGSCAND_SCANNER_RETRY_BACKOFF", "2s"},
                                                            {"REGSCAND_SCANNER_RETRY_BACKOFF_MAX", "1m"}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->scanner.workers, 4u);
  EXPECT_EQ(config->scanner.max_attempts, 10u);
  EXPECT_EQ(config->scanner.lease, milliseconds(30'000));
  EXPECT_EQ(config->scanner.poll_interval, milliseconds(1'000));
  EXPECT_EQ(config->scanner.retry_backoff, milliseconds(2'000));
  EXPECT_EQ(config->scanner.retry_backoff_max, milliseconds(60'000));
  expect_error(load(std::nullopt, {{"REGSCAND_SCANNER_WORKERS", "65"}}),
               "scanner.workers: must be 0..64, got 65 (from REGSCAND_SCANNER_WORKERS)");
  expect_error(load(std::nullopt, {{"REGSCAND_SCANNER_WORKER", "1"}}),
               "did you mean REGSCAND_SCANNER_WORKERS?");
}

TEST(Scanner, Ranges) {
  EXPECT_TRUE(load_yaml("scanner: {workers: 0}\n").has_value()) << "0 = a replica without workers";
  expect_error(load_yaml("scanner: {workers: 65}\n"), "scanner.workers: must be 0..64, got 65 (test.yaml:1:");
  EXPECT_TRUE(load_yaml("scanner: {workers: 64, max_attempts: 100}\n").has_value());
  expect_error(load_yaml("scanner: {max_attempts: 0}\n"), "scanner.max_attempts: must be 1..100, got 0");
  expect_error(load_yaml("scanner: {max_attempts: 101}\n"), "scanner.max_attempts: must be 1..100, got 101");
  expect_error(load_yaml("scanner: {lease: 500ms}\n"), "scanner.lease: must be 1s..1d, got 500ms");
  expect_error(load_yaml("scanner: {lease: 2d}\n"), "scanner.lease: must be 1s..1d, got 2d");
  expect_error(load_yaml("scanner: {poll_interval: 5ms}\n"),
               "scanner.poll_interval: must be 10ms..1d, got 5ms");
  expect_error(load_yaml("scanner: {retry_backoff: 2d}\n"), "scanner.retry_backoff: must be 0s..1d, got 2d");
  expect_error(load_yaml("scanner: {retry_backoff_max: 8d}\n"),
               "scanner.retry_backoff_max: must be 0s..7d, got 8d");
  expect_error(load_yaml("scanner: {lease: soon}\n"), "scanner.lease: expected a duration");
  expect_error(load_yaml("scanner: {workers: many}\n"), "scanner.workers: expected a non-negative integer");
  expect_error(load_yaml("scanner: {worker: 2}\n"), "scanner.worker: unknown key");
}

TEST(Scanner, BlobLimits) {
  const auto defaults = load_yaml("");
  ASSERT_TRUE(defaults.has_value()) << defaults.error().message;
  EXPECT_EQ(defaults->scanner.blob_timeout, milliseconds(30 * 60'000));
  EXPECT_EQ(defaults->scanner.blob_min_rate, 10u * 1024);
  EXPECT_EQ(defaults->scanner.blob_rate_window, milliseconds(30'000));

  const auto config = load_yaml("scanner: {blob_timeout: 10m, blob_min_rate: 1MiB, blob_rate_window: 1m}\n",
                                {{"REGSCAND_SCANNER_BLOB_MIN_RATE", "512KiB"}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->scanner.blob_timeout, milliseconds(600'000));
  EXPECT_EQ(config->scanner.blob_min_rate, 512u * 1024);
  EXPECT_EQ(config->scanner.blob_rate_window, milliseconds(60'000));
  const auto off = load(std::nullopt, {{"REGSCAND_SCANNER_BLOB_MIN_RATE", "0"},
                                       {"REGSCAND_SCANNER_BLOB_TIMEOUT", "2h"},
                                       {"REGSCAND_SCANNER_BLOB_RATE_WINDOW", "5s"}});
  ASSERT_TRUE(off.has_value()) << off.error().message;
  EXPECT_EQ(off->scanner.blob_min_rate, 0u);
  EXPECT_EQ(off->scanner.blob_timeout, milliseconds(7'200'000));
  EXPECT_EQ(off->scanner.blob_rate_window, milliseconds(5'000));

  expect_error(load_yaml("scanner: {blob_timeout: 0s}\n"), "scanner.blob_timeout: must be greater than 0");
  expect_error(load_yaml("scanner: {blob_timeout: 2d}\n"), "scanner.blob_timeout: must be greater than 0");
  expect_error(load_yaml("scanner: {blob_min_rate: 2GiB}\n"), "scanner.blob_min_rate: must be 0..1073741824");
  expect_error(load_yaml("scanner: {blob_min_rate: 10KB}\n"), "scanner.blob_min_rate: expected a size");
  expect_error(load_yaml("scanner: {blob_rate_window: 500ms}\n"),
               "scanner.blob_rate_window: must be 1s..1h, got 500ms");
  Config built;
  built.scanner.blob_rate_window = milliseconds(0);
  expect_error(validate(built), "scanner.blob_rate_window: must be 1s..1h, got 0s");

  const auto dumped = load_yaml(dump_redacted(*config));
  ASSERT_TRUE(dumped.has_value()) << dumped.error().message;
  EXPECT_EQ(dumped->scanner.blob_min_rate, 512u * 1024);
  EXPECT_EQ(dumped->scanner.blob_rate_window, milliseconds(60'000));
}

TEST(Scanner, BackoffMaxIsAtLeastBackoff) {
  const auto config = load_yaml("scanner: {retry_backoff: 10s, retry_backoff_max: 5s}\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message,
            "scanner.retry_backoff_max: must be at least scanner.retry_backoff (10s), got 5s");
  EXPECT_TRUE(load_yaml("scanner: {retry_backoff: 10s, retry_backoff_max: 10s}\n").has_value());
}

TEST(Scanner, ValidateChecksCodeBuiltConfigs) {
  Config config;
  config.scanner.workers = 65;
  expect_error(validate(config), "scanner.workers: must be 0..64, got 65");
  config = Config{};
  config.scanner.lease = milliseconds(0);
  expect_error(validate(config), "scanner.lease: must be 1s..1d, got 0s");
  config = Config{};
  config.scanner.retry_backoff_max = milliseconds(1);
  expect_error(validate(config), "scanner.retry_backoff_max: must be at least scanner.retry_backoff");
}

TEST(Scanner, DumpRoundTrips) {
  const auto config =
      load_yaml("scanner: {workers: 3, lease: 90s, poll_interval: 250ms, retry_backoff: 0s}\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const std::string dump = dump_redacted(*config);
  EXPECT_NE(dump.find("workers: 3"), std::string::npos) << dump;
  EXPECT_NE(dump.find("poll_interval: 250ms"), std::string::npos) << dump;
  const auto reloaded = load_yaml(dump);
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().message << "\n" << dump;
  EXPECT_EQ(reloaded->scanner.lease, milliseconds(90'000));
  EXPECT_EQ(reloaded->scanner.retry_backoff, milliseconds(0));
  EXPECT_EQ(dump_redacted(*reloaded), dump);
}

// ---- *_file secrets ----

TEST(SecretFiles, TokensAndUrlAreReadWithTrailingNewlineTrimmed) {
  testing::TempDir dir;
  const auto token = write_file(dir.path() / "token", std::string(kToken) + "\n");
  const auto hook = write_file(dir.path() / "hook", std::string(kWebhookToken) + "\r\n");
  const auto url = write_file(dir.path() / "url", "postgresql://scan:pw@db/regscan\n");
  const auto config = load_yaml("server: {listen: \"0.0.0.0:1\"}\ndatabase: {url_file: " + url.string() +
                                "}\nauth:\n  tokens: [{name: a, role: writer, token_file: " + token.string() +
                                "}]\n  webhook_tokens: [{name: r, token_file: " + hook.string() + "}]\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->auth.tokens[0].token, kToken);
  EXPECT_EQ(config->auth.tokens[0].token_file, token.string());
  EXPECT_EQ(config->auth.webhook_tokens[0].token, kWebhookToken);
  EXPECT_EQ(config->database.url, "postgresql://scan:pw@db/regscan");
  EXPECT_EQ(config->database.url_file, url.string());
}

TEST(SecretFiles, UnreadableFileNamesKeyAndPath) {
  testing::TempDir dir;
  const auto missing = dir.path() / "missing-token";
  const auto config = load_yaml("auth: {tokens: [{name: a, token_file: " + missing.string() + "}]}\n");
  expect_error(config, "auth.tokens[0].token_file: cannot read " + missing.string());
  EXPECT_EQ(config.error().code, ErrorCode::NotFound);
  expect_error(load(std::nullopt, {{"REGSCAND_DATABASE_URL_FILE", missing.string()}}),
               "database.url_file: cannot read " + missing.string());
  expect_error(load_yaml("auth: {webhook_tokens: [{name: a, token_file: " + dir.path().string() + "}]}\n"),
               "auth.webhook_tokens[0].token_file: cannot read " + dir.path().string());
}

TEST(SecretFiles, OversizedFileErrorDoesNotShowTheContent) {
  testing::TempDir dir;
  std::string content;
  while (content.size() <= 70 * 1024) content += "topsecret-value-";
  const auto path = write_file(dir.path() / "big", content);
  const auto config = load_yaml("auth: {tokens: [{name: a, token_file: " + path.string() + "}]}\n");
  expect_error(config,
               "auth.tokens[0].token_file: cannot read " + path.string() + ": larger than 65536 bytes");
  EXPECT_EQ(config.error().message.find("topsecret"), std::string::npos);
}

TEST(SecretFiles, EmptyFileIsAnError) {
  testing::TempDir dir;
  const auto path = write_file(dir.path() / "empty", "\n");
  expect_error(load_yaml("auth: {tokens: [{name: a, token_file: " + path.string() + "}]}\n"),
               "auth.tokens[0].token_file: " + path.string() + " is empty");
}

TEST(SecretFiles, InlineAndFileTogetherIsAnError) {
  expect_error(load_yaml(std::string("auth: {tokens: [{name: a, token: ") + kToken + ", token_file: /x}]}\n"),
               "auth.tokens[0].token_file: cannot be combined with auth.tokens[0].token");
  expect_error(
      load_yaml(std::string("auth: {webhook_tokens: [{name: a, token_file: /x, token: ") + kToken + "}]}\n"),
      "auth.webhook_tokens[0].token: cannot be combined with auth.webhook_tokens[0].token_file");
  expect_error(load_yaml("database: {url: \"postgresql://db/x\", url_file: /x}\n"),
               "database.url_file: cannot be combined with database.url");
  expect_error(load(std::nullopt,
                    {{"REGSCAND_DATABASE_URL", "postgresql://db/x"}, {"REGSCAND_DATABASE_URL_FILE", "/x"}}),
               "cannot be combined with");
}

TEST(SecretFiles, EnvironmentUrlReplacesFileUrlFile) {
  const auto config = load_yaml(valid_remote_yaml() + "database: {url_file: /does/not/exist}\n",
                                {{"REGSCAND_DATABASE_URL", "postgresql://db/regscan"}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->database.url, "postgresql://db/regscan");
  EXPECT_EQ(config->database.url_file, "");
}

// ---- dump_redacted ----

TEST(Dump, HidesEverySecretAndNothingElse) {
  const auto config = load_yaml(
      std::string("server: {listen: \"0.0.0.0:9000\", threads: 3}\n"
                  "database: {url: \"postgresql://scan:db-password-42@db/regscan?sslpassword=keypass-7\"}\n"
                  "auth:\n  tokens: [{name: dashboard, role: writer, token: ") +
      kToken + "}]\n  webhook_tokens: [{name: registry, token: " + kWebhookToken + "}]\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const std::string dump = dump_redacted(*config);
  for (const char* secret : {kToken, kWebhookToken, "db-password-42", "keypass-7"}) {
    EXPECT_EQ(dump.find(secret), std::string::npos) << secret << " leaked:\n" << dump;
  }
  EXPECT_NE(dump.find("postgresql://scan:<redacted>@db/regscan?sslpassword=<redacted>"), std::string::npos)
      << dump;
  EXPECT_NE(dump.find("dashboard"), std::string::npos);
  EXPECT_NE(dump.find("registry"), std::string::npos);
  EXPECT_NE(dump.find("0.0.0.0:9000"), std::string::npos);
  EXPECT_NE(dump.find("threads: 3"), std::string::npos);
}

TEST(Dump, RoundTripsOnceSecretsAreSuppliedAgain) {
  const auto config = load_yaml(std::string(R"(
server: {listen: "0.0.0.0:9000", body_limit_bytes: 2MiB, request_timeout: 90s, shutdown_timeout: 1500ms, drain_delay: 2s, threads: 5}
database: {pool_size: 12, acquire_timeout: 1m, connect_timeout: 7s, embedded: {user: "~"}}
data_dir: "123"
auth:
  tokens: [{name: dashboard, role: admin, token: ")") +
                                kToken + R"("}]
logging: {level: warn, format: json}
)");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  std::string dump = dump_redacted(*config);
  const auto at = dump.find("\"<redacted>\"");
  ASSERT_NE(at, std::string::npos) << dump;
  dump.replace(at, 12, std::string("\"") + kToken + "\"");
  const auto reloaded = load_yaml(dump);
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().message << "\n" << dump;
  EXPECT_EQ(dump_redacted(*reloaded), dump_redacted(*config));
  EXPECT_EQ(reloaded->auth.tokens[0].token, kToken);
  EXPECT_EQ(reloaded->database.embedded.user, "~");
  EXPECT_EQ(reloaded->data_dir, "123");
}

TEST(Dump, SecretsFromFilesRoundTripAsTheirPaths) {
  testing::TempDir dir;
  const auto token = write_file(dir.path() / "token", std::string(kToken) + "\n");
  const auto url = write_file(dir.path() / "url", "host=db password='s3cret value' dbname=regscan\n");
  const auto config = load_yaml("server: {listen: \"0.0.0.0:1\"}\ndatabase: {url_file: " + url.string() +
                                "}\nauth: {tokens: [{name: a, token_file: " + token.string() + "}]}\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const std::string dump = dump_redacted(*config);
  EXPECT_EQ(dump.find("s3cret"), std::string::npos) << dump;
  EXPECT_EQ(dump.find(kToken), std::string::npos) << dump;
  const auto reloaded = load_yaml(dump);
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().message << "\n" << dump;
  EXPECT_EQ(dump_redacted(*reloaded), dump);
  EXPECT_EQ(reloaded->database.url, "host=db password='s3cret value' dbname=regscan");
  EXPECT_EQ(reloaded->auth.tokens[0].token, kToken);
}

TEST(Dump, DefaultsAreLoadable) {
  const auto defaults = load(std::nullopt, {});
  ASSERT_TRUE(defaults.has_value());
  const auto reloaded = load_yaml(dump_redacted(*defaults));
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().message << "\n" << dump_redacted(*defaults);
  EXPECT_EQ(dump_redacted(*reloaded), dump_redacted(*defaults));
}

}  // namespace
}  // namespace regscand::config
