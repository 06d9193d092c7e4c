// The default feed sources through feeds.mirror, with the real binary: a python3 file server holds a few feed
// files at their upstream <host>/<path>; `regscand serve` (sources: [default]) imports them in the background
// and serves meanwhile; `feeds status`, GET /v1/summary and /metrics show success and advisory counts for
// those, and the 404 for a default source the mirror lacks; `feeds mirror DIR` copies the same tree; with the
// mirror unreachable, `feeds import` fails fast per source and the daemon still becomes ready.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tests/support/daemon.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/feed_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oci_image.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_data.hpp"

namespace regscand::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr const char* kToken = "feeds-e2e-reader-token-0123456789";
constexpr const char* kDebian = "https://security-tracker.debian.org/tracker/data/json";
constexpr const char* kAlpine = "https://secdb.alpinelinux.org/v3.19/main.json";
constexpr const char* kPypi = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip";
constexpr const char* kNpm = "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip";
constexpr const char* kUbuntu =
    "https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip";  // absent

// The test's sources, with the file each is served from relative to the upstream root, and its advisories.
struct Served {
  const char* url;
  const char* file;
};
constexpr Served kServed[] = {
    {kDebian, "security-tracker.debian.org/tracker/data/json"},
    {kAlpine, "secdb.alpinelinux.org/v3.19/main.json"},
    {kPypi, "osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"},
    {kNpm, "osv-vulnerabilities.storage.googleapis.com/npm/all.zip"},
};

void place(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

// An OSV all.zip of every *.json record in `records`.
void zip_records(const fs::path& records, const fs::path& zip) {
  fs::create_directories(zip.parent_path());
  const auto made = run_command({"python3", "-c",
                                 "import sys, zipfile, pathlib\n"
                                 "with zipfile.ZipFile(sys.argv[2], 'w') as z:\n"
                                 "    for p in sorted(pathlib.Path(sys.argv[1]).glob('*.json')):\n"
                                 "        z.write(p, p.name)\n",
                                 records.string(), zip.string()});
  ASSERT_TRUE(made.ok()) << made.output;
}

// eventually(), every half second: each try runs a process or an HTTP request.
template <class F>
bool within(std::chrono::seconds deadline, F&& done) {
  return eventually(std::forward<F>(done), deadline, std::chrono::milliseconds(500));
}

class FeedsMirror : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path data = test_data() / "feeds";
    const fs::path root = dir_.path() / "upstream";
    place(data / "debian/security-tracker-json/vunnel-fixture-debian.json", root / kServed[0].file);
    place(data / "alpine-secdb/alpinelinux-alpine-secdb-json/v3.10/main.json", root / kServed[1].file);
    zip_records(data / "osv/PyPI/osv.dev-samples", root / kServed[2].file);
    zip_records(data / "osv/npm/osv.dev-samples", root / kServed[3].file);
    server_ = std::make_unique<FeedServer>(root);
    auto cluster = PgCluster::create();
    ASSERT_TRUE(cluster) << cluster.error().message;
    cluster_ = std::move(*cluster);
    port_ = free_port();
  }

  // A config with the default sources read through `mirror`.
  fs::path write_config(const std::string& mirror) {
    const fs::path file = dir_.path() / "regscand.yaml";
    std::ofstream(file) << "server: {listen: \"127.0.0.1:" << port_ << "\"}\n"
                        << "database: {url: \"" << cluster_->url() << "\"}\n"
                        << "data_dir: \"" << (dir_.path() / "var").string() << "\"\n"
                        << "auth:\n  tokens:\n    - {name: e2e, role: reader, token: \"" << kToken << "\"}\n"
                        << "scanner: {workers: 0}\nscheduler: {enabled: false}\n"
                        << "feeds: {sources: [default], mirror: \"" << mirror << "\"}\n";
    return file;
  }

  nlohmann::json summary() {
    const auto res = http_get(port_, "/v1/summary", {{"Authorization", std::string("Bearer ") + kToken}});
    EXPECT_EQ(res.status, 200) << res.body;
    return nlohmann::json::parse(res.body, nullptr, false);
  }

  static const nlohmann::json* feed(const nlohmann::json& summary, const std::string& source) {
    if (!summary.is_object() || !summary["feeds"].is_array()) return nullptr;
    for (const auto& f : summary["feeds"]) {
      if (f["source"] == source) return &f;
    }
    return nullptr;
  }

  // The value of the metric line starting `series` ("name{source=\"...\"}"), or "" when absent.
  std::string metric(const std::string& series) {
    const auto body = http_get(port_, "/metrics").body;
    const auto at = body.find("\n" + series + " ");
    if (at == std::string::npos) return "";
    const auto start = at + series.size() + 2;
    return body.substr(start, body.find('\n', start) - start);
  }

  TempDir dir_;
  std::unique_ptr<FeedServer> server_;
  std::unique_ptr<PgCluster> cluster_;
  std::uint16_t port_ = 0;
};

