// The Compose topology without a container engine: the shipped
// deploy/registry/config.yml (rendered by deploy/registry/render.sh, as the
// registry service does) under `docker-registry serve`, and the shipped
// deploy/regscand.yaml under `regscand serve`, on a throwaway PostgreSQL. Only
// host names, ports and paths change: REGISTRY_* and REGSCAND_* variables where
// the programs read them; where a value sits in a list (the registry's
// notification endpoint, regscand's registries and token files), a copy of the
// file with that host:port or the /run/secrets/ prefix substituted, each
// substitution checked. The default feeds come from a local mirror
// (feeds.mirror) holding one Alpine secdb file; a push with skopeo ends in
// findings.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/daemon.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/feed_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oci_image.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const fs::path kRoot = fs::path(REGSCAND_TESTS_DIR).parent_path();
constexpr char kApiToken[] = "api-token-deploy-e2e-0123456789";
constexpr char kWebhookToken[] = "webhook-token-deploy-e2e-0123456789";

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `text` with every `from` replaced by `to`; fails the test unless there were
// exactly `expected`.
std::string substitute(std::string text, const std::string& from, const std::string& to, int expected) {
  int found = 0;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
    ++found;
  }
  EXPECT_EQ(found, expected) << "\"" << from << "\" in a shipped config";
  return text;
}

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

// One Alpine 3.19 secdb document (main), as secdb.alpinelinux.org serves it:
// musl fixed in -r5.
std::string alpine_secdb() {
  return nlohmann::json{
      {"distroversion", "v3.19"},
      {"reponame", "main"},
      {"urlprefix", "https://dl-cdn.alpinelinux.org/alpine"},
      {"apkurl",
       "{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/"
       "{{pkg.name}}-{{pkg.ver}}.apk"},
      {"packages",
       {{{"pkg", {{"name", "musl"}, {"secfixes", {{"1.2.4_git20230717-r5", {"CVE-2099-12001"}}}}}}}}}}
      .dump();
}

