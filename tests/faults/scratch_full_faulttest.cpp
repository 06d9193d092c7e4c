// data_dir/scratch on a 2 MiB tmpfs (mounted by the test; skipped when it cannot mount), behind the real
// `regscand serve` on a real PostgreSQL and a real docker-registry. The scratch directory holds only feed
// downloads: image layers are streamed, never written to disk. Faults: a feed source streaming an endless
// body fills the space, and the import fails naming the scratch file and "No space left on device", its
// file removed; with the space filled by another file, a feed import fails the same way while a pushed
// image is still scanned, and the API answers throughout. Once the space is freed the source imports again.
#include <signal.h>
#include <sys/mount.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "tests/faults/faults.hpp"
#include "tests/support/test_data.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class ScratchFullFaults : public HostileFeedE2E {
 protected:
  std::string scanner_config() const override { return "{workers: 1, poll_interval: 1s, lease: 3s}"; }

  void SetUp() override {
    HostileFeedE2E::SetUp();
    if (HasFatalFailure()) return;
    scratch_ = dir_.path() / "var" / "scratch";
    fs::create_directories(scratch_);
    if (::mount("tmpfs", scratch_.c_str(), "tmpfs", 0, "size=2m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs on " << scratch_ << ": " << std::strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(scratch_.c_str(), MNT_DETACH);
  }

  // Fills the scratch space with one file until the device is full; its size.
  std::uint64_t fill_scratch() {
    std::ofstream out(scratch_ / "filler", std::ios::binary);
    const std::string chunk(64 * 1024, 'f');
    std::uint64_t written = 0;
    while (out.write(chunk.data(), static_cast<std::streamsize>(chunk.size())) && out.flush()) {
      written += chunk.size();
    }
    return written;
  }

  fs::path scratch_;
  bool mounted_ = false;
};

TEST_F(ScratchFullFaults, FeedDownloadsFailNamingTheSpaceWhileScansAndTheApiGoOn) {
  auto daemon = start_daemon();
  ApiProbe probe(port_);
  ASSERT_TRUE(within_a_minute([&] {
    return count("SELECT count(*) FROM feed_sources WHERE source = '" + feed_.url() +
                 "' AND last_success_at IS NOT NULL") == 1;
  })) << daemon->log();
  const auto imported = advisories();
  ASSERT_GT(imported, 0);

  // An endless body fills the 2 MiB: the import fails naming the scratch file, which is removed.
  feed_.set(HostileFeed::Mode::Endless);
  const auto endless = import_feeds();
  EXPECT_EQ(endless.exit_code, 1) << endless.output;
  const auto endless_error = last_error();
  EXPECT_NE(endless_error.find("writing " + scratch_.string() + "/feed-"), std::string::npos)
      << endless_error;
  EXPECT_NE(endless_error.find("No space left on device"), std::string::npos) << endless_error;
  EXPECT_TRUE(fs::is_empty(scratch_)) << "the partial download is removed";
  EXPECT_EQ(advisories(), imported);
  const auto streamed = feed_.streamed();

  // The space full with another file: a feed cannot be downloaded, an image is still scanned.
  const auto filler = fill_scratch();
  feed_.set(HostileFeed::Mode::Good);
  const auto full = import_feeds();
  EXPECT_EQ(full.exit_code, 1) << full.output;
  const auto full_error = last_error();
  EXPECT_NE(full_error.find(scratch_.string()), std::string::npos) << full_error;
  EXPECT_NE(full_error.find("No space left on device"), std::string::npos) << full_error;
  EXPECT_EQ(advisories(), imported);

  OciLayoutBuilder layout(dir_.path() / "layout");
  const auto image =
      layout.add_image({files_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                                     {"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n"},
                                     {"etc/nonce", unique_suffix(1 << 20)}})},
                       "v1");
  registry_->push(layout.reference("v1"), "team/app:v1");
  ASSERT_TRUE(within_a_minute([&] {
    return count("SELECT count(*) FROM jobs WHERE digest = '" + image.manifest.digest +
                 "' AND state = 'succeeded'") == 1;
  })) << daemon->log();
  EXPECT_EQ(count("SELECT count(*) FROM image_inventories WHERE digest = '" + image.manifest.digest +
                  "' AND package_count = 1"),
            1);

  // Space again: the source imports again.
  fs::remove(scratch_ / "filler");
  const auto freed = import_feeds();
  EXPECT_EQ(freed.exit_code, 0) << freed.output;
  EXPECT_EQ(last_error(), "");
  EXPECT_EQ(advisories(), imported);

  probe.stop();
  EXPECT_EQ(probe.failures(), 0);
  EXPECT_LT(probe.slowest_ms(), 1000);
  std::printf(
      "[figure] scratch 2 MiB: endless body stopped after %llu bytes sent, \"%s\"; filled with %llu bytes: "
      "\"%s\"; a 1 MiB-layer image scanned meanwhile; %lld of %lld advisories kept; API %d probes, "
      "slowest %lld ms, %d failed\n",
      static_cast<unsigned long long>(streamed), endless_error.c_str(),
      static_cast<unsigned long long>(filler), full_error.c_str(), static_cast<long long>(advisories()),
      static_cast<long long>(imported), probe.requests(), static_cast<long long>(probe.slowest_ms()),
      probe.failures());
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(60s), 0) << daemon->log();
}

}  // namespace
}  // namespace regscand::testing