TEST_F(FeedsMirror, DefaultSourcesAreImportedThroughTheMirror) {
  const auto config = write_config(server_->url("/files"));
  Daemon daemon(REGSCAND_BINARY, {"serve", "--config", config.string()}, {}, dir_.path() / "daemon.log");
  ASSERT_TRUE(daemon.wait_for_status(port_, "/readyz", 200, seconds(60))) << daemon.log();

  // Every default source is attempted in the background: the served ones imported, the others a 404.
  CommandResult status;
  ASSERT_TRUE(
      within(seconds(60),
             [&] {
               status = run_command({REGSCAND_BINARY, "feeds", "status", "--config", config.string()});
               return status.output.find("never attempted") == std::string::npos &&
                      status.output.find(kUbuntu) != std::string::npos;
             }))
      << status.output << daemon.log();
  EXPECT_EQ(status.exit_code, 1) << "the sources the mirror lacks failed\n" << status.output;
  const auto log = server_->log();
  EXPECT_NE(log.find("/files/secdb.alpinelinux.org/v3.19/main.json 200"), std::string::npos) << log;
  EXPECT_NE(log.find("/files/osv-vulnerabilities.storage.googleapis.com/Red%20Hat/all.zip 404"),
            std::string::npos)
      << log;

  nlohmann::json s;
  ASSERT_TRUE(within(seconds(30), [&] {
    s = summary();
    const auto* ubuntu = feed(s, kUbuntu);
    return ubuntu != nullptr && (*ubuntu)["last_error"].is_string();
  })) << s.dump(2);
  // The gauges follow the stored state once the whole round (imports, then re-match) has ended.
  const std::string ubuntu_labels = std::string("{source=\"") + kUbuntu + "\"}";
  ASSERT_TRUE(within(seconds(30), [&] { return metric("regscand_feed_failing" + ubuntu_labels) == "1"; }))
      << http_get(port_, "/metrics").body;
  for (const auto& served : kServed) {
    const auto* f = feed(s, served.url);
    ASSERT_NE(f, nullptr) << served.url << "\n" << s.dump(2);
    EXPECT_TRUE((*f)["last_error"].is_null()) << served.url << ": " << (*f)["last_error"];
    EXPECT_TRUE((*f)["last_success_at"].is_string()) << served.url;
    const auto records = (*f)["records"].get<std::int64_t>();
    EXPECT_GT(records, 0) << served.url;
    EXPECT_NE(status.output.find(std::string(served.url) + ": "), std::string::npos) << status.output;
    EXPECT_NE(status.output.find(", " + std::to_string(records) + " advisories, last success 20"),
              std::string::npos)
        << served.url << "\n"
        << status.output;
    const std::string labels = std::string("{source=\"") + served.url + "\"}";
    EXPECT_EQ(metric("regscand_feed_advisories" + labels), std::to_string(records));
    EXPECT_EQ(metric("regscand_feed_failing" + labels), "0");
    const auto age = metric("regscand_feed_age_seconds" + labels);
    ASSERT_FALSE(age.empty()) << labels;
    EXPECT_LT(std::stod(age), 120.0) << labels;
  }
  const auto* ubuntu = feed(s, kUbuntu);
  const std::string missing =
      "GET " + server_->url("/files/osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip") +
      ": HTTP 404";
  EXPECT_EQ((*ubuntu)["last_error"], missing);
  EXPECT_TRUE((*ubuntu)["last_success_at"].is_null());
  EXPECT_NE(status.output.find(std::string(kUbuntu) + ": unknown, 0 advisories, last success never"),
            std::string::npos)
      << status.output;
  EXPECT_NE(status.output.find("error: " + missing), std::string::npos) << status.output;
  EXPECT_EQ(metric("regscand_feed_age_seconds" + ubuntu_labels), "+Inf");

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(seconds(30)), 0) << daemon.log();
}

