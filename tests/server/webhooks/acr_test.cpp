#include "server/webhooks/acr.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace regscand::server::webhooks {
namespace {

// The shape Microsoft documents for ACR webhook payloads.
nlohmann::json acr_push() {
  return nlohmann::json::parse(R"({
    "id": "cb8c3971-9adc-488b-bdd8-43cbb4974ff5",
    "timestamp": "2017-11-17T16:52:01.343145347Z",
    "action": "push",
    "target": {
      "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
      "size": 524,
      "digest": "sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d",
      "length": 524,
      "repository": "hello-world",
      "tag": "v1"
    },
    "request": {
      "id": "3cbb6949-7549-4fa1-86cd-a6d5451dffc7",
      "host": "myregistry.azurecr.io",
      "method": "PUT",
      "useragent": "docker/17.09.0-ce go/go1.8.3"
    }
  })");
}

TEST(AcrWebhook, Push) {
  auto parsed = parse_acr(acr_push().dump());
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->events.size(), 1u);
  EXPECT_EQ(parsed->events[0].action, scanner::EventAction::Push);
  EXPECT_EQ(parsed->events[0].repository, "hello-world");
  EXPECT_EQ(parsed->events[0].tag, "v1");
  EXPECT_FALSE(parsed->events[0].quarantine);
}

TEST(AcrWebhook, QuarantineIsAFlaggedPush) {
  auto j = acr_push();
  j["action"] = "quarantine";
  auto parsed = parse_acr(j.dump());
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->events.size(), 1u);
  EXPECT_EQ(parsed->events[0].action, scanner::EventAction::Push);
  EXPECT_TRUE(parsed->events[0].quarantine);
}

TEST(AcrWebhook, DeleteWithoutTag) {
  auto j = acr_push();
  j["action"] = "delete";
  j["target"].erase("tag");
  auto parsed = parse_acr(j.dump());
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->events.size(), 1u);
  EXPECT_EQ(parsed->events[0].action, scanner::EventAction::Delete);
}

TEST(AcrWebhook, ChartsAreAcknowledgedAndIgnored) {
  for (const char* action : {"chart_push", "chart_delete", "ping"}) {
    auto j = acr_push();
    j["action"] = action;
    j["target"]["mediaType"] = "application/vnd.acr.helm.chart";
    auto parsed = parse_acr(j.dump());
    ASSERT_TRUE(parsed) << action;
    EXPECT_TRUE(parsed->events.empty()) << action;
    EXPECT_EQ(parsed->ignored, 1u) << action;
  }
}

TEST(AcrWebhook, BadInput) {
  auto j = acr_push();
  j["target"]["digest"] = "sha256:short";
  auto parsed = parse_acr(j.dump());
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("target.digest"), std::string::npos);
  EXPECT_FALSE(parse_acr("[]"));
  EXPECT_FALSE(parse_acr("{\"action\": 5}"));
  EXPECT_FALSE(parse_acr(R"({"events":[]})"));
}

}  // namespace
}  // namespace regscand::server::webhooks
