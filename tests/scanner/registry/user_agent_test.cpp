// The User-Agent regscand sends names its version, and every regscand version recognises it.
#include "scanner/registry/user_agent.hpp"

#include <gtest/gtest.h>

#include "scanner/registry/options.hpp"

namespace regscand::scanner::registry {
namespace {

TEST(UserAgent, ProductAndVersion) {
  EXPECT_TRUE(user_agent().starts_with("regscand/")) << user_agent();
  EXPECT_GT(user_agent().size(), std::string("regscand/").size());
  EXPECT_EQ(ClientOptions{}.user_agent, user_agent());
  EXPECT_TRUE(is_own_user_agent(user_agent()));
}

TEST(UserAgent, OnlyTheFirstProductTokenCounts) {
  for (const char* own : {"regscand", "regscand/0.1.0", "regscand/2.0.0-rc1", "regscand/0.1.0 (x; y)"}) {
    EXPECT_TRUE(is_own_user_agent(own)) << own;
  }
  for (const char* other :
       {"", "regscan", "regscandal", "regscand2/1.0", "regscand-fork/1.0", "Regscand/0.1.0",
        " regscand/0.1.0", "skopeo/1.9.3 regscand/0.1.0", "containerd/1.7 (regscand)"}) {
    EXPECT_FALSE(is_own_user_agent(other)) << other;
  }
}

}  // namespace
}  // namespace regscand::scanner::registry