TEST_F(FeedsMirror, MirrorCommandWritesTheUpstreamTree) {
  const auto config = write_config(server_->url("/files"));
  const fs::path out = dir_.path() / "mirror";
  const auto mirrored =
      run_command({REGSCAND_BINARY, "feeds", "mirror", out.string(), "--config", config.string()});
  EXPECT_EQ(mirrored.exit_code, 1) << "the sources the server lacks fail\n" << mirrored.output;
  for (const auto& served : kServed) {
    const auto written = out / served.file;
    ASSERT_TRUE(fs::is_regular_file(written)) << written << "\n" << mirrored.output;
    EXPECT_EQ(fs::file_size(written), fs::file_size(dir_.path() / "upstream" / served.file)) << served.file;
    EXPECT_NE(mirrored.output.find(std::string(served.url) + ": " + std::to_string(fs::file_size(written)) +
                                   " bytes"),
              std::string::npos)
        << mirrored.output;
  }
  EXPECT_NE(mirrored.output.find(std::string(kUbuntu) + ": error: GET "), std::string::npos)
      << mirrored.output;
  EXPECT_FALSE(fs::exists(out / "osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip"));
  EXPECT_FALSE(fs::exists(out / ".partial")) << "no scratch file is left";

  // The tree is itself a mirror: as a directory, `feeds import` reads the same sources from it.
  const auto from_dir = write_config(out.string());
  const auto imported = run_command({REGSCAND_BINARY, "feeds", "import", "--config", from_dir.string()});
  for (const auto& served : kServed) {
    EXPECT_NE(imported.output.find(std::string(served.url) + ": "), std::string::npos) << imported.output;
  }
  EXPECT_NE(imported.output.find(std::string(kPypi) + ": osv-zip, "), std::string::npos) << imported.output;
  EXPECT_NE(imported.output.find(std::string(kDebian) + ": debian-tracker, "), std::string::npos)
      << imported.output;
}

TEST_F(FeedsMirror, UnreachableFeedsFailFastAndTheDaemonServes) {
  const auto config = write_config("http://127.0.0.1:" + std::to_string(free_port()));  // refused
  const auto started = std::chrono::steady_clock::now();
  const auto imported = run_command({REGSCAND_BINARY, "feeds", "import", "--config", config.string()});
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(imported.exit_code, 1) << imported.output;
  EXPECT_NE(imported.output.find(std::string(kDebian) + ": error: GET http://127.0.0.1:"), std::string::npos)
      << imported.output;
  EXPECT_LT(elapsed, seconds(20)) << "a refused connection must not wait for a timeout";

  Daemon daemon(REGSCAND_BINARY, {"serve", "--config", config.string()}, {}, dir_.path() / "daemon.log");
  ASSERT_TRUE(daemon.wait_for_status(port_, "/readyz", 200, seconds(60))) << daemon.log();
  EXPECT_EQ(http_get(port_, "/healthz").status, 200);
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(seconds(30)), 0) << daemon.log();
}

}  // namespace
}  // namespace regscand::testing
