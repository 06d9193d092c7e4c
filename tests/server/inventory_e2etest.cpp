// Image analysis through the daemon, end to end, against a docker-registry with token auth (htpasswd
// credentials at the token server): images built here are pushed with skopeo, the registry's webhooks queue
// the scans, and the stored inventories are checked exactly — a four-layer image with a zstd layer, a
// replaced dpkg status, a deleted apk database and an opaque status.d; a two-platform index beside an
// unknown-platform (attestation) entry; and a copy of a scanned image into another repository, inventoried
// without one blob request (layers and config known); and a dpkg status over the stanza limit, shown as a
// problem by the image, its scan and the summary.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "tests/server/daemon_e2e.hpp"

namespace regscand::testing {
namespace {

std::string dpkg_stanza(const std::string& name, const std::string& version) {
  return "Package: " + name + "\nStatus: install ok installed\nVersion: " + version +
         "\nArchitecture: amd64\n\n";
}

std::string apk_entry(const std::string& name, const std::string& version) {
  return "P:" + name + "\nV:" + version + "\nA:x86_64\no:" + name + "\n\n";
}

TarEntry file(std::string path, std::string content) {
  return TarEntry{TarEntry::Type::File, std::move(path), std::move(content), "", 0644};
}

class InventoryE2E : public DaemonE2E {
 protected:
  TestRegistry::Options registry_options() const override {
    TestRegistry::Options options;
    options.token_auth = true;
    options.basic_auth = TestRegistry::Credentials{"scanner", "e2e-registry-password"};
    return options;
  }

  bool scanned(const std::string& repository, const std::string& digest) {
    return within_a_minute([&] {
      return count("SELECT count(*) FROM jobs WHERE repository = '" + repository + "' AND digest = '" +
                   digest + "' AND state IN ('succeeded', 'dead')") == 1;
    });
  }

  // "ecosystem name version L<layer index> path" per stored package.
  std::set<std::string> stored_packages(const std::string& repository, const OciImage& image) {
    std::set<std::string> out;
    for (const auto& p : query("SELECT ecosystem, name, version, layer_position, path FROM inventory_packages"
                               " WHERE repository = '" +
                               repository + "' AND digest = '" + image.manifest.digest + "'")) {
      out.insert(p[0].as<std::string>() + " " + p[1].as<std::string>() + " " + p[2].as<std::string>() + " L" +
                 p[3].as<std::string>() + " " + p[4].as<std::string>());
    }
    return out;
  }

  // Blob GETs the registry served for `repository` (its access log), by digest.
  std::multiset<std::string> blob_gets(const std::string& repository) const {
    static const std::regex get(R"re("GET /v2/([^ "]+)/blobs/(sha256:[0-9a-f]{64}) HTTP)re");
    std::multiset<std::string> out;
    const auto log = registry_->log();
    for (auto it = std::sregex_iterator(log.begin(), log.end(), get); it != std::sregex_iterator(); ++it) {
      if ((*it)[1] == repository) out.insert((*it)[2]);
    }
    return out;
  }
};

TEST_F(InventoryE2E, LayeredImageWithZstdWhiteoutsAndAnOpaqueDirectory) {
  auto daemon = start_daemon();
  OciLayoutBuilder layout(dir_.path() / "layered");
  LayerSpec base{{file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"),
                  file("var/lib/dpkg/status",
                       dpkg_stanza("base-files", "12.4+deb12u5") + dpkg_stanza("libc6", "2.36-9+deb12u3")),
                  file("lib/apk/db/installed", apk_entry("musl", "1.2.4-r2")),
                  file("var/lib/dpkg/status.d/old-tool", dpkg_stanza("old-tool", "1.0")),
                  file("etc/nonce", unique_suffix())},
                 Compression::Gzip};
  LayerSpec upgrade{{file("var/lib/dpkg/status", dpkg_stanza("base-files", "12.4+deb12u5") +
                                                     dpkg_stanza("libc6", "2.36-9+deb12u4") +
                                                     dpkg_stanza("tzdata", "2024a-0+deb12u1"))},
                    Compression::Zstd};
  LayerSpec cleanup{{file("lib/apk/db/.wh.installed", ""), file("var/lib/dpkg/status.d/.wh..wh..opq", ""),
                     file("var/lib/dpkg/status.d/new-tool", dpkg_stanza("new-tool", "2.0"))},
                    Compression::None};
  LayerSpec unrelated{{file("usr/share/doc/readme", "nothing to see")}, Compression::Gzip};
  const auto image = layout.add_image({base, upgrade, cleanup, unrelated}, "v1");
  registry_->push(layout.reference("v1"), "team/layered:v1", {"--preserve-digests"});

  ASSERT_TRUE(scanned("team/layered", image.manifest.digest)) << image.manifest.digest << jobs_api().dump();
  EXPECT_EQ(stored_packages("team/layered", image), (std::set<std::string>{
                                                        "dpkg base-files 12.4+deb12u5 L0 var/lib/dpkg/status",
                                                        "dpkg libc6 2.36-9+deb12u4 L1 var/lib/dpkg/status",
                                                        "dpkg tzdata 2024a-0+deb12u1 L1 var/lib/dpkg/status",
                                                        "dpkg new-tool 2.0 L2 var/lib/dpkg/status.d/new-tool",
                                                    }))
      << daemon->log();
  const auto row = query(
      "SELECT d.did, d.version_id, d.version_codename, i.platform FROM image_inventories i"
      " JOIN distributions d ON d.id = i.distribution_id WHERE i.digest = '" +
      image.manifest.digest + "'");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0].as<std::string>(), "debian");
  EXPECT_EQ(row[0][1].as<std::string>(), "12");
  EXPECT_EQ(row[0][2].as<std::string>(), "bookworm");
  EXPECT_EQ(row[0][3].as<std::string>(), "linux/amd64");
  EXPECT_EQ(
      count("SELECT count(*) FROM scans WHERE digest = '" + image.manifest.digest +
            "' AND state = 'succeeded' AND layers_total = 4 AND layers_fetched = 4 AND layers_reused = 0"),
      1);
  for (const auto& layer : image.layers) {
    EXPECT_EQ(blob_gets("team/layered").count(layer.digest), 1u) << layer.digest << " fetched once";
  }

