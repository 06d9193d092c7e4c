// Findings end to end: an image pushed into docker-registry is inventoried by the daemon; `regscand feeds
// import` of a Debian tracker JSON then re-matches the stored inventory without touching the registry (new
// finding, then resolved when the advisory changes, skipped when nothing changed); the daemon reloads its
// index and matches the next pushed image at scan time; `regscand scan --feeds` gives the same finding with
// no daemon and no database.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "tests/server/daemon_e2e.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string dpkg_stanza(const std::string& name, const std::string& source, const std::string& version) {
  return "Package: " + name + "\nStatus: install ok installed\nSource: " + source + "\nVersion: " + version +
         "\nArchitecture: amd64\n\n";
}

// The Debian security tracker's JSON export (package -> CVE -> release), one CVE.
std::string tracker_json(const std::string& fixed) {
  return nlohmann::json{
      {"openssl",
       {{"CVE-2024-1111",
         {{"description", "openssl: a test vulnerability"},
          {"scope", "remote"},
          {"releases",
           {{"bookworm", {{"status", "resolved"}, {"fixed_version", fixed}, {"urgency", "high"}}}}}}}}}}
      .dump();
}

class FindingsE2E : public DaemonE2E {
 protected:
  OciImage push(const std::string& repo, const std::string& tag) {
    OciLayoutBuilder layout(dir_.path() / ("layout-" + unique_suffix(8)));
    auto image = layout.add_image(
        {files_layer({{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"},
                      {"var/lib/dpkg/status", dpkg_stanza("libssl3", "openssl", "3.0.11-1~deb12u2") +
                                                  dpkg_stanza("zlib1g", "zlib", "1:1.2.13.dfsg-1")},
                      {"etc/nonce", unique_suffix()}})},
        tag);
    registry_->push(layout.reference(tag), repo + ":" + tag);
    last_layout_ = layout.reference(tag);
    return image;
  }

  void write_feed(const std::string& fixed) { std::ofstream(feed_file()) << tracker_json(fixed); }
  fs::path feed_file() const { return dir_.path() / "debian-tracker.json"; }

  CommandResult import_feeds() {
    return run_command({REGSCAND_BINARY, "feeds", "import", "--config",
                        (dir_.path() / "regscand.yaml").string(), feed_file().string()});
  }

  std::int64_t open_findings(const std::string& digest) {
    return count(
        "SELECT count(*) FROM findings f JOIN image_inventories i ON i.id = f.inventory_id WHERE i.digest = "
        "'" +
        digest + "' AND f.resolved_at IS NULL");
  }

  std::string last_layout_;
};

TEST_F(FindingsE2E, ImportRematchesStoredInventoriesAndTheDaemonMatchesNewScans) {
  auto daemon = start_daemon();
  const auto first = push("team/app", "v1");
  ASSERT_TRUE(within_a_minute([&] {
    return count("SELECT count(*) FROM jobs WHERE digest = '" + first.manifest.digest +
                 "' AND state = 'succeeded'") == 1;
  })) << daemon->log();
  EXPECT_EQ(open_findings(first.manifest.digest), 0) << "no feeds yet";
  const auto blob_requests = [&] {
    static const std::regex blob_get("GET /v2/[^ ]+/blobs/");
    const auto log = registry_->log();
    return std::distance(std::sregex_iterator(log.begin(), log.end(), blob_get), std::sregex_iterator());
  };
  const auto blobs_before = blob_requests();

  write_feed("3.0.13-1~deb12u1");
  auto imported = import_feeds();
  ASSERT_TRUE(imported.ok()) << imported.output;
  EXPECT_NE(
      imported.output.find("1 added, 0 changed, 0 removed, 0 unchanged, 0 rejected, 0 taken with a warning"),
      std::string::npos)
      << imported.output;
  EXPECT_NE(imported.output.find("re-matched 1 images: 1 new findings, 0 resolved"), std::string::npos)
      << imported.output;
  const auto row = query(
      "SELECT f.vulnerability, f.severity, f.fix_state, f.fixed_version, f.remediation, f.severity_source,"
      " f.sources::text"
      " FROM findings f JOIN image_inventories i ON i.id = f.inventory_id WHERE i.digest = '" +
      first.manifest.digest + "'");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0].as<std::string>(), "CVE-2024-1111");
  EXPECT_EQ(row[0][1].as<std::string>(), "High");
  EXPECT_EQ(row[0][2].as<std::string>(), "fixed");
  EXPECT_EQ(row[0][3].as<std::string>(), "3.0.13-1~deb12u1");
  EXPECT_EQ(row[0][4].as<std::string>(), "Upgrade libssl3 to 3.0.13-1~deb12u1 or later");
  EXPECT_EQ(row[0][5].as<std::string>(), "debian-urgency");
  EXPECT_EQ(row[0][6].as<std::string>(), "[\"debian-tracker:CVE-2024-1111\"]");
  EXPECT_EQ(count("SELECT count(*) FROM finding_events WHERE kind = 'new' AND digest = '" +
                  first.manifest.digest + "' AND vulnerability = 'CVE-2024-1111'"),
            1);

  // Unchanged: skipped. Changed so that the installed version is fixed: resolved.
  imported = import_feeds();
  ASSERT_TRUE(imported.ok()) << imported.output;
  EXPECT_NE(imported.output.find("unchanged, skipped"), std::string::npos) << imported.output;
  write_feed("3.0.11-1~deb12u1");
  imported = import_feeds();
  ASSERT_TRUE(imported.ok()) << imported.output;
  EXPECT_NE(imported.output.find("0 added, 1 changed"), std::string::npos) << imported.output;
  EXPECT_NE(imported.output.find("re-matched 1 images: 0 new findings, 1 resolved"), std::string::npos)
      << imported.output;
  EXPECT_EQ(open_findings(first.manifest.digest), 0);
  EXPECT_EQ(count("SELECT count(*) FROM finding_events WHERE kind = 'resolved'"), 1);
  EXPECT_EQ(blob_requests(), blobs_before) << "re-matching never asks the registry";

  // The daemon picks the import up and matches the next image at scan time.
  const auto reloads = [&] {
    const auto log = daemon->log();
    std::size_t n = 0;
    for (auto at = log.find("advisory index reloaded"); at != std::string::npos;
         at = log.find("advisory index reloaded", at + 1)) {
      ++n;
    }
    return n;
  };
  const auto reloads_before = reloads();
  write_feed("3.0.13-1~deb12u1");
  ASSERT_TRUE(import_feeds().ok());
  ASSERT_TRUE(within_a_minute([&] { return reloads() > reloads_before; })) << daemon->log();
  const auto second = push("team/app", "v2");
  ASSERT_TRUE(within_a_minute([&] { return open_findings(second.manifest.digest) == 1; })) << daemon->log();
  EXPECT_EQ(open_findings(first.manifest.digest), 1) << "the re-import reopened the first image's finding";

  // The same answer from the one-shot CLI.
  const auto cli = run_command({REGSCAND_BINARY, "scan", last_layout_, "--feeds", feed_file().string()});
  ASSERT_TRUE(cli.ok()) << cli.output;
  const auto json = nlohmann::json::parse(cli.output.substr(cli.output.find('{')));
  const auto& findings = json["images"][0]["findings"];
  ASSERT_EQ(findings.size(), 1u) << cli.output;
  EXPECT_EQ(findings[0]["vulnerability"], "CVE-2024-1111");
  EXPECT_EQ(findings[0]["package"]["name"], "libssl3");
  EXPECT_EQ(findings[0]["fixed_version"], "3.0.13-1~deb12u1");
  EXPECT_EQ(findings[0]["severity"], "High");
}

}  // namespace
}  // namespace regscand::testing
