// docs/configuration.md must mention every key and every environment variable the code knows.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/fields.hpp"
#include "config/registry_fields.hpp"

namespace regscand::config {
namespace {

std::string read_reference() {
  std::ifstream in(std::string(REGSCAND_TESTS_DIR) + "/../docs/configuration.md");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Docs, EveryEnvironmentVariableIsDocumented) {
  const std::string docs = read_reference();
  ASSERT_FALSE(docs.empty());
  for (const auto& name : environment_variable_names()) {
    EXPECT_NE(docs.find("`" + name + "`"), std::string::npos)
        << name << " is missing from docs/configuration.md";
  }
}

TEST(Docs, EveryKeyIsDocumented) {
  const std::string docs = read_reference();
  ASSERT_FALSE(docs.empty());
  for (const auto& field : scalar_fields()) {
    EXPECT_NE(docs.find("`" + std::string(field.path) + "`"), std::string::npos)
        << field.path << " is missing from docs/configuration.md";
  }
  for (const std::string_view list : {kTokensPath, kWebhookTokensPath, kRegistriesPath, kFeedSourcesPath}) {
    EXPECT_NE(docs.find("`" + std::string(list) + "`"), std::string::npos) << list;
  }
}

TEST(Docs, EveryRegistryKeyIsDocumented) {
  const std::string docs = read_reference();
  ASSERT_FALSE(docs.empty());
  std::vector<std::string> keys{"registries[]." + std::string(kRegistryWebhookTokensKey),
                                "registries[]." + std::string(kRegistryAuthKey)};
  for (const auto& field : registry_fields()) keys.push_back("registries[]." + std::string(field.key));
  for (const auto& field : registry_auth_fields())
    keys.push_back("registries[].auth." + std::string(field.key));
  for (const auto& key : keys) {
    EXPECT_NE(docs.find("`" + key + "`"), std::string::npos)
        << key << " is missing from docs/configuration.md";
  }
}

}  // namespace
}  // namespace regscand::config
