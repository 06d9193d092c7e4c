// The `registries` section: reading, validation, *_file secrets, the webhook-token rule, env, dump.
#include <gtest/gtest.h>

#include <string>

#include "config/config.hpp"
#include "tests/config/config_test_helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::config {
namespace {

using test::expect_error;
using test::expect_no_leak;
using test::load_yaml;
using test::supply_secrets;
using test::write_file;

constexpr const char* kHook = "webhook-secret-0123456789";
constexpr const char* kOtherHook = "other-webhook-secret-98765";
constexpr const char* kApiToken = "0123456789abcdef-dashboard";
constexpr const char* kPassword = "registry-password-42";
constexpr const char* kBearer = "registry-bearer-token-77";
constexpr const char* kPem = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

// One registry entry (flow mapping body) in a dev-mode config.
std::string one_registry(const std::string& fields) {
  return "registries:\n  - {" + fields + "}\n";
}

// A production-like prefix: non-loopback listen and an API token, so webhook tokens are required.
std::string remote_prefix() {
  return std::string(
             "server: {listen: \"0.0.0.0:9000\"}\nauth:\n  tokens: [{name: ops, role: admin, token: \"") +
         kApiToken + "\"}]\n";
}

TEST(Registries, DefaultIsEmpty) {
  const auto config = load(std::nullopt, {});
  ASSERT_TRUE(config.has_value());
  EXPECT_TRUE(config->registries.empty());
  EXPECT_EQ(config->find_registry("local"), nullptr);
}

TEST(Registries, ReadsEveryKey) {
  testing::TempDir dir;
  const auto ca = write_file(dir.path() / "ca.pem", kPem);
  const auto config = load_yaml(std::string(R"(
registries:
  - name: local
    kind: distribution
    url: "http://127.0.0.1:5000/"
    webhook_tokens: [")") + kHook +
                                R"(", ")" + kOtherHook + R"("]
    auth: {type: anonymous}
    ca_file: ""
    insecure_skip_verify: false
    include_head_pulls: false
  - name: harbor_prod-2
    kind: HARBOR
    url: "https://Harbor.Example.com:8443/base/"
    auth: {type: basic, username: "robot$scan", password: ")" +
                                kPassword + R"("}
    ca_file: )" + ca.string() + R"(
    insecure_skip_verify: TRUE
    include_head_pulls: true
  - name: acr
    kind: acr
    url: "https://x.azurecr.io"
    auth: {type: bearer, token: ")" +
                                kBearer + R"("}
)");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  ASSERT_EQ(config->registries.size(), 3u);
  const RegistryConfig& local = config->registries[0];
  EXPECT_EQ(local.name, "local");
  EXPECT_EQ(local.kind, RegistryKind::Distribution);
  EXPECT_EQ(local.url, "http://127.0.0.1:5000");
  EXPECT_EQ(local.webhook_tokens, (std::vector<std::string>{kHook, kOtherHook}));
  EXPECT_EQ(local.auth.type, RegistryAuthType::Anonymous);
  EXPECT_FALSE(local.insecure_skip_verify);
  EXPECT_FALSE(local.include_head_pulls);
  const RegistryConfig& harbor = config->registries[1];
  EXPECT_EQ(harbor.kind, RegistryKind::Harbor);
  EXPECT_EQ(harbor.url, "https://harbor.example.com:8443/base");
  EXPECT_TRUE(harbor.webhook_tokens.empty());
  EXPECT_EQ(harbor.auth.type, RegistryAuthType::Basic);
  EXPECT_EQ(harbor.auth.username, "robot$scan");
  EXPECT_EQ(harbor.auth.password, kPassword);
  EXPECT_EQ(harbor.auth.source_file, "");
  EXPECT_EQ(harbor.ca_file, ca.string());
  EXPECT_TRUE(harbor.insecure_skip_verify);
  EXPECT_TRUE(harbor.include_head_pulls);
  const RegistryConfig& acr = config->registries[2];
  EXPECT_EQ(acr.kind, RegistryKind::Acr);
  EXPECT_EQ(acr.auth.type, RegistryAuthType::Bearer);
  EXPECT_EQ(acr.auth.token, kBearer);
  EXPECT_EQ(config->find_registry("harbor_prod-2"), &config->registries[1]);
  EXPECT_EQ(config->find_registry("Local"), nullptr);
}

TEST(Registries, EntryDefaults) {
  const auto config = load_yaml(one_registry("name: r, url: \"http://r\""));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const RegistryConfig& registry = config->registries[0];
  EXPECT_EQ(registry.kind, RegistryKind::Distribution);
  EXPECT_EQ(registry.auth.type, RegistryAuthType::Anonymous);
  EXPECT_FALSE(registry.auth.from_docker_config);
  EXPECT_TRUE(registry.webhook_tokens.empty());
  EXPECT_EQ(registry.webhook_token_file, "");
  EXPECT_EQ(registry.ca_file, "");
  EXPECT_FALSE(registry.insecure_skip_verify);
  EXPECT_FALSE(registry.include_head_pulls);
  const auto null_auth = load_yaml(one_registry("name: r, url: \"http://r\", auth: "));
  ASSERT_TRUE(null_auth.has_value()) << null_auth.error().message;
  EXPECT_EQ(null_auth->registries[0].auth.type, RegistryAuthType::Anonymous);
}

TEST(Registries, EnumNames) {
  EXPECT_EQ(to_string(RegistryKind::Distribution), "distribution");
  EXPECT_EQ(to_string(RegistryKind::Acr), "acr");
  EXPECT_EQ(to_string(RegistryKind::Harbor), "harbor");
  EXPECT_EQ(parse_registry_kind("Harbor"), RegistryKind::Harbor);
  EXPECT_EQ(parse_registry_kind("quay"), std::nullopt);
  EXPECT_EQ(to_string(RegistryAuthType::Anonymous), "anonymous");
  EXPECT_EQ(to_string(RegistryAuthType::Basic), "basic");
  EXPECT_EQ(to_string(RegistryAuthType::Bearer), "bearer");
}

// ---- structure ----

TEST(Registries, StructureErrorsNameTheKey) {
  expect_error(load_yaml("registries: {name: a}\n"), "registries: expected a list, got a mapping");
  expect_error(load_yaml("registries: [abc]\n"), "registries[0]: expected a mapping, got a scalar");
  expect_error(load_yaml(one_registry("name: a, url: \"http://r\", urll: x")),
               "registries[0].urll: unknown key (test.yaml:2:");
  expect_error(
      load_yaml(one_registry("name: a, url: \"http://r\", auth: {type: basic, username: u, pasword: x}")),
      "registries[0].auth.pasword: unknown key");
  expect_error(load_yaml(one_registry("name: a, name: b")), "registries[0].name: duplicate key");
  expect_error(load_yaml(one_registry("name: a, url: \"http://r\", webhook_tokens: abc")),
               "registries[0].webhook_tokens: expected a list, got a scalar");
  expect_error(load_yaml(one_registry("name: a, url: \"http://r\", webhook_tokens: [{a: b}]")),
               "registries[0].webhook_tokens[0]: expected a string, got a mapping");
  expect_error(load_yaml(one_registry("name: a, url: \"http://r\", auth: basic")),
               "registries[0].auth: expected a mapping, got a scalar");
  expect_error(load_yaml(one_registry("name: [a]")), "registries[0].name: expected a string, got a list");
}

TEST(Registries, BooleansAreStrict) {
  expect_error(load_yaml(one_registry("name: a, url: \"http://r\", insecure_skip_verify: yes")),
               "registries[0].insecure_skip_verify: expected true or false, got \"yes\"");
  expect_error(load_yaml(one_registry("name: a, url: \"http://r\", include_head_pulls: 1")),
               "registries[0].include_head_pulls: expected true or false, got \"1\"");
}

// ---- name, kind, url ----

TEST(Registries, NameRules) {
  expect_error(load_yaml(one_registry("url: \"http://r\"")), "registries[0].name: must not be empty");
  expect_error(load_yaml(one_registry("name: \"\", url: \"http://r\"")),
               "registries[0].name: must not be empty");
  for (const char* bad : {"Local", "-local", "_x", "a.b", "a b", "ä"}) {
    expect_error(load_yaml(one_registry(std::string("name: \"") + bad + "\", url: \"http://r\"")),
                 std::string("registries[0].name: must match [a-z0-9][a-z0-9_-]{0,62}"));
  }
  const std::string longest(63, 'a');
  EXPECT_TRUE(load_yaml(one_registry("name: " + longest + ", url: \"http://r\"")).has_value());
  expect_error(load_yaml(one_registry("name: " + longest + "a, url: \"http://r\"")),
               "registries[0].name: must match");
  EXPECT_TRUE(load_yaml(one_registry("name: 0-a_b, url: \"http://r\"")).has_value());
}

TEST(Registries, DuplicateName) {
  const auto config =
      load_yaml("registries:\n  - {name: local, url: \"http://a\"}\n  - {name: local, url: \"http://b\"}\n");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message, "registries[1].name: duplicate \"local\"");
}

