#include "server/webhooks/harbor.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace regscand::server::webhooks {
namespace {

constexpr const char* kDigest = "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4";

// The shapes Harbor documents for its default and CloudEvents webhook payloads.
nlohmann::json harbor_default(const char* type) {
  auto j = nlohmann::json::parse(R"({
    "type": "PUSH_ARTIFACT", "occur_at": 1680501893, "operator": "harbor-jobservice",
    "event_data": {
      "resources": [{"digest": "", "tag": "3.17", "resource_url": "localhost/harbor/alpine:3.17"}],
      "repository": {"date_created": 1680501893, "name": "alpine", "namespace": "harbor",
                     "repo_full_name": "harbor/alpine", "repo_type": "private"}}})");
  j["type"] = type;
  j["event_data"]["resources"][0]["digest"] = kDigest;
  return j;
}

nlohmann::json harbor_cloud_event(const char* type) {
  auto j = nlohmann::json::parse(R"({
    "specversion": "1.0", "requestid": "2eedfab8-61d3-4f3c-8ec3-8f82d1ec4c84",
    "id": "4b2f89a6-548d-4c12-9993-a1f5790b97d2", "source": "/projects/1/webhook/policies/3",
    "type": "harbor.artifact.pushed", "datacontenttype": "application/json",
    "time": "2023-03-06T06:08:43Z", "operator": "admin",
    "data": {"resources": [{"digest": "", "tag": "latest", "resource_url": "localhost/library/busybox:latest"}],
             "repository": {"date_created": 1678082303, "name": "busybox", "namespace": "library",
                            "repo_full_name": "library/busybox", "repo_type": "public"}}})");
  j["type"] = type;
  j["data"]["resources"][0]["digest"] = kDigest;
  return j;
}

TEST(HarborWebhook, DefaultFormatActions) {
  const std::pair<const char*, scanner::EventAction> cases[] = {
      {"PUSH_ARTIFACT", scanner::EventAction::Push},
      {"PULL_ARTIFACT", scanner::EventAction::Pull},
      {"DELETE_ARTIFACT", scanner::EventAction::Delete}};
  for (const auto& [type, action] : cases) {
    auto parsed = parse_harbor(harbor_default(type).dump());
    ASSERT_TRUE(parsed) << type << ": " << parsed.error().message;
    ASSERT_EQ(parsed->events.size(), 1u);
    EXPECT_EQ(parsed->events[0].action, action);
    EXPECT_EQ(parsed->events[0].repository, "harbor/alpine");
    EXPECT_EQ(parsed->events[0].tag, "3.17");
    EXPECT_EQ(parsed->events[0].digest->str(), kDigest);
  }
}

TEST(HarborWebhook, TheOperatorIsTheActor) {
  auto plain = parse_harbor(harbor_default("PULL_ARTIFACT").dump());
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->events.at(0).actor, "harbor-jobservice");
  EXPECT_EQ(plain->events.at(0).user_agent, "");
  auto cloud = parse_harbor(harbor_cloud_event("harbor.artifact.pulled").dump());
  ASSERT_TRUE(cloud) << cloud.error().message;
  EXPECT_EQ(cloud->events.at(0).actor, "admin");
  auto none = harbor_default("PULL_ARTIFACT");
  none.erase("operator");
  auto parsed = parse_harbor(none.dump());
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->events.at(0).actor, "");
  none["operator"] = nlohmann::json::array();
  EXPECT_FALSE(parse_harbor(none.dump()));
}

TEST(HarborWebhook, DerivedIdIsStableAcrossRedeliveries) {
  auto a = parse_harbor(harbor_default("PUSH_ARTIFACT").dump());
  auto b = parse_harbor(harbor_default("PUSH_ARTIFACT").dump());
  auto other = harbor_default("PUSH_ARTIFACT");
  other["occur_at"] = 1680501999;
  auto c = parse_harbor(other.dump());
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->events[0].id, b->events[0].id);
  EXPECT_NE(a->events[0].id, c->events[0].id);
}

TEST(HarborWebhook, CloudEvents) {
  auto parsed = parse_harbor(harbor_cloud_event("harbor.artifact.pushed").dump());
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->events.size(), 1u);
  EXPECT_EQ(parsed->events[0].id, "ce:4b2f89a6-548d-4c12-9993-a1f5790b97d2:0");
  EXPECT_EQ(parsed->events[0].repository, "library/busybox");
  EXPECT_EQ(parsed->events[0].occurred_at, "2023-03-06T06:08:43Z");
}

TEST(HarborWebhook, OtherTypesAreIgnored) {
  for (const char* type : {"SCANNING_COMPLETED", "QUOTA_EXCEED", "harbor.scan.completed"}) {
    auto parsed = parse_harbor(harbor_default(type).dump());
    ASSERT_TRUE(parsed) << type;
    EXPECT_TRUE(parsed->events.empty());
    EXPECT_EQ(parsed->ignored, 1u);
  }
}

TEST(HarborWebhook, UntaggedArtifactRepeatsDigestAsTag) {
  auto j = harbor_default("PUSH_ARTIFACT");
  j["event_data"]["resources"][0]["tag"] = kDigest;
  auto parsed = parse_harbor(j.dump());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->events[0].tag, "");
}

TEST(HarborWebhook, BadInput) {
  auto j = harbor_default("PUSH_ARTIFACT");
  j["event_data"]["resources"][0]["digest"] = "nope";
  auto parsed = parse_harbor(j.dump());
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("event_data.resources[0].digest"), std::string::npos);

  j = harbor_default("PUSH_ARTIFACT");
  j["event_data"]["repository"]["repo_full_name"] = "UPPER/case";
  EXPECT_FALSE(parse_harbor(j.dump()));

  j = harbor_default("PUSH_ARTIFACT");
  j["event_data"].erase("resources");
  EXPECT_FALSE(parse_harbor(j.dump()));

  j = harbor_cloud_event("harbor.artifact.pushed");
  j.erase("id");
  EXPECT_FALSE(parse_harbor(j.dump()));
}

}  // namespace
}  // namespace regscand::server::webhooks