  // The same image in another repository: every layer is known, so none is downloaded again.
  registry_->push(layout.reference("v1"), "mirror/layered:v1", {"--preserve-digests"});
  ASSERT_TRUE(scanned("mirror/layered", image.manifest.digest)) << daemon->log();
  EXPECT_EQ(stored_packages("mirror/layered", image), stored_packages("team/layered", image));
  EXPECT_EQ(count("SELECT count(*) FROM scans WHERE repository = 'mirror/layered' AND state = 'succeeded' "
                  "AND layers_total = 4 AND layers_fetched = 0 AND layers_reused = 4"),
            1);
  for (const auto& layer : image.layers) {
    EXPECT_EQ(blob_gets("mirror/layered").count(layer.digest), 0u) << layer.digest << " fetched again";
  }
  EXPECT_TRUE(blob_gets("mirror/layered").empty()) << "the config is known too: not one blob request";
}

TEST_F(InventoryE2E, TwoPlatformIndexIsStoredPerPlatformAndSkipsTheAttestation) {
  auto daemon = start_daemon();
  OciLayoutBuilder layout(dir_.path() / "multi");
  const auto release = file("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n");
  ImageOptions arm;
  arm.architecture = "arm64";
  const auto amd64 =
      layout.add_image({LayerSpec{{release, file("lib/apk/db/installed", apk_entry("musl", "1.2.4-r2")),
                                   file("etc/nonce", unique_suffix())}}},
                       "");
  const auto arm64 = layout.add_image(
      {LayerSpec{
          {release,
           file("lib/apk/db/installed", apk_entry("musl", "1.2.4-r2") + apk_entry("busybox", "1.36.1-r15")),
           file("etc/nonce", unique_suffix())}}},
      "", arm);
  ImageOptions unknown;
  unknown.architecture = "unknown";
  unknown.os = "unknown";
  const auto attestation =
      layout.add_image({LayerSpec{{file("attestation.json", "{}")}, Compression::None}}, "", unknown);
  const auto index = layout.add_index({{amd64, Platform{"amd64", "linux", ""}},
                                       {arm64, Platform{"arm64", "linux", ""}},
                                       {attestation, Platform{"unknown", "unknown", ""}}},
                                      "multi");
  registry_->push(layout.reference("multi"), "team/multi:v1", {"--all", "--preserve-digests"});

  ASSERT_TRUE(scanned("team/multi", index.digest)) << daemon->log();
  const auto rows =
      query("SELECT platform, digest, package_count FROM image_inventories WHERE index_digest = '" +
            index.digest + "' ORDER BY platform");
  ASSERT_EQ(rows.size(), 2u) << daemon->log();
  EXPECT_EQ(rows[0][0].as<std::string>(), "linux/amd64");
  EXPECT_EQ(rows[0][1].as<std::string>(), amd64.manifest.digest);
  EXPECT_EQ(rows[0][2].as<int>(), 1);
  EXPECT_EQ(rows[1][0].as<std::string>(), "linux/arm64");
  EXPECT_EQ(rows[1][1].as<std::string>(), arm64.manifest.digest);
  EXPECT_EQ(rows[1][2].as<int>(), 2);
  EXPECT_EQ(stored_packages("team/multi", arm64),
            (std::set<std::string>{"apk busybox 1.36.1-r15 L0 lib/apk/db/installed",
                                   "apk musl 1.2.4-r2 L0 lib/apk/db/installed"}));
  // The registry notifies each child manifest as its own push too; the index's own scan is what links them.
  const auto job = query("SELECT result::text FROM jobs WHERE repository = 'team/multi' AND digest = '" +
                         index.digest + "'");
  ASSERT_EQ(job.size(), 1u);
  const auto result = nlohmann::json::parse(job[0][0].as<std::string>());
  EXPECT_EQ(result["images"].size(), 2u) << result.dump();
  ASSERT_EQ(result["skipped"].size(), 1u) << result.dump();
  EXPECT_NE(result["skipped"][0].dump().find(attestation.manifest.digest), std::string::npos)
      << result.dump();
}

// The issue's hidden database: a status over max_stanzas (200000) scans to 0 packages; the image, its scan
// attempt and the summary say so, and the log warns.
TEST_F(InventoryE2E, ADatabaseOverALimitIsAProblemTheApiShows) {
  auto daemon = start_daemon();
  OciLayoutBuilder layout(dir_.path() / "hidden");
  std::string status;
  for (int i = 0; i <= 200'000; ++i) status += "Package: p\nVersion: 1\n\n";
  const auto image =
      layout.add_image({LayerSpec{{file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
                                   file("var/lib/dpkg/status", status), file("etc/nonce", unique_suffix())}}},
                       "v1");
  registry_->push(layout.reference("v1"), "team/hidden:v1", {"--preserve-digests"});
  ASSERT_TRUE(scanned("team/hidden", image.manifest.digest)) << daemon->log();

  const std::pair<std::string, std::string> auth{"Authorization", std::string("Bearer ") + kReaderToken};
  const auto got = http_get(port_, "/v1/images/" + image.manifest.digest, {auth});
  ASSERT_EQ(got.status, 200) << got.body;
  const auto body = nlohmann::json::parse(got.body);
  EXPECT_EQ(body["inventory"]["package_count"], 0) << got.body;
  ASSERT_EQ(body["problems"].size(), 1u) << got.body;
  const auto& problem = body["problems"][0];
  EXPECT_EQ(problem["ecosystem"], "dpkg");
  EXPECT_EQ(problem["path"], "var/lib/dpkg/status");
  EXPECT_EQ(problem["limit"], "max_stanzas");
  EXPECT_EQ(problem["limit_value"], 200'000);
  EXPECT_EQ(problem["layer"]["position"], 0);
  EXPECT_EQ(problem["layer"]["digest"], image.layers[0].digest);
  EXPECT_EQ(problem["message"],
            "dpkg: var/lib/dpkg/status: more than max_stanzas 200000 stanzas: the rest is not read");
  ASSERT_EQ(body["scans"].size(), 1u) << got.body;
  EXPECT_EQ(body["scans"][0]["state"], "succeeded");
  ASSERT_EQ(body["scans"][0]["problems"].size(), 1u) << got.body;

  const auto job = query("SELECT id FROM jobs WHERE repository = 'team/hidden' AND digest = '" +
                         image.manifest.digest + "'");
  ASSERT_EQ(job.size(), 1u);
  const auto scan = http_get(port_, "/v1/scans/" + job[0][0].as<std::string>(), {auth});
  ASSERT_EQ(scan.status, 200) << scan.body;
  const auto attempt = nlohmann::json::parse(scan.body)["scans"].at(0);
  ASSERT_EQ(attempt["problems"].size(), 1u) << scan.body;
  EXPECT_EQ(attempt["problems"][0]["image"], image.manifest.digest);
  EXPECT_EQ(attempt["problems"][0]["limit"], "max_stanzas");

  const auto summary = http_get(port_, "/v1/summary", {auth});
  ASSERT_EQ(summary.status, 200) << summary.body;
  EXPECT_EQ(nlohmann::json::parse(summary.body)["images"]["with_problems"], 1) << summary.body;
  EXPECT_NE(daemon->log().find("package database not fully read: dpkg: var/lib/dpkg/status: more than"),
            std::string::npos)
      << daemon->log();
}

}  // namespace
}  // namespace regscand::testing