TEST(Registries, KindMustBeKnown) {
  expect_error(load_yaml(one_registry("name: a, kind: quay, url: \"http://r\"")),
               "registries[0].kind: must be distribution|acr|harbor, got \"quay\"");
}

TEST(Registries, UrlRules) {
  expect_error(load_yaml(one_registry("name: a")), "registries[0].url: must not be empty");
  expect_error(load_yaml(one_registry("name: a, url: \"ftp://r\"")),
               "registries[0].url: must start with http:// or https://");
  expect_error(load_yaml(one_registry("name: a, url: \"r.example.com:5000\"")),
               "registries[0].url: must start with http:// or https://");
  expect_error(load_yaml(one_registry("name: a, url: \"http://r/v2?token=abc\"")),
               "registries[0].url: must not have a query or fragment");
  const auto creds = load_yaml(one_registry("name: a, url: \"https://u:url-secret-pw@r\""));
  expect_error(creds, "registries[0].url: must not contain user info");
  expect_no_leak(creds, "url-secret-pw");
  expect_error(load_yaml(one_registry("name: a, url: \"http://r:99999\"")),
               "registries[0].url: port must be 1..65535");
}

// ---- auth ----

TEST(Registries, AuthTypeRules) {
  const auto with_auth = [](const std::string& auth) {
    return load_yaml(one_registry("name: a, url: \"http://r\", auth: {" + auth + "}"));
  };
  expect_error(with_auth("username: u"),
               "registries[0].auth.type: required: anonymous|basic|bearer|docker_config");
  expect_error(with_auth("type: oauth"),
               "registries[0].auth.type: must be anonymous|basic|bearer|docker_config, got \"oauth\"");
  expect_error(with_auth("type: basic, username: u"),
               "registries[0].auth.password: required for type basic (or password_file)");
  expect_error(with_auth("type: basic, username: u, password: \"\""),
               "registries[0].auth.password: required for type basic (or password_file)");
  expect_error(with_auth("type: basic, password: p"), "registries[0].auth.username: required for type basic");
  expect_error(with_auth("type: bearer"),
               "registries[0].auth.token: required for type bearer (or token_file)");
  expect_error(with_auth("type: anonymous, username: u"),
               "registries[0].auth.username: not used with type anonymous");
  expect_error(with_auth("type: basic, username: u, password: p, token: t"),
               "registries[0].auth.token: not used with type basic");
  expect_error(with_auth("type: bearer, token: t, file: /x"),
               "registries[0].auth.file: not used with type bearer");
  expect_error(with_auth("type: basic, username: \"a:b\", password: p"),
               "registries[0].auth.username: must not contain ':'");
  // Errors found after the section was read carry its location.
  expect_error(with_auth("type: bearer"), "(test.yaml:2:");
  const auto bearer = with_auth("type: Bearer, token: t");
  ASSERT_TRUE(bearer.has_value()) << bearer.error().message;
}