class ComposeTopologyE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cluster = PgCluster::create();
    ASSERT_TRUE(cluster) << cluster.error().message;
    cluster_ = std::move(*cluster);
    registry_port_ = free_port();
    daemon_port_ = free_port();

    const auto secrets = dir_.path() / "secrets";
    write(secrets / "database_url", cluster_->url() + "\n");
    write(secrets / "api_token", std::string(kApiToken) + "\n");
    write(secrets / "webhook_token", std::string(kWebhookToken) + "\n");

    // The registry, as the Compose service runs it: render.sh, then serve.
    const auto registry_template =
        substitute(read(kRoot / "deploy/registry/config.yml"), "http://regscand:8080/",
                   "http://127.0.0.1:" + std::to_string(daemon_port_) + "/", 1);
    write(dir_.path() / "registry/template.yml", registry_template);
    const auto rendered =
        run_command({"sh", (kRoot / "deploy/registry/render.sh").string(),
                     (dir_.path() / "registry/template.yml").string(), (secrets / "webhook_token").string(),
                     (dir_.path() / "registry/config.yml").string()});
    ASSERT_TRUE(rendered.ok()) << rendered.output;
    registry_ = std::make_unique<Daemon>(
        "/usr/bin/docker-registry",
        std::vector<std::string>{"serve", (dir_.path() / "registry/config.yml").string()},
        std::map<std::string, std::string>{
            {"REGISTRY_HTTP_ADDR", "127.0.0.1:" + std::to_string(registry_port_)},
            {"REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", (dir_.path() / "registry/data").string()}},
        dir_.path() / "registry.log");
    ASSERT_TRUE(registry_->wait_for_status(registry_port_, "/v2/", 200, 30s)) << registry_->log();

    // The feed mirror: <mirror>/<host>/<path> for every default source; only
    // Alpine 3.19 main is there.
    write(dir_.path() / "mirror/secdb.alpinelinux.org/v3.19/main.json", alpine_secdb());
    feeds_ = std::make_unique<FeedServer>(dir_.path() / "mirror");

    auto config = substitute(read(kRoot / "deploy/regscand.yaml"), "http://registry:5000",
                             "http://127.0.0.1:" + std::to_string(registry_port_), 1);
    config = substitute(config, "/run/secrets/", secrets.string() + "/", 3);
    write(dir_.path() / "regscand.yaml", config);
  }

  std::unique_ptr<Daemon> start_daemon() {
    auto daemon = std::make_unique<Daemon>(
        REGSCAND_BINARY,
        std::vector<std::string>{"serve", "--config", (dir_.path() / "regscand.yaml").string()},
        std::map<std::string, std::string>{
            {"REGSCAND_SERVER_LISTEN", "127.0.0.1:" + std::to_string(daemon_port_)},
            {"REGSCAND_DATA_DIR", (dir_.path() / "var").string()},
            {"REGSCAND_FEEDS_MIRROR", feeds_->url("/files")}},
        dir_.path() / "regscand.log");
    EXPECT_TRUE(daemon->wait_for_status(daemon_port_, "/readyz", 200, 60s)) << daemon->log();
    return daemon;
  }

  // Pushes an Alpine 3.19 image whose musl the secdb above fixes in a later
  // release.
  std::string push_alpine_image() {
    OciLayoutBuilder layout(dir_.path() / "layout");
    const auto image = layout.add_image(
        {files_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                      {"lib/apk/db/installed", "P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\n\n"},
                      {"etc/nonce", unique_suffix()}})},
        "v1");
    const auto pushed = skopeo_copy(
        layout.reference("v1"), "docker://127.0.0.1:" + std::to_string(registry_port_) + "/team/alpine:v1");
    EXPECT_TRUE(pushed.ok()) << pushed.output;
    return image.manifest.digest;
  }

  HttpResponse api(const std::string& target) {
    return http_get(daemon_port_, target, {{"Authorization", std::string("Bearer ") + kApiToken}});
  }

  TempDir dir_;
  std::unique_ptr<PgCluster> cluster_;
  std::uint16_t registry_port_ = 0;
  std::uint16_t daemon_port_ = 0;
  std::unique_ptr<Daemon> registry_;
  std::unique_ptr<FeedServer> feeds_;
};

TEST_F(ComposeTopologyE2E, APushEndsInFindingsFromTheDefaultFeedsThroughTheMirror) {
  auto daemon = start_daemon();
  EXPECT_EQ(api("/v1/summary").status, 200);
  EXPECT_EQ(http_get(daemon_port_, "/v1/summary").status, 401) << "the API token from the file is required";

  const auto digest = push_alpine_image();
  nlohmann::json findings;
  const bool found = eventually(
      [&] {
        const auto res = api("/v1/images/" + digest + "/vulnerabilities");
        if (res.status != 200) return false;
        findings = nlohmann::json::parse(res.body);
        return !findings["items"].empty();
      },
      60s, 250ms);
  ASSERT_TRUE(found) << daemon->log() << "\nfeeds:\n" << feeds_->log();
  ASSERT_EQ(findings["items"].size(), 1u) << findings.dump();
  EXPECT_EQ(findings["items"][0]["vulnerability"], "CVE-2099-12001") << findings.dump();
  EXPECT_NE(feeds_->log().find("/files/secdb.alpinelinux.org/v3.19/main.json 200"), std::string::npos)
      << "fetched through the mirror";

  // The webhook reached the daemon with the rendered token (nothing else queues
  // a scan of a new image); no token reached either log.
  for (const auto& log : {daemon->log(), registry_->log(), read(dir_.path() / "registry/template.yml")}) {
    EXPECT_EQ(log.find(kWebhookToken), std::string::npos);
    EXPECT_EQ(log.find(kApiToken), std::string::npos);
  }
  EXPECT_NE(read(dir_.path() / "registry/config.yml").find(std::string("Bearer ") + kWebhookToken),
            std::string::npos);
}

}  // namespace
}  // namespace regscand::testing
