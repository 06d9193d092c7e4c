// load_feed: the kind is read from the content, not the name; fingerprints follow the bytes (a directory's
// from its files); unreadable and unknown sources are errors naming the path.
#include "scanner/feeds/load.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.hpp"

namespace regscand::scanner::feeds {
namespace {

namespace fs = std::filesystem;
const fs::path kFeeds = fs::path(REGSCAND_TEST_DATA) / "feeds";

TEST(LoadFeed, KindsByContent) {
  testing::TempDir dir;
  fs::copy_file(kFeeds / "alpine-secdb/alpinelinux-alpine-secdb-json/v3.10/main.json",
                dir.path() / "feed.bin");
  auto alpine = load_feed(dir.path() / "feed.bin");
  ASSERT_TRUE(alpine) << alpine.error().message;
  EXPECT_EQ(alpine->kind, "alpine-secdb");
  EXPECT_GT(alpine->result.advisories.size(), 100u);
  EXPECT_EQ(alpine->result.advisories[0].affected[0].ecosystem, "Alpine:v3.10");

  std::ofstream(dir.path() / "tracker.json")
      << R"({"openssl": {"CVE-2024-1": {"releases": {"bookworm": {"status": "resolved",
         "fixed_version": "3.0.13-1~deb12u1", "urgency": "high"}}}}})";
  auto tracker = load_feed(dir.path() / "tracker.json");
  ASSERT_TRUE(tracker) << tracker.error().message;
  EXPECT_EQ(tracker->kind, "debian-tracker");
  ASSERT_EQ(tracker->result.advisories.size(), 1u);
  EXPECT_EQ(tracker->result.advisories[0].affected[0].ecosystem, "Debian:12");

  auto osv = load_feed(kFeeds / "osv/Go/all.zip");
  ASSERT_TRUE(osv) << osv.error().message;
  EXPECT_EQ(osv->kind, "osv-zip");
  EXPECT_EQ(osv->result.advisories.size(), 600u);
  auto record = load_feed(kFeeds / "osv/Debian/osv.dev-samples/DSA-135.json");
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->kind, "osv-record");
  ASSERT_EQ(record->result.advisories.size(), 1u);
  EXPECT_EQ(record->result.advisories[0].id, "DSA-135");

  std::ofstream(dir.path() / "other.json") << R"({"hello": "world"})";
  EXPECT_FALSE(load_feed(dir.path() / "other.json"));
  std::ofstream(dir.path() / "garbage") << "\x01\x02 not json";
  EXPECT_FALSE(load_feed(dir.path() / "garbage"));
  const auto missing = load_feed(dir.path() / "missing.json");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("missing.json"), std::string::npos);
}

TEST(LoadFeed, FingerprintsFollowTheBytes) {
  testing::TempDir dir;
  fs::create_directories(dir.path() / "d/sub");
  std::ofstream(dir.path() / "d/a.json") << "{}";
  std::ofstream(dir.path() / "d/sub/b.json") << "[]";
  const auto first = fingerprint_source(dir.path() / "d");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*fingerprint_source(dir.path() / "d"), *first);
  std::ofstream(dir.path() / "d/sub/b.json") << "[1]";
  EXPECT_NE(*fingerprint_source(dir.path() / "d"), *first);
  std::ofstream(dir.path() / "f") << "abc";
  EXPECT_EQ(*fingerprint_source(dir.path() / "f"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace regscand::scanner::feeds