TEST(Registries, InlineAndFileSecretsTogetherAreErrors) {
  expect_error(
      load_yaml(one_registry("name: a, url: \"http://r\", auth: {type: basic, username: u, password: p, "
                             "password_file: /x}")),
      "registries[0].auth.password_file: cannot be combined with registries[0].auth.password");
  expect_error(
      load_yaml(one_registry("name: a, url: \"http://r\", auth: {type: bearer, token_file: /x, token: t}")),
      "registries[0].auth.token: cannot be combined with registries[0].auth.token_file");
  expect_error(load_yaml(one_registry(std::string("name: a, url: \"http://r\", webhook_tokens: [") + kHook +
                                      "], webhook_token_file: /x")),
               "registries[0].webhook_token_file: cannot be combined with registries[0].webhook_tokens");
  expect_error(load_yaml(one_registry(std::string("name: a, url: \"http://r\", webhook_token_file: /x, "
                                                  "webhook_tokens: [") +
                                      kHook + "]")),
               "registries[0].webhook_tokens: cannot be combined with registries[0].webhook_token_file");
}

TEST(Registries, SecretFilesAreRead) {
  testing::TempDir dir;
  const auto password = write_file(dir.path() / "password", std::string(kPassword) + "\n");
  const auto token = write_file(dir.path() / "token", std::string(kBearer) + "\r\n");
  const auto config = load_yaml(
      "registries:\n  - {name: a, url: \"http://r\", auth: {type: basic, username: u, "
      "password_file: " +
      password.string() +
      "}}\n  - {name: b, url: \"http://s\", auth: {type: bearer, "
      "token_file: " +
      token.string() + "}}\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->registries[0].auth.password, kPassword);
  EXPECT_EQ(config->registries[0].auth.source_file, password.string());
  EXPECT_FALSE(config->registries[0].auth.from_docker_config);
  EXPECT_EQ(config->registries[1].auth.token, kBearer);
  EXPECT_EQ(config->registries[1].auth.source_file, token.string());
}

TEST(Registries, UnreadableSecretFilesNameKeyAndPath) {
  testing::TempDir dir;
  const auto missing = dir.path() / "missing";
  const auto empty = write_file(dir.path() / "empty", "\n");
  expect_error(
      load_yaml(one_registry("name: a, url: \"http://r\", auth: {type: basic, username: u, password_file: " +
                             missing.string() + "}")),
      "registries[0].auth.password_file: cannot read " + missing.string());
  expect_error(load_yaml(one_registry(
                   "name: a, url: \"http://r\", auth: {type: bearer, token_file: " + empty.string() + "}")),
               "registries[0].auth.token_file: " + empty.string() + " is empty");
  expect_error(load_yaml(one_registry("name: a, url: \"http://r\", webhook_token_file: " + missing.string())),
               "registries[0].webhook_token_file: cannot read " + missing.string());
}

// ---- webhook tokens ----

TEST(Registries, WebhookTokenFileHoldsOneTokenPerLine) {
  testing::TempDir dir;
  const auto path =
      write_file(dir.path() / "hooks", std::string("\n  ") + kHook + "  \r\n\n" + kOtherHook + "\n\n");
  const auto config =
      load_yaml(one_registry("name: a, url: \"http://r\", webhook_token_file: " + path.string()));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->registries[0].webhook_tokens, (std::vector<std::string>{kHook, kOtherHook}));
  EXPECT_EQ(config->registries[0].webhook_token_file, path.string());

  const auto blank = write_file(dir.path() / "blank", "  \n\t\n ");
  expect_error(load_yaml(one_registry("name: a, url: \"http://r\", webhook_token_file: " + blank.string())),
               "registries[0].webhook_token_file: " + blank.string() + " holds no token");
  const auto short_line = write_file(dir.path() / "short", std::string(kHook) + "\nshort-hook\n");
  const auto bad =
      load_yaml(one_registry("name: a, url: \"http://r\", webhook_token_file: " + short_line.string()));
  expect_error(bad,
               "registries[0].webhook_tokens[1]: must be at least 16 characters long, got 10 (token 2 of " +
                   short_line.string() + ")");
  expect_no_leak(bad, "short-hook");
}

