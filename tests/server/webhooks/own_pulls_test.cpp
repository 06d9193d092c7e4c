// regscand's own manifest GETs, echoed back as pull events, are told apart from user pulls: by the user
// agent distribution echoes (any regscand version, never a client that merely mentions regscand), or, for
// Harbor (no user agent), by the operator being the account regscand pulls with.
#include "server/webhooks/own_pulls.hpp"

#include <gtest/gtest.h>

#include "scanner/registry/user_agent.hpp"

namespace regscand::server::webhooks {
namespace {

using scanner::EventAction;
using scanner::RegistryEvent;

RegistryEvent pull(std::string user_agent, std::string actor = "") {
  RegistryEvent event;
  event.id = "e-" + user_agent + "-" + actor;
  event.action = EventAction::Pull;
  event.repository = "team/app";
  event.method = "GET";
  event.user_agent = std::move(user_agent);
  event.actor = std::move(actor);
  return event;
}

config::RegistryConfig basic_as(std::string username) {
  config::RegistryConfig registry;
  registry.name = "local";
  registry.auth.type = config::RegistryAuthType::Basic;
  registry.auth.username = std::move(username);
  registry.auth.password = "secret";
  return registry;
}

TEST(OwnPulls, RecognisedByTheUserAgentWeSend) {
  const config::RegistryConfig anonymous;
  EXPECT_TRUE(is_own_pull(pull(scanner::registry::user_agent()), anonymous));
  EXPECT_TRUE(is_own_pull(pull("regscand"), anonymous)) << "versions before 0.1.0 sent the bare product";
  EXPECT_TRUE(is_own_pull(pull("regscand/9.9.9"), anonymous)) << "another replica mid-upgrade";
  EXPECT_TRUE(is_own_pull(pull("regscand/0.1.0 (instance a)"), anonymous));
  for (const char* user : {"skopeo/1.9.3", "regscandal/1.0", "curl/8.0 regscand/0.1.0", "my-regscand/1",
                           "Regscand/0.1.0", "xregscand", ""}) {
    EXPECT_FALSE(is_own_pull(pull(user), anonymous)) << user;
  }
}

TEST(OwnPulls, OnlyPullsAreOurs) {
  auto push = pull(scanner::registry::user_agent());
  push.action = EventAction::Push;
  EXPECT_FALSE(is_own_pull(push, {}));
  auto del = push;
  del.action = EventAction::Delete;
  EXPECT_FALSE(is_own_pull(del, {}));
}

TEST(OwnPulls, WithoutAUserAgentTheOperatorMustBeOurBasicUser) {
  EXPECT_TRUE(is_own_pull(pull("", "robot$regscand"), basic_as("robot$regscand")));
  EXPECT_FALSE(is_own_pull(pull("", "admin"), basic_as("robot$regscand")));
  EXPECT_FALSE(is_own_pull(pull("", ""), basic_as(""))) << "an empty operator matches no one";
  config::RegistryConfig anonymous;
  EXPECT_FALSE(is_own_pull(pull("", "robot$regscand"), anonymous));
  auto bearer = basic_as("robot$regscand");
  bearer.auth.type = config::RegistryAuthType::Bearer;
  EXPECT_FALSE(is_own_pull(pull("", "robot$regscand"), bearer));
  EXPECT_FALSE(is_own_pull(pull("skopeo/1.9.3", "robot$regscand"), basic_as("robot$regscand")))
      << "a user agent, when the registry sends one, decides";
}

TEST(OwnPulls, DropKeepsEverythingElseInOrder) {
  std::vector<RegistryEvent> events{pull("skopeo/1.9.3"), pull(scanner::registry::user_agent()),
                                    pull("docker/24.0"), pull("regscand/0.0.9")};
  EXPECT_EQ(drop_own_pulls(events, {}), 2u);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].user_agent, "skopeo/1.9.3");
  EXPECT_EQ(events[1].user_agent, "docker/24.0");
}

}  // namespace
}  // namespace regscand::server::webhooks
