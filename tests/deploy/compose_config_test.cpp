// docker-compose.yml as shipped: deploy/compose/secrets.sh makes .env from .env.example and the secret files
// in a copy of the repository's deploy files, `docker-compose config -q` accepts the result, and the
// resolved file has the properties the deployment relies on (pinned images, healthy postgres first, a
// read-only non-root regscand with its secrets from files). No container engine is needed.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/oci_image.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = fs::path(REGSCAND_TESTS_DIR).parent_path();

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string env_value(const std::string& env, const std::string& key) {
  std::smatch m;
  return std::regex_search(env, m, std::regex("(^|\n)" + key + "=([^\n]*)")) ? m[2].str() : "";
}

class ComposeConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* file : {"docker-compose.yml", ".env.example", "deploy/regscand.yaml"}) {
      fs::create_directories((root() / file).parent_path());
      fs::copy_file(kRoot / file, root() / file);
    }
    for (const char* dir : {"deploy/compose", "deploy/registry"}) {
      fs::copy(kRoot / dir, root() / dir, fs::copy_options::recursive);
    }
    fs::remove_all(root() / "deploy/compose/secrets");  // a developer's own, if any
  }
  fs::path root() const { return dir_.path() / "repo"; }
  CommandResult make_secrets() {
    return run_command({"sh", (root() / "deploy/compose/secrets.sh").string()});
  }
  CommandResult compose(const std::vector<std::string>& args,
                        const std::string& file = "docker-compose.yml") {
    std::vector<std::string> argv{"docker-compose", "-f", (root() / file).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }

  TempDir dir_;
};

TEST_F(ComposeConfig, ExampleEnvCommitsNoSecret) {
  const auto example = read(kRoot / ".env.example");
  for (const char* key : {"RSD_POSTGRES_PASSWORD", "RSD_API_TOKEN", "RSD_WEBHOOK_TOKEN"}) {
    EXPECT_NE(example.find(std::string("\n") + key + "=\n"), std::string::npos) << key << " must be empty";
  }
}

