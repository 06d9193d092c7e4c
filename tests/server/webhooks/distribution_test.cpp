#include "server/webhooks/distribution.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_data.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace regscand::server::webhooks {
namespace {

using scanner::EventAction;
namespace fs = std::filesystem;

const fs::path kCaptures = fs::path(REGSCAND_TEST_DATA) / "webhooks" / "distribution-2.8";

// The numbered captures are {headers, body}; full-capture/ files are bare bodies.
std::string body_of(const std::string& file) {
  return nlohmann::json::parse(testing::read_file(kCaptures / file))["body"].dump();
}

TEST(DistributionWebhook, ManifestPushBecomesOneEvent) {
  auto parsed = parse_distribution(body_of("02-push.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->events.size(), 1u);
  const auto& e = parsed->events[0];
  EXPECT_EQ(e.action, EventAction::Push);
  EXPECT_EQ(e.id, "d974d0a4-4f3e-4783-befa-9f68532fb862");
  EXPECT_EQ(e.repository, "library/debian");
  EXPECT_EQ(e.tag, "bookworm");
  ASSERT_TRUE(e.digest);
  EXPECT_EQ(e.digest->str(), "sha256:e742d2f7f74b0f7f6ccf0e62a0ad61c1c2e2797e0588c999e7c924988a2548ae");
  EXPECT_EQ(e.media_type, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(e.size, 504);
  EXPECT_EQ(e.method, "PUT");
}

TEST(DistributionWebhook, BlobPushesAreDroppedAndCounted) {
  for (const char* file : {"00-push.json", "01-push.json"}) {
    auto parsed = parse_distribution(body_of(file));
    ASSERT_TRUE(parsed) << file << ": " << parsed.error().message;
    EXPECT_TRUE(parsed->events.empty()) << file;
    EXPECT_EQ(parsed->ignored, 1u) << file;
  }
}

TEST(DistributionWebhook, EveryCapturedEnvelopeParses) {
  std::size_t manifests = 0;
  for (const auto& entry : fs::directory_iterator(kCaptures / "full-capture")) {
    const auto name = entry.path().filename().string();
    if (name == "INDEX.json" || name == "sequences.json" || name == "retry-sequence.json") continue;
    auto parsed = parse_distribution(testing::read_file(entry.path()));
    ASSERT_TRUE(parsed) << name << ": " << parsed.error().message;
    const bool blob = name.find("blob") != std::string::npos;
    if (blob && name.rfind("delete", 0) != 0) {
      EXPECT_TRUE(parsed->events.empty()) << name;
    }
    manifests += parsed->events.size();
  }
  EXPECT_GE(manifests, 10u);
}

TEST(DistributionWebhook, HeadPullKeepsItsMethod) {
  auto parsed =
      parse_distribution(testing::read_file(kCaptures / "full-capture" / "pull-manifest-head.json"));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->events.size(), 1u);
  EXPECT_EQ(parsed->events[0].action, EventAction::Pull);
  EXPECT_EQ(parsed->events[0].method, "HEAD");
}

TEST(DistributionWebhook, PullKeepsTheUserAgentTheRegistryEchoes) {
  auto parsed = parse_distribution(body_of("03-pull.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->events.size(), 1u);
  EXPECT_EQ(parsed->events[0].action, EventAction::Pull);
  EXPECT_EQ(parsed->events[0].user_agent, "skopeo/1.9.3");

  auto doc = nlohmann::json::parse(body_of("03-pull.json"));
  doc["events"][0]["request"]["useragent"] = 7;
  auto bad = parse_distribution(doc.dump());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "events[0].request.useragent: must be a string");
}

TEST(DistributionWebhook, DeleteByDigestThenTagOnlyDelete) {
  auto by_digest = parse_distribution(body_of("10-delete.json"));
  ASSERT_TRUE(by_digest);
  ASSERT_EQ(by_digest->events.size(), 1u);
  EXPECT_EQ(by_digest->events[0].action, EventAction::Delete);
  EXPECT_TRUE(by_digest->events[0].digest);
  auto by_tag = parse_distribution(body_of("11-delete.json"));
  ASSERT_TRUE(by_tag);
  ASSERT_EQ(by_tag->events.size(), 1u);
  EXPECT_FALSE(by_tag->events[0].digest);
  EXPECT_EQ(by_tag->events[0].tag, "bookworm");
}

TEST(DistributionWebhook, IndexPushKeepsMediaType) {
  auto parsed =
      parse_distribution(testing::read_file(kCaptures / "full-capture" / "push-index-with-references.json"));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->events.size(), 1u);
  EXPECT_EQ(parsed->events[0].media_type, "application/vnd.oci.image.index.v1+json");
}

nlohmann::json valid_push() {
  return nlohmann::json::parse(body_of("02-push.json"));
}

std::string error_of(const nlohmann::json& body) {
  auto parsed = parse_distribution(body.dump());
  EXPECT_FALSE(parsed) << body.dump();
  return parsed ? std::string() : parsed.error().message;
}

TEST(DistributionWebhook, BadInputNamesTheField) {
  auto j = valid_push();
  j["events"][0]["target"]["digest"] = "sha256:xyz";
  EXPECT_NE(error_of(j).find("events[0].target.digest"), std::string::npos);

  j = valid_push();
  j["events"][0]["target"]["repository"] = "Library/Debian";
  EXPECT_NE(error_of(j).find("events[0].target.repository"), std::string::npos);

  j = valid_push();
  j["events"][0].erase("id");
  EXPECT_NE(error_of(j).find("events[0].id: missing"), std::string::npos);

  j = valid_push();
  j["events"][0]["target"]["size"] = "big";
  EXPECT_NE(error_of(j).find("events[0].target.size"), std::string::npos);

  j = valid_push();
  j["events"][0]["target"] = 7;
  EXPECT_NE(error_of(j).find("events[0].target: must be an object"), std::string::npos);

  j = valid_push();
  j["events"][0]["target"]["tag"] = "a/b";
  EXPECT_NE(error_of(j).find("events[0].target.tag"), std::string::npos);

  j = valid_push();
  j["events"] = "nope";
  EXPECT_NE(error_of(j).find("events"), std::string::npos);

  // One bad event rejects the whole envelope: nothing partial.
  j = valid_push();
  j["events"].push_back(j["events"][0]);
  j["events"][1]["target"]["digest"] = "md5:00";
  EXPECT_NE(error_of(j).find("events[1].target.digest"), std::string::npos);
}

TEST(DistributionWebhook, UnknownActionIsIgnored) {
  auto j = valid_push();
  j["events"][0]["action"] = "replicate";
  auto parsed = parse_distribution(j.dump());
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->events.empty());
  EXPECT_EQ(parsed->ignored, 1u);
}

TEST(DistributionWebhook, HostileBodiesAreErrorsNotCrashes) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  for (const std::string& body :
       {std::string(), std::string("{"), std::string("null"), std::string("[]"),
        std::string("{\"events\":[1]}"), std::string("{\"events\":[{\"action\":\"push\"}]}"), deep,
        std::string("{\"events\":[{\"action\":\"\xff\"}]}"), body_of("02-push.json").substr(0, 200)}) {
    auto parsed = parse_distribution(body);
    EXPECT_FALSE(parsed) << body.substr(0, 80);
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, ErrorCode::InvalidArgument);
    }
  }
}

TEST(DistributionWebhook, HugeEnvelopeOfBlobEventsIsCheap) {
  nlohmann::json j;
  j["events"] = nlohmann::json::array();
  for (int i = 0; i < 5000; ++i) {
    j["events"].push_back({{"action", "pull"}, {"target", {{"mediaType", "application/octet-stream"}}}});
  }
  auto parsed = parse_distribution(j.dump());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->ignored, 5000u);
}

}  // namespace
}  // namespace regscand::server::webhooks
