// The scheduler end to end: images pushed into docker-registry and scanned by the daemon, then aged in the
// database as if days had passed; the daemon's scheduler (tick 1 s) queues a rescan of the image pulled 29
// days ago and scanned 8 days ago, its workers run it from the stored inventory, and the registry's access
// log shows no request at all meanwhile. The images pulled 31 days ago, never pulled, or scanned 6 days ago
// are left alone.
#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <thread>

#include "tests/server/daemon_e2e.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;

class RescanE2E : public DaemonE2E {
 protected:
  OciImage push(const std::string& repo) {
    OciLayoutBuilder layout(dir_.path() / ("layout-" + unique_suffix(8)));
    auto image = layout.add_image(
        {files_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                      {"lib/apk/db/installed", "P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\n\n"},
                      {"etc/nonce", unique_suffix()}})},
        "v1");
    registry_->push(layout.reference("v1"), repo + ":v1");
    return image;
  }

  std::int64_t scans_of(const std::string& digest, const std::string& kind) {
    return count("SELECT count(*) FROM scans WHERE digest = '" + digest + "' AND kind = '" + kind +
                 "' AND state = 'succeeded'");
  }

  // Requests the registry has answered so far (its access log).
  std::ptrdiff_t registry_requests() {
    static const std::regex request("\"(GET|HEAD|POST|PUT|PATCH|DELETE) /v2/");
    const auto log = registry_->log();
    return std::distance(std::sregex_iterator(log.begin(), log.end(), request), std::sregex_iterator());
  }

  // As if the image had been pulled `pulled_days` ago (or never) and scanned `scanned_days` ago.
  void age(const std::string& digest, std::optional<int> pulled_days, int scanned_days) {
    const std::string pulled =
        pulled_days ? "now() - interval '" + std::to_string(*pulled_days) + " days'" : std::string("NULL");
    query("UPDATE manifests SET last_pulled_at = " + pulled +
          ", last_pushed_at = now() - interval '60 days' " + "WHERE digest = '" + digest + "'");
    query("UPDATE scans SET started_at = now() - interval '" + std::to_string(scanned_days) +
          " days', finished_at = now() - interval '" + std::to_string(scanned_days) +
          " days' WHERE digest = '" + digest + "'");
  }
};

TEST_F(RescanE2E, ADueImageIsRescannedFromItsInventoryWithoutAskingTheRegistry) {
  // The scheduler stays off until the images are aged, so that no tick sees them half set up.
  write_config();
  std::ofstream(dir_.path() / "regscand.yaml", std::ios::app) << "scheduler: {enabled: false}\n";
  auto daemon = start_daemon();
  const auto due = push("team/due");
  const auto stale_pull = push("team/stale-pull");
  const auto never_pulled = push("team/never-pulled");
  const auto recent_scan = push("team/recent-scan");
  for (const auto* image : {&due, &stale_pull, &never_pulled, &recent_scan}) {
    ASSERT_TRUE(within_a_minute([&] { return scans_of(image->manifest.digest, "scan") == 1; }))
        << daemon->log();
  }
  daemon.reset();
  age(due.manifest.digest, 29, 8);
  age(stale_pull.manifest.digest, 31, 8);
  age(never_pulled.manifest.digest, std::nullopt, 8);
  age(recent_scan.manifest.digest, 1, 6);

  write_config();
  std::ofstream(dir_.path() / "regscand.yaml", std::ios::app) << "scheduler: {enabled: true, tick: 1s}\n";
  const auto requests_before = registry_requests();
  ASSERT_GT(requests_before, 0) << "the access log is read: the pushes and scans are in it";
  daemon = start_daemon();
  ASSERT_TRUE(within_a_minute([&] { return scans_of(due.manifest.digest, "rescan") == 1; })) << daemon->log();
  // Three more ticks: nothing else becomes due, and the rescanned image is not queued again.
  std::this_thread::sleep_for(3500ms);
  EXPECT_EQ(scans_of(due.manifest.digest, "rescan"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM scans WHERE kind = 'rescan'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'rescan'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'rescan' AND state = 'succeeded' AND digest = '" +
                  due.manifest.digest + "'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM scans WHERE kind = 'rescan' AND layers_fetched > 0"), 0);
  EXPECT_EQ(registry_requests(), requests_before) << registry_->log();
}

}  // namespace
}  // namespace regscand::testing