TEST(Registries, WebhookTokensAreLongPrintableAndDistinct) {
  const auto short_token =
      load_yaml(one_registry("name: a, url: \"http://r\", webhook_tokens: [tiny-secret]"));
  expect_error(short_token, "registries[0].webhook_tokens[0]: must be at least 16 characters long, got 11");
  expect_no_leak(short_token, "tiny-secret");
  expect_error(load_yaml(one_registry("name: a, url: \"http://r\", webhook_tokens: [\"\"]")),
               "registries[0].webhook_tokens[0]: must not be empty");
  expect_error(
      load_yaml(one_registry("name: a, url: \"http://r\", webhook_tokens: [\"0123456789 abcdefgh\"]")),
      "registries[0].webhook_tokens[0]: may contain only printable ASCII");
  const auto twice = load_yaml(one_registry(std::string("name: a, url: \"http://r\", webhook_tokens: [") +
                                            kHook + ", " + kHook + "]"));
  expect_error(twice, "registries[0].webhook_tokens[1]: same value as registries[0].webhook_tokens[0]");
  expect_no_leak(twice, kHook);
}

TEST(Registries, OutsideDevModeEveryRegistryNeedsAWebhookToken) {
  const auto none = load_yaml(remote_prefix() +
                              std::string("registries:\n  - {name: a, url: \"http://r\", "
                                          "webhook_tokens: [") +
                              kHook + "]}\n  - {name: b, url: \"http://s\"}\n");
  expect_error(none, "registries[1].webhook_tokens: required unless in local dev mode");
  // The global webhook tokens cover registries without their own.
  const auto global = load_yaml(remote_prefix() + "  webhook_tokens: [{name: g, token: " + kOtherHook +
                                "}]\nregistries:\n  - {name: a, url: \"http://r\", webhook_tokens: [" +
                                kHook + "]}\n  - {name: b, url: \"http://s\"}\n");
  ASSERT_TRUE(global.has_value()) << global.error().message;
  EXPECT_EQ(global->webhook_tokens_for(global->registries[0]), std::vector<std::string>{kHook});
  EXPECT_EQ(global->webhook_tokens_for(global->registries[1]), std::vector<std::string>{kOtherHook});
}

