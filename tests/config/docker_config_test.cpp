#include "config/docker_config.hpp"

#include <gtest/gtest.h>

#include "tests/config/config_test_helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::config {
namespace {

using test::expect_error;
using test::expect_no_leak;
using test::load_yaml;
using test::write_file;

constexpr const char* kUserPassBase64 = "dXNlcjpwYXNz";  // "user:pass"
constexpr const char* kHook = "webhook-secret-0123456789";

TEST(DockerConfigAuth, AuthFieldBecomesBasic) {
  const auto auth = docker_config_auth(
      std::string(
          R"({"auths": {"other:1": {"auth": "eDp5"}, "https://reg.example.com:5000/v1/": {"auth": ")") +
          kUserPassBase64 + "\"}}}",
      "reg.example.com:5000");
  ASSERT_TRUE(auth.has_value()) << auth.error().message;
  EXPECT_EQ(auth->type, RegistryAuthType::Basic);
  EXPECT_EQ(auth->username, "user");
  EXPECT_EQ(auth->password, "pass");
}

TEST(DockerConfigAuth, KeyFormsAndCase) {
  for (const char* key : {"reg.example.com", "https://reg.example.com", "http://REG.example.com/v2/"}) {
    const auto auth = docker_config_auth(
        std::string(R"({"auths": {")") + key + R"(": {"auth": ")" + kUserPassBase64 + "\"}}}",
        "reg.example.com");
    ASSERT_TRUE(auth.has_value()) << key << ": " << auth.error().message;
    EXPECT_EQ(auth->username, "user") << key;
  }
  // The port must match exactly.
  expect_error(docker_config_auth(R"({"auths": {"reg.example.com:443": {"auth": "dXNlcjpwYXNz"}}})",
                                  "reg.example.com"),
               "no auths entry for reg.example.com");
}

TEST(DockerConfigAuth, PasswordInAuthMayContainColons) {
  // "u:p:q" -> user "u", password "p:q"
  const auto auth = docker_config_auth(R"({"auths": {"r": {"auth": "dTpwOnE="}}})", "r");
  ASSERT_TRUE(auth.has_value()) << auth.error().message;
  EXPECT_EQ(auth->username, "u");
  EXPECT_EQ(auth->password, "p:q");
}

TEST(DockerConfigAuth, UsernamePasswordFields) {
  const auto auth =
      docker_config_auth(R"({"auths": {"r:5000": {"username": "bob", "password": "pw"}}})", "r:5000");
  ASSERT_TRUE(auth.has_value()) << auth.error().message;
  EXPECT_EQ(auth->type, RegistryAuthType::Basic);
  EXPECT_EQ(auth->username, "bob");
  EXPECT_EQ(auth->password, "pw");
}

TEST(DockerConfigAuth, TokensBecomeBearer) {
  const auto identity =
      docker_config_auth(R"({"auths": {"r": {"auth": "dXNlcjpwYXNz", "identitytoken": "id-tok"}}})", "r");
  ASSERT_TRUE(identity.has_value()) << identity.error().message;
  EXPECT_EQ(identity->type, RegistryAuthType::Bearer);
  EXPECT_EQ(identity->token, "id-tok");
  const auto registry =
      docker_config_auth(R"({"auths": {"r": {"registrytoken": "reg-tok", "identitytoken": "x"}}})", "r");
  ASSERT_TRUE(registry.has_value());
  EXPECT_EQ(registry->token, "reg-tok");
}

TEST(DockerConfigAuth, DockerHubAliases) {
  const auto auth = docker_config_auth(
      R"({"auths": {"https://index.docker.io/v1/": {"auth": "dXNlcjpwYXNz"}}})", "registry-1.docker.io");
  ASSERT_TRUE(auth.has_value()) << auth.error().message;
  EXPECT_EQ(auth->username, "user");
}

TEST(DockerConfigAuth, ErrorsNeverShowContent) {
  expect_error(docker_config_auth("{not json secret-value", "r"), "not a Docker config.json");
  expect_no_leak(docker_config_auth("{not json secret-value", "r"), "secret-value");
  expect_error(docker_config_auth("[1]", "r"), "not a Docker config.json: expected a JSON object");
  expect_error(docker_config_auth("{}", "r:5000"), "no auths entry for r:5000");
  expect_error(docker_config_auth(R"({"credsStore": "desktop"})", "r"),
               "no auths entry for r (credential helpers, credsStore and credHelpers, are not supported)");
  expect_error(docker_config_auth(R"({"auths": {"r": {}}})", "r"),
               "the auths entry for r holds no credentials");
  expect_error(docker_config_auth(R"({"auths": {"r": "x"}})", "r"), "the auths entry for r is not an object");
  expect_error(docker_config_auth(R"({"auths": {"r": {"auth": "!!!secret"}}})", "r"), "is not base64");
  expect_no_leak(docker_config_auth(R"({"auths": {"r": {"auth": "!!!secret"}}})", "r"), "secret");
  // "nocolon" in base64
  expect_error(docker_config_auth(R"({"auths": {"r": {"auth": "bm9jb2xvbg=="}}})", "r"),
               "is not user:password");
  expect_no_leak(docker_config_auth(R"({"auths": {"r": {"auth": "bm9jb2xvbg=="}}})", "r"), "nocolon");
  // "user:" in base64
  expect_error(docker_config_auth(R"({"auths": {"r": {"auth": "dXNlcjo="}}})", "r"),
               "empty user name or password");
}

// ---- through load(): type docker_config in a registries entry ----

std::string registry_yaml(const std::string& url, const std::filesystem::path& docker_config) {
  return "registries:\n  - name: local\n    url: \"" + url + "\"\n    webhook_tokens: [\"" + kHook +
         "\"]\n    auth: {type: docker_config, file: " + docker_config.string() + "}\n";
}

TEST(DockerConfigLoad, ResolvesBasicFromAuthsEntry) {
  testing::TempDir dir;
  const auto path =
      write_file(dir.path() / "config.json",
                 std::string(R"({"auths": {"127.0.0.1:5000": {"auth": ")") + kUserPassBase64 + "\"}}}");
  const auto config = load_yaml(registry_yaml("http://127.0.0.1:5000", path));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const RegistryAuth& auth = config->registries[0].auth;
  EXPECT_EQ(auth.type, RegistryAuthType::Basic);
  EXPECT_EQ(auth.username, "user");
  EXPECT_EQ(auth.password, "pass");
  EXPECT_EQ(auth.source_file, path.string());
  EXPECT_TRUE(auth.from_docker_config);
}

TEST(DockerConfigLoad, ResolvesBearerFromIdentityToken) {
  testing::TempDir dir;
  const auto path = write_file(dir.path() / "config.json",
                               R"({"auths": {"https://reg.example.com": {"identitytoken": "tok-123"}}})");
  const auto config = load_yaml(registry_yaml("https://reg.example.com/", path));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->registries[0].auth.type, RegistryAuthType::Bearer);
  EXPECT_EQ(config->registries[0].auth.token, "tok-123");
}

TEST(DockerConfigLoad, NoEntryNamesKeyAndHostNotContent) {
  testing::TempDir dir;
  const auto path =
      write_file(dir.path() / "config.json",
                 R"({"auths": {"other.example.com": {"auth": "c2VjcmV0LXVzZXI6c2VjcmV0LXB3"}}})");
  const auto config = load_yaml(registry_yaml("http://127.0.0.1:5000", path));
  expect_error(config, "registries[0].auth.file: " + path.string() + ": no auths entry for 127.0.0.1:5000");
  expect_no_leak(config, "c2VjcmV0");
  expect_no_leak(config, "other.example.com");
}

TEST(DockerConfigLoad, UnreadableOrOversizedFile) {
  testing::TempDir dir;
  const auto missing = dir.path() / "absent.json";
  expect_error(load_yaml(registry_yaml("http://r:1", missing)),
               "registries[0].auth.file: cannot read " + missing.string());
  std::string big = R"({"auths": {}, "pad": ")";
  big.append(kMaxDockerConfigBytes, 'x');
  big += "\"}";
  const auto path = write_file(dir.path() / "big.json", big);
  expect_error(load_yaml(registry_yaml("http://r:1", path)),
               "registries[0].auth.file: cannot read " + path.string() + ": larger than 1048576 bytes");
}

TEST(DockerConfigLoad, FileIsRequiredAndAlone) {
  expect_error(load_yaml("registries: [{name: a, url: \"http://r\", auth: {type: docker_config}}]\n"),
               "registries[0].auth.file: required for type docker_config");
  expect_error(
      load_yaml(
          "registries: [{name: a, url: \"http://r\", auth: {type: docker_config, file: /x, username: u}}]\n"),
      "registries[0].auth.username: not used with type docker_config");
}

TEST(DockerConfigLoad, DumpShowsTheFileAndReloads) {
  testing::TempDir dir;
  const auto path =
      write_file(dir.path() / "config.json",
                 std::string(R"({"auths": {"127.0.0.1:5000": {"auth": ")") + kUserPassBase64 + "\"}}}");
  const auto config = load_yaml(registry_yaml("http://127.0.0.1:5000", path));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const std::string dump = dump_redacted(*config);
  EXPECT_NE(dump.find("type: docker_config"), std::string::npos) << dump;
  EXPECT_NE(dump.find(path.string()), std::string::npos) << dump;
  EXPECT_EQ(dump.find("pass"), std::string::npos) << dump;
  const auto reloaded = load_yaml(test::supply_secrets(dump, {kHook}));
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().message << "\n" << dump;
  EXPECT_EQ(reloaded->registries[0].auth.password, "pass");
}

}  // namespace
}  // namespace regscand::config
