// RegistryClient against the real CNCF distribution (docker-registry) with images built here and pushed
// with skopeo: tags, digests, formats, deletes, htpasswd Basic auth, token auth, TLS verification, and the
// notification settings other end-to-end tests rely on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scanner/registry/client.hpp"
#include "tests/support/oci_image.hpp"
#include "tests/support/registry.hpp"

namespace regscand::scanner::registry {
namespace {

using namespace std::chrono_literals;
using testing::FakeExchange;
using testing::FakeHttpServer;
using testing::OciImage;
using testing::OciLayoutBuilder;
using testing::TempDir;
using testing::TestRegistry;

RegistryClient make_client(const config::RegistryConfig& config) {
  ClientOptions options;
  options.connect_timeout = 5s;
  options.read_timeout = 10s;
  options.request_timeout = 30s;
  options.max_attempts = 2;
  auto client = RegistryClient::create(config, options);
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

// Two gzip layers with unique content, tagged `tag` in a fresh layout.
OciImage build_image(OciLayoutBuilder& layout, const std::string& tag) {
  const auto nonce = testing::unique_suffix();
  return layout.add_image(
      {testing::files_layer({{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"}, {"etc/nonce", nonce}}),
       testing::files_layer({{"app/hello.txt", "hello " + nonce}})},
      tag);
}

TEST(RegistryClientE2E, ResolvesAPushedImageByTagAndDigestAndFetchesItsBlobs) {
  TestRegistry registry;
  TempDir dir;
  OciLayoutBuilder layout(dir.path() / "layout");
  const auto image = build_image(layout, "v1");
  registry.push(layout.reference("v1"), "team/app:v1");

  auto client = make_client(registry.config());
  auto by_tag = client.resolve_manifest("team/app", "v1");
  ASSERT_TRUE(by_tag) << by_tag.error().message;
  EXPECT_EQ(by_tag->digest.str(), image.manifest.digest);
  EXPECT_EQ(by_tag->media_type, kOciManifest);
  EXPECT_EQ(by_tag->body, image.manifest_json);
  EXPECT_EQ(by_tag->size, image.manifest.size);

  auto by_digest = client.resolve_manifest("team/app", image.manifest.digest);
  ASSERT_TRUE(by_digest) << by_digest.error().message;
  EXPECT_EQ(by_digest->digest.str(), image.manifest.digest);

  StringSink config_sink(1 << 20);
  auto config = client.fetch_blob("team/app", *Digest::parse(image.config.digest), config_sink, 1 << 20);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config_sink.data(), image.config_json);
  for (const auto& layer : image.layers) {
    StringSink sink(1 << 20);
    auto fetched = client.fetch_blob("team/app", *Digest::parse(layer.digest), sink, 1 << 20);
    ASSERT_TRUE(fetched) << fetched.error().message;
    EXPECT_EQ(sink.data().size(), layer.size);
  }
  EXPECT_EQ(client.registry_connections_for_test(), 1u);
}

TEST(RegistryClientE2E, MissingTagRepositoryAndDeletedManifestAreNotFound) {
  TestRegistry registry;
  TempDir dir;
  OciLayoutBuilder layout(dir.path() / "layout");
  const auto image = build_image(layout, "v1");
  registry.push(layout.reference("v1"), "app:v1");
  auto client = make_client(registry.config());

  for (const auto& [repo, ref] : std::vector<std::pair<std::string, std::string>>{
           {"app", "v2"}, {"nothing/here", "v1"}, {"app", "sha256:" + std::string(64, '0')}}) {
    auto head = client.resolve_manifest(repo, ref);
    ASSERT_FALSE(head) << repo << ":" << ref;
    EXPECT_EQ(head.error().code, ErrorCode::NotFound) << head.error().message;
  }
  ASSERT_TRUE(client.resolve_manifest("app", image.manifest.digest));
  EXPECT_EQ(registry.delete_manifest("app", image.manifest.digest), 202);
  auto deleted = client.resolve_manifest("app", image.manifest.digest);
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().code, ErrorCode::NotFound);
}

TEST(RegistryClientE2E, DockerFormatAndIndexes) {
  TestRegistry registry;
  TempDir dir;
  OciLayoutBuilder layout(dir.path() / "layout");
  const auto amd64 = build_image(layout, "");
  testing::ImageOptions arm;
  arm.architecture = "arm64";
  const auto arm64 =
      layout.add_image({testing::files_layer({{"etc/arch", "arm64 " + testing::unique_suffix()}})}, "", arm);
  const auto index = layout.add_index({{amd64, {}}, {arm64, {"arm64", "linux", "v8"}}}, "multi");
  build_image(layout, "single");

  registry.push(layout.reference("single"), "app:docker");
  const auto docker = testing::skopeo_copy(layout.reference("single"),
                                           "docker://" + registry.host() + "/app:v2s2", {"--format", "v2s2"});
  ASSERT_TRUE(docker.ok()) << docker.output;
  const auto multi = testing::skopeo_copy(layout.reference("multi"),
                                          "docker://" + registry.host() + "/app:multi", {"--all"});
  ASSERT_TRUE(multi.ok()) << multi.output;

  auto client = make_client(registry.config());
  auto v2s2 = client.resolve_manifest("app", "v2s2");
  ASSERT_TRUE(v2s2) << v2s2.error().message;
  EXPECT_EQ(v2s2->kind, ManifestKind::DockerManifest);
  EXPECT_EQ(v2s2->media_type, kDockerManifest);
  const auto inspected = registry.inspect("app:v2s2");
  ASSERT_TRUE(inspected.ok()) << inspected.output;
  EXPECT_EQ(nlohmann::json::parse(inspected.output)["Digest"], v2s2->digest.str());

  auto resolved_index = client.resolve_manifest("app", "multi");
  ASSERT_TRUE(resolved_index) << resolved_index.error().message;
  EXPECT_EQ(resolved_index->kind, ManifestKind::OciIndex);
  EXPECT_EQ(resolved_index->digest.str(), index.digest);
  auto child = client.resolve_manifest("app", arm64.manifest.digest);
  ASSERT_TRUE(child) << child.error().message;
  EXPECT_EQ(child->kind, ManifestKind::OciManifest);
}

TEST(RegistryClientE2E, HtpasswdBasicAuth) {
  TestRegistry::Options options;
  options.basic_auth = TestRegistry::Credentials{"ci", "correct horse"};
  TestRegistry registry(options);
  TempDir dir;
  OciLayoutBuilder layout(dir.path() / "layout");
  const auto image = build_image(layout, "v1");
  registry.push(layout.reference("v1"), "app:v1");

  auto good = make_client(registry.config());
  auto head = good.resolve_manifest("app", "v1");
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(head->digest.str(), image.manifest.digest);

  auto wrong_config = registry.config();
  wrong_config.auth.password = "battery staple";
  auto wrong = make_client(wrong_config);
  auto refused = wrong.resolve_manifest("app", "v1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::Unauthenticated) << refused.error().message;
  EXPECT_EQ(refused.error().message.find("battery"), std::string::npos);

  auto anonymous_config = registry.config();
  anonymous_config.auth = {};
  auto anonymous = make_client(anonymous_config);
  auto anonymous_head = anonymous.resolve_manifest("app", "v1");
  ASSERT_FALSE(anonymous_head);
  EXPECT_EQ(anonymous_head.error().code, ErrorCode::Unauthenticated);
}

TEST(RegistryClientE2E, TokenAuthWithRealDistribution) {
  TestRegistry::Options options;
  options.token_auth = true;
  TestRegistry registry(options);
  TempDir dir;
  OciLayoutBuilder layout(dir.path() / "layout");
  const auto image = build_image(layout, "v1");
  registry.push(layout.reference("v1"), "team/app:v1");
  const auto pushed_tokens = registry.token_server()->requests().size();
  ASSERT_GT(pushed_tokens, 0u);  // skopeo went through the token flow too

  auto client = make_client(registry.config());
  auto head = client.resolve_manifest("team/app", "v1");
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(head->digest.str(), image.manifest.digest);
  StringSink sink(1 << 20);
  ASSERT_TRUE(client.fetch_blob("team/app", *Digest::parse(image.config.digest), sink, 1 << 20));
  EXPECT_EQ(sink.data(), image.config_json);

  const auto requests = registry.token_server()->requests();
  ASSERT_EQ(requests.size(), pushed_tokens + 1);  // one token for manifest and blob
  EXPECT_EQ(requests.back().query_values("scope"), std::vector<std::string>{"repository:team/app:pull"});
  EXPECT_EQ(requests.back().query_values("service"), std::vector<std::string>{"regscand-test-registry"});
}

TEST(RegistryClientE2E, TokenAuthWithCredentialsAtTheTokenServer) {
  TestRegistry::Options options;
  options.token_auth = true;
  options.basic_auth = TestRegistry::Credentials{"robot", "tok-pass"};
  TestRegistry registry(options);
  TempDir dir;
  OciLayoutBuilder layout(dir.path() / "layout");
  build_image(layout, "v1");
  registry.push(layout.reference("v1"), "app:v1");

  auto client = make_client(registry.config());
  ASSERT_TRUE(client.resolve_manifest("app", "v1"));
  auto wrong_config = registry.config();
  wrong_config.auth.password = "nope";
  auto wrong = make_client(wrong_config);
  auto head = wrong.resolve_manifest("app", "v1");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::Unauthenticated) << head.error().message;
  EXPECT_NE(head.error().message.find("token endpoint"), std::string::npos);
}

TEST(RegistryClientE2E, TlsVerifiesTheChainAndTheHostName) {
  TestRegistry::Options options;
  options.tls = true;
  TestRegistry registry(options);
  TempDir dir;
  OciLayoutBuilder layout(dir.path() / "layout");
  const auto image = build_image(layout, "v1");
  registry.push(layout.reference("v1"), "app:v1");

  auto trusted = make_client(registry.config());
  auto head = trusted.resolve_manifest("app", "v1");
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(head->digest.str(), image.manifest.digest);

  auto by_name_config = registry.config();
  by_name_config.url = "https://localhost:" + std::to_string(registry.port());
  auto by_name = make_client(by_name_config);
  auto by_name_head = by_name.resolve_manifest("app", "v1");
  EXPECT_TRUE(by_name_head) << by_name_head.error().message;

  auto untrusted_config = registry.config();
  untrusted_config.ca_file.clear();
  auto untrusted = make_client(untrusted_config);
  auto refused = untrusted.resolve_manifest("app", "v1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::Unavailable);
  EXPECT_NE(refused.error().message.find("certificate verification failed"), std::string::npos)
      << refused.error().message;

  untrusted_config.insecure_skip_verify = true;
  auto insecure = make_client(untrusted_config);
  EXPECT_TRUE(insecure.resolve_manifest("app", "v1"));
}

TEST(RegistryClientE2E, TlsRejectsACertificateForAnotherName) {
  TestRegistry::Options options;
  options.tls = true;
  options.tls_hosts = {"registry.invalid"};
  TestRegistry registry(options);
  auto client = make_client(registry.config());
  auto head = client.resolve_manifest("app", "v1");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::Unavailable);
  EXPECT_NE(head.error().message.find("certificate verification failed"), std::string::npos)
      << head.error().message;
}

TEST(RegistryClientE2E, NotificationsReachTheConfiguredEndpointWithTheToken) {
  std::atomic<int> pushes{0};
  FakeHttpServer webhook([&](FakeExchange& exchange) {
    if (exchange.request().header("Authorization") == "Bearer hook-secret") ++pushes;
    exchange.respond(200);
  });
  TestRegistry::Options options;
  options.notify_url = webhook.url() + "/v1/webhooks/local";
  options.notify_token = "hook-secret";
  TestRegistry registry(options);
  TempDir dir;
  OciLayoutBuilder layout(dir.path() / "layout");
  build_image(layout, "v1");
  registry.push(layout.reference("v1"), "app:v1");
  const auto until = std::chrono::steady_clock::now() + 15s;
  while (pushes.load() == 0 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(100ms);
  ASSERT_GT(pushes.load(), 0) << registry.log();
  const auto requests = webhook.requests();
  EXPECT_EQ(requests.front().method, "POST");
  EXPECT_EQ(requests.front().path(), "/v1/webhooks/local");
  EXPECT_NE(requests.front()
                .header("Content-Type")
                .value_or("")
                .find("application/vnd.docker.distribution.events.v1+json"),
            std::string::npos);
}

}  // namespace
}  // namespace regscand::scanner::registry