TEST(Registries, DevModeAllowsUnauthenticatedWebhooks) {
  const auto config = load_yaml(one_registry("name: a, url: \"http://127.0.0.1:5000\""));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_TRUE(config->dev_mode());
  EXPECT_TRUE(config->webhook_tokens_for(config->registries[0]).empty());
}

// ---- ca_file, insecure_skip_verify ----

TEST(Registries, CaFileMustBeReadablePem) {
  testing::TempDir dir;
  const auto missing = dir.path() / "ca-missing.pem";
  expect_error(load_yaml(one_registry("name: a, url: \"https://r\", ca_file: " + missing.string())),
               "registries[0].ca_file: cannot read " + missing.string());
  const auto not_pem = write_file(dir.path() / "ca.txt", "hello\n");
  expect_error(load_yaml(one_registry("name: a, url: \"https://r\", ca_file: " + not_pem.string())),
               "registries[0].ca_file: " + not_pem.string() + " holds no PEM certificate");
  const auto pem = write_file(dir.path() / "ca.pem", kPem);
  EXPECT_TRUE(load_yaml(one_registry("name: a, url: \"https://r\", ca_file: " + pem.string())).has_value());
}

TEST(Registries, InsecureSkipVerifyIsAllowedWithHttp) {
  const auto config = load_yaml(one_registry("name: a, url: \"http://r\", insecure_skip_verify: true"));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_TRUE(config->registries[0].insecure_skip_verify);
}

// ---- environment ----

TEST(Registries, NoEnvironmentVariables) {
  for (const char* name :
       {"REGSCAND_REGISTRIES", "REGSCAND_REGISTRIES_0_NAME", "REGSCAND_REGISTRIES_LOCAL_URL"}) {
    expect_error(
        load(std::nullopt, {{name, "x"}}),
        std::string(name) + ": registries cannot be set from the environment; list them in the config file");
  }
  for (const auto& name : environment_variable_names())
    EXPECT_FALSE(name.starts_with("REGSCAND_REGISTRIES")) << name;
}

