// Every webhook parser against systematically broken versions of real-shaped bodies: every truncation,
// single-byte corruptions, type swaps of every field, invalid UTF-8 and digests of the wrong shape. The
// contract: a parse either succeeds with well-formed events or fails with InvalidArgument and a message;
// nothing else (no crash, no exception, no event with an invalid digest).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "server/webhooks/acr.hpp"
#include "server/webhooks/distribution.hpp"
#include "server/webhooks/harbor.hpp"

namespace regscand::server::webhooks {
namespace {

namespace fs = std::filesystem;
using Parser = std::function<Result<ParsedWebhook>(std::string_view)>;

std::string distribution_body() {
  std::ifstream in(fs::path(REGSCAND_TEST_DATA) / "webhooks" / "distribution-2.8" / "02-push.json");
  return nlohmann::json::parse(in)["body"].dump();
}

std::string acr_body() {
  return R"({"id":"cb8c3971-9adc-488b-bdd8-43cbb4974ff5","timestamp":"2017-11-17T16:52:01.343145347Z",
    "action":"push","target":{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":524,
    "digest":"sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d","length":524,
    "repository":"hello-world","tag":"v1"},"request":{"id":"3cbb6949-7549-4fa1-86cd-a6d5451dffc7",
    "host":"myregistry.azurecr.io","method":"PUT","useragent":"docker/17.09.0-ce"}})";
}

std::string harbor_body() {
  return R"({"type":"PUSH_ARTIFACT","occur_at":1680501893,"operator":"harbor-jobservice",
    "event_data":{"resources":[{"digest":"sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
    "tag":"latest","resource_url":"harbor.example.com/library/busybox:latest"}],
    "repository":{"date_created":1680501893,"name":"busybox","namespace":"library",
    "repo_full_name":"library/busybox","repo_type":"private"}}})";
}

struct Case {
  const char* name;
  Parser parse;
  std::string body;
};

std::vector<Case> cases() {
  return {{"distribution", parse_distribution, distribution_body()},
          {"acr", parse_acr, acr_body()},
          {"harbor", parse_harbor, harbor_body()}};
}

// The contract every parse result must meet.
void check(const Result<ParsedWebhook>& result, const std::string& what) {
  if (!result) {
    EXPECT_EQ(result.error().code, ErrorCode::InvalidArgument) << what;
    EXPECT_FALSE(result.error().message.empty()) << what;
    return;
  }
  for (const auto& event : result->events) {
    EXPECT_FALSE(event.id.empty()) << what;
    EXPECT_FALSE(event.repository.empty()) << what;
  }
}

// Replaces every scalar in `doc` with values of other types, one at a time.
void for_each_type_swap(const nlohmann::json& doc, const std::function<void(const nlohmann::json&)>& visit) {
  const nlohmann::json replacements[] = {nullptr,
                                         7,
                                         -1,
                                         1e300,
                                         true,
                                         "",
                                         nlohmann::json::array(),
                                         nlohmann::json::object(),
                                         std::string(5000, 'x')};
  std::function<void(nlohmann::json&, nlohmann::json&)> walk = [&](nlohmann::json& root,
                                                                   nlohmann::json& node) {
    if (node.is_structured()) {
      for (auto& child : node) walk(root, child);
    }
    const nlohmann::json saved = node;
    for (const auto& r : replacements) {
      node = r;
      visit(root);
    }
    node = saved;
  };
  nlohmann::json copy = doc;
  walk(copy, copy);
}

TEST(HostileWebhooks, TheValidBodiesParse) {
  for (const auto& c : cases()) {
    auto parsed = c.parse(c.body);
    ASSERT_TRUE(parsed) << c.name << ": " << parsed.error().message;
    EXPECT_EQ(parsed->events.size(), 1u) << c.name;
  }
}

TEST(HostileWebhooks, EveryTruncationFailsCleanly) {
  for (const auto& c : cases()) {
    for (std::size_t n = 0; n < c.body.size(); ++n) {
      const auto result = c.parse(std::string_view(c.body).substr(0, n));
      EXPECT_FALSE(result) << c.name << " truncated at " << n;
    }
  }
}

TEST(HostileWebhooks, SingleByteCorruptionsKeepTheContract) {
  for (const auto& c : cases()) {
    for (std::size_t i = 0; i < c.body.size(); ++i) {
      for (const char b : {'\0', '"', '\\', '{', ']', '\xff', '\xc3'}) {
        std::string mutated = c.body;
        mutated[i] = b;
        check(c.parse(mutated), std::string(c.name) + " byte " + std::to_string(i));
      }
    }
  }
}

TEST(HostileWebhooks, EveryFieldWithEveryWrongTypeKeepsTheContract) {
  for (const auto& c : cases()) {
    int variants = 0;
    for_each_type_swap(nlohmann::json::parse(c.body), [&](const nlohmann::json& doc) {
      ++variants;
      check(c.parse(doc.dump()), std::string(c.name) + ": " + doc.dump().substr(0, 300));
    });
    EXPECT_GT(variants, 100) << c.name;
  }
}

TEST(HostileWebhooks, WrongDigestsAreRejected) {
  const std::string good = "sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d";
  for (const std::string& bad :
       std::vector<std::string>{"sha256:80F0D5C8786BB9E621A45ECE0DB56D11CDC624AD20DA9FE62E9D25490F331D7D",
                                "sha256:80f0", "md5:d41d8cd98f00b204e9800998ecf8427e", "80f0d5c8786bb9e621",
                                "sha256:" + std::string(64, 'g'), "sha256:../../etc/passwd"}) {
    std::string body = acr_body();
    body.replace(body.find(good), good.size(), bad);
    const auto parsed = parse_acr(body);
    EXPECT_FALSE(parsed) << bad;
  }
}

TEST(HostileWebhooks, InvalidUtf8InStringsIsRejected) {
  for (const auto& c : cases()) {
    std::string body = c.body;
    const auto at = body.find("push") != std::string::npos ? body.find("push") : body.find("PUSH");
    ASSERT_NE(at, std::string::npos);
    body.replace(at, 4, "p\xc3\x28h");
    EXPECT_FALSE(c.parse(body)) << c.name;
  }
}

}  // namespace
}  // namespace regscand::server::webhooks