TEST_F(ComposeConfig, SecretsScriptWritesEnvAndSecretFilesOnce) {
  const auto made = make_secrets();
  ASSERT_TRUE(made.ok()) << made.output;
  const auto env = read(root() / ".env");
  const auto password = env_value(env, "RSD_POSTGRES_PASSWORD");
  const auto api = env_value(env, "RSD_API_TOKEN");
  const auto hook = env_value(env, "RSD_WEBHOOK_TOKEN");
  for (const auto& secret : {password, api, hook})
    EXPECT_TRUE(std::regex_match(secret, std::regex("[0-9a-f]{64}")));
  EXPECT_NE(api, hook);
  EXPECT_EQ(made.output.find(api), std::string::npos) << "secrets are not printed";
  EXPECT_EQ(env_value(env, "RSD_API_PORT"), "8080");

  const auto secrets = root() / "deploy/compose/secrets";
  EXPECT_EQ(fs::status(secrets).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(read(secrets / "postgres_password"), password + "\n");
  EXPECT_EQ(read(secrets / "api_token"), api + "\n");
  EXPECT_EQ(read(secrets / "webhook_token"), hook + "\n");
  EXPECT_EQ(read(secrets / "database_url"),
            "postgresql://regscand:" + password + "@postgres:5432/regscand?sslmode=disable\n");
  // Compose mounts the files as they are, into containers running as other users.
  EXPECT_TRUE((fs::status(secrets / "api_token").permissions() & fs::perms::others_read) != fs::perms::none);

  ASSERT_TRUE(make_secrets().ok());
  EXPECT_EQ(read(root() / ".env"), env) << "an existing .env is kept";
}

TEST_F(ComposeConfig, SecretsScriptRejectsAWeakValueWithoutPrintingIt) {
  std::ofstream(root() / ".env") << "RSD_POSTGRES_PASSWORD=0123456789abcdef0\nRSD_API_TOKEN=short-token\n"
                                 << "RSD_WEBHOOK_TOKEN=0123456789abcdef0\n";
  const auto made = make_secrets();
  EXPECT_FALSE(made.ok());
  EXPECT_NE(made.output.find("RSD_API_TOKEN must be at least 16 characters"), std::string::npos)
      << made.output;
  EXPECT_EQ(made.output.find("short-token"), std::string::npos);
}

TEST_F(ComposeConfig, ComposeValidatesTheFileAndRejectsABrokenOne) {
  ASSERT_TRUE(make_secrets().ok());
  const auto checked = compose({"config", "-q"});
  EXPECT_TRUE(checked.ok()) << checked.output;

  auto text = read(root() / "docker-compose.yml");
  text.replace(text.find("read_only: true"), 15, "read_only: maybe");
  std::ofstream(root() / "broken.yml") << text;
  EXPECT_FALSE(compose({"config", "-q"}, "broken.yml").ok());
}

TEST_F(ComposeConfig, ResolvedServicesArePinnedHealthyReadOnlyAndNonRoot) {
  ASSERT_TRUE(make_secrets().ok());
  const auto resolved = compose({"config"});
  ASSERT_TRUE(resolved.ok()) << resolved.output;
  // docker-compose 1.29 prints its warnings on stderr, interleaved here: parse from the first key on.
  const auto doc = YAML::Load(resolved.output.substr(resolved.output.find("secrets:")));
  const auto services = doc["services"];
  const std::regex pinned(R"([a-z0-9./-]+:[0-9.]+@sha256:[0-9a-f]{64})");

  const auto postgres = services["postgres"];
  EXPECT_TRUE(std::regex_match(postgres["image"].as<std::string>(), pinned));
  EXPECT_EQ(postgres["image"].as<std::string>().rfind("postgres:15@", 0), 0u);
  EXPECT_EQ(postgres["healthcheck"]["test"][1].as<std::string>(), "pg_isready");
  EXPECT_EQ(postgres["environment"]["POSTGRES_PASSWORD_FILE"].as<std::string>(),
            "/run/secrets/postgres_password");
  EXPECT_EQ(postgres["volumes"][0].as<std::string>(), "postgres-data:/var/lib/postgresql/data:rw");
  EXPECT_FALSE(postgres["ports"]) << "the database is not published";

  const auto registry = services["registry"];
  EXPECT_TRUE(std::regex_match(registry["image"].as<std::string>(), pinned));
  EXPECT_TRUE(registry["read_only"].as<bool>());
  EXPECT_EQ(registry["ports"][0].as<std::string>().rfind("127.0.0.1:", 0), 0u)
      << "published on loopback only";

  const auto regscand = services["regscand"];
  EXPECT_EQ(regscand["build"]["dockerfile"].as<std::string>(), "deploy/Dockerfile");
  EXPECT_EQ(regscand["user"].as<std::string>(), "10001:10001");
  EXPECT_TRUE(regscand["read_only"].as<bool>());
  EXPECT_EQ(regscand["tmpfs"][0].as<std::string>(), "/tmp");
  EXPECT_EQ(regscand["cap_drop"][0].as<std::string>(), "ALL");
  EXPECT_EQ(regscand["depends_on"]["postgres"]["condition"].as<std::string>(), "service_healthy");
  EXPECT_TRUE(regscand["healthcheck"]);
  EXPECT_EQ(regscand["environment"]["REGSCAND_CONFIG"].as<std::string>(), "/etc/regscand/regscand.yaml");
  EXPECT_EQ(regscand["ports"][0].as<std::string>().rfind("127.0.0.1:", 0), 0u);
  EXPECT_EQ(regscand["secrets"].size(), 3u);
  // docker-compose 1.29 writes volumes in the short form SOURCE:TARGET:MODE.
  std::vector<std::string> volumes;
  for (const auto& volume : regscand["volumes"]) volumes.push_back(volume.as<std::string>());
  EXPECT_EQ(volumes.size(), 2u);
  EXPECT_TRUE(std::ranges::any_of(volumes, [](const std::string& v) {
    return v.ends_with("/deploy/regscand.yaml:/etc/regscand/regscand.yaml:ro");
  }));
  EXPECT_TRUE(std::ranges::find(volumes, "regscand-data:/var/lib/regscand:rw") != volumes.end());
  // Only what the daemon runs with in the environment: no secret value.
  for (const auto& variable : regscand["environment"]) {
    EXPECT_EQ(variable.first.as<std::string>().find("TOKEN"), std::string::npos);
  }
  for (const auto& secret : doc["secrets"]) {
    EXPECT_TRUE(fs::exists(secret.second["file"].as<std::string>())) << secret.first.as<std::string>();
  }
}

}  // namespace
}  // namespace regscand::testing