TEST(Registries, EnvironmentLeavesTheFileListAlone) {
  const auto config =
      load_yaml(one_registry("name: a, url: \"http://r\""), {{"REGSCAND_SERVER_THREADS", "3"}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->registries.size(), 1u);
}

// ---- validate() on a Config built in code ----

TEST(Registries, ValidateChecksCodeBuiltConfigs) {
  Config config;
  RegistryConfig registry;
  registry.name = "local";
  registry.url = "http://127.0.0.1:5000";
  config.registries = {registry, registry};
  EXPECT_EQ(validate(config).error().message, "registries[1].name: duplicate \"local\"");
  config.registries = {registry};
  config.registries[0].url = "";
  expect_error(validate(config), "registries[0].url: must not be empty");
  config.registries[0].url = "unix:///x";
  expect_error(validate(config), "registries[0].url: must start with http:// or https://");
  config.registries[0].url = registry.url;
  config.registries[0].auth.type = RegistryAuthType::Basic;
  config.registries[0].auth.username = "u";
  expect_error(validate(config), "registries[0].auth.password: required for type basic (or password_file)");
  config.registries[0].auth = RegistryAuth{};
  config.registries[0].auth.from_docker_config = true;
  expect_error(validate(config), "registries[0].auth.file: not resolved");
  config.registries[0].auth = RegistryAuth{};
  EXPECT_TRUE(validate(config).has_value());
  config.server.host = "0.0.0.0";
  config.server.listen = "0.0.0.0:8080";
  config.auth.tokens.push_back(ApiToken{"ops", Role::Admin, kApiToken, ""});
  expect_error(validate(config), "registries[0].webhook_tokens: required unless in local dev mode");
}

// ---- dump_redacted ----

TEST(RegistriesDump, RedactsEverySecretAndReloads) {
  testing::TempDir dir;
  const auto password_file = write_file(dir.path() / "pw", std::string(kPassword) + "\n");
  const std::string yaml =
      std::string(R"(
registries:
  - {name: a, kind: harbor, url: "https://a.example.com", webhook_tokens: [")") +
      kHook + R"(", ")" + kOtherHook +
      R"("], auth: {type: basic, username: robot, password: "inline-password-1"}, include_head_pulls: true}
  - {name: b, url: "http://b:5000", auth: {type: bearer, token: ")" +
      kBearer + R"("}, insecure_skip_verify: true}
  - {name: c, kind: acr, url: "https://c.azurecr.io", auth: {type: basic, username: u, password_file: )" +
      password_file.string() + R"(}}
)";
  const auto config = load_yaml(yaml);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const std::string dump = dump_redacted(*config);
  for (const char* secret : {kHook, kOtherHook, "inline-password-1", kBearer, kPassword}) {
    EXPECT_EQ(dump.find(secret), std::string::npos) << secret << " leaked:\n" << dump;
  }
  EXPECT_NE(dump.find("password_file: \"" + password_file.string() + "\""), std::string::npos) << dump;
  EXPECT_NE(dump.find("username: \"robot\""), std::string::npos) << dump;
  EXPECT_NE(dump.find("https://a.example.com"), std::string::npos) << dump;
  const auto reloaded = load_yaml(supply_secrets(dump, {kHook, kOtherHook, "inline-password-1", kBearer}));
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().message << "\n" << dump;
  EXPECT_EQ(dump_redacted(*reloaded), dump);
  ASSERT_EQ(reloaded->registries.size(), 3u);
  EXPECT_EQ(reloaded->registries[0].kind, RegistryKind::Harbor);
  EXPECT_EQ(reloaded->registries[0].webhook_tokens, (std::vector<std::string>{kHook, kOtherHook}));
  EXPECT_EQ(reloaded->registries[0].auth.password, "inline-password-1");
  EXPECT_TRUE(reloaded->registries[0].include_head_pulls);
  EXPECT_EQ(reloaded->registries[1].auth.token, kBearer);
  EXPECT_TRUE(reloaded->registries[1].insecure_skip_verify);
  EXPECT_EQ(reloaded->registries[2].auth.password, kPassword);
}

TEST(RegistriesDump, WebhookTokenFileAndSecretFilesShownAsPaths) {
  testing::TempDir dir;
  const auto hooks = write_file(dir.path() / "hooks", std::string(kHook) + "\n");
  const auto token = write_file(dir.path() / "token", std::string(kBearer) + "\n");
  const auto config =
      load_yaml(one_registry("name: a, url: \"http://r\", webhook_token_file: " + hooks.string() +
                             ", auth: {type: bearer, token_file: " + token.string() + "}"));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const std::string dump = dump_redacted(*config);
  EXPECT_EQ(dump.find(kHook), std::string::npos) << dump;
  EXPECT_EQ(dump.find(kBearer), std::string::npos) << dump;
  EXPECT_EQ(dump.find("<redacted>"), std::string::npos) << dump;
  EXPECT_NE(dump.find("webhook_token_file: \"" + hooks.string() + "\""), std::string::npos) << dump;
  EXPECT_NE(dump.find("token_file: \"" + token.string() + "\""), std::string::npos) << dump;
  const auto reloaded = load_yaml(dump);
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().message << "\n" << dump;
  EXPECT_EQ(dump_redacted(*reloaded), dump);
  EXPECT_EQ(reloaded->registries[0].webhook_tokens, std::vector<std::string>{kHook});
}

TEST(RegistriesDump, EmptyListAndAnonymousEntryReload) {
  const auto config = load_yaml(one_registry("name: a, url: \"http://r\""));
  ASSERT_TRUE(config.has_value());
  const std::string dump = dump_redacted(*config);
  EXPECT_NE(dump.find("webhook_tokens: []"), std::string::npos) << dump;
  EXPECT_NE(dump.find("type: anonymous"), std::string::npos) << dump;
  const auto reloaded = load_yaml(dump);
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().message << "\n" << dump;
  EXPECT_EQ(dump_redacted(*reloaded), dump);
  const auto defaults = load(std::nullopt, {});
  EXPECT_NE(dump_redacted(*defaults).find("registries: []"), std::string::npos);
}

}  // namespace
}  // namespace regscand::config
