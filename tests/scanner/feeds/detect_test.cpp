// Feed kinds decided by content on tests/data: OSV zips, directories and records, the Debian
// tracker subsets, Alpine secdb documents, and what is none of them (YAML, the DSA list, goldens).
#include "scanner/feeds/detect.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/test_data.hpp"

namespace regscand::scanner::feeds {
namespace {

namespace fs = std::filesystem;
const fs::path kFeeds = fs::path(REGSCAND_TEST_DATA) / "feeds";

// Every regular file under `dir` whose name ends with `suffix`.
std::vector<fs::path> files(const fs::path& dir, std::string_view suffix) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().string().ends_with(suffix)) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "detect_test.XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? fs::path(tmpl) : fs::path();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path_ / name, std::ios::binary) << bytes;
    return path_ / name;
  }

 private:
  fs::path path_;
};

TEST(DetectFeed, OsvZipsAndDirectories) {
  EXPECT_EQ(detect_feed(kFeeds / "osv/Go/all.zip"), FeedKind::OsvZip);
  EXPECT_EQ(detect_feed(kFeeds / "osv/PyPI/all.zip"), FeedKind::OsvZip);
  EXPECT_EQ(detect_feed(kFeeds / "osv/Go/subset"), FeedKind::OsvDirectory);
  EXPECT_EQ(detect_feed(kFeeds / "osv/Debian/osv.dev-samples"), FeedKind::OsvDirectory);
  EXPECT_EQ(feed_kind_name(detect_feed(kFeeds / "osv/Go/subset")), "osv-dir");
}

TEST(DetectFeed, OsvRecords) {
  std::size_t n = 0;
  for (const auto& dir : {kFeeds / "osv-schema/osv-linter-testdata", kFeeds / "osv-schema/ghsa-converted",
                          kFeeds / "osv-schema/redhat-osv", kFeeds / "osv"}) {
    for (const auto& f : files(dir, ".json")) {
      EXPECT_EQ(detect_feed(f), FeedKind::OsvRecord) << f;
      ++n;
    }
  }
  EXPECT_GE(n, 44u);  // 44 records outside the Go subset, plus its 403
  for (const auto& f : files(kFeeds / "osv/PyPI/subset-yaml", ".yaml")) {
    EXPECT_EQ(detect_feed(f), FeedKind::Unknown) << f;  // YAML
  }
  EXPECT_EQ(detect_feed(kFeeds / "osv-schema/schema.json"), FeedKind::Unknown);
  EXPECT_EQ(detect_feed_content(R"({"modified": "2024-01-01T00:00:00Z", "aliases": [], "id": "X-1"})"),
            FeedKind::OsvRecord);
  EXPECT_EQ(detect_feed_content(R"({"id": 1, "modified": "2024-01-01T00:00:00Z"})"), FeedKind::Unknown);
}

TEST(DetectFeed, DebianTracker) {
  const fs::path dir = kFeeds / "debian/security-tracker-json";
  EXPECT_EQ(detect_feed(dir / "vuls-data-update-fixture-advisory.json"), FeedKind::DebianTracker);
  EXPECT_EQ(detect_feed(dir / "vunnel-fixture-debian.json"), FeedKind::DebianTracker);
  EXPECT_EQ(detect_feed(dir / "vunnel-fixture-DSA"), FeedKind::Unknown);

  // A prefix cut just after the first "releases" key is enough; one cut before it is not.
  const std::string text = testing::read_file(dir / "vuls-data-update-fixture-advisory.json");
  const auto releases = text.find("\"releases\":");
  ASSERT_NE(releases, std::string::npos);
  EXPECT_EQ(detect_feed_content(text.substr(0, releases + 11)), FeedKind::DebianTracker);
  EXPECT_EQ(detect_feed_content(text.substr(0, releases)), FeedKind::Unknown);
  // TEMP- ids and an empty first package.
  EXPECT_EQ(detect_feed_content(R"({"a": {}, "b": {"TEMP-0000000-1": {"releases": {}}}})"),
            FeedKind::DebianTracker);
  EXPECT_EQ(detect_feed_content(R"({"a": {"DSA-1": {"releases": {}}}})"), FeedKind::Unknown);
  EXPECT_EQ(detect_feed_content(R"({"a": [{"CVE-1": {"releases": {}}}]})"), FeedKind::Unknown);
}

TEST(DetectFeed, AlpineSecdb) {
  std::size_t n = 0;
  for (const auto& sub :
       {"alpinelinux-alpine-secdb-json", "claircore-fixture", "vuls-data-update-fixtures"}) {
    for (const auto& f : files(kFeeds / "alpine-secdb" / sub, ".json")) {
      EXPECT_EQ(detect_feed(f), FeedKind::AlpineSecdb) << f;
      ++n;
    }
  }
  EXPECT_EQ(n, 18u + 1u + 5u);
  // vuln-list's documents ("packages": {} in some), not its per-package goldens (no "packages").
  for (const auto& f : files(kFeeds / "alpine-secdb/vuln-list-update-fixtures", ".json")) {
    const bool golden = f.parent_path().filename() == "golden";
    EXPECT_EQ(detect_feed(f), golden ? FeedKind::Unknown : FeedKind::AlpineSecdb) << f;
  }
  for (const auto& f : files(kFeeds / "alpine-secdb/alpinelinux-alpine-secdb-yaml", ".yaml")) {
    EXPECT_EQ(detect_feed(f), FeedKind::Unknown) << f;
  }
}

TEST(DetectFeed, ByContentNotName) {
  TempDir tmp;
  const std::string tracker =
      testing::read_file(kFeeds / "debian/security-tracker-json/vunnel-fixture-debian.json");
  EXPECT_EQ(detect_feed(tmp.write("all.zip", tracker)), FeedKind::DebianTracker);
  const std::string secdb =
      testing::read_file(kFeeds / "alpine-secdb/alpinelinux-alpine-secdb-json/v3.10/main.json");
  EXPECT_EQ(detect_feed(tmp.write("CVE-2024-1.json", secdb)), FeedKind::AlpineSecdb);
  const std::string zip = testing::read_file(kFeeds / "osv/Go/all.zip").substr(0, 4096);
  EXPECT_EQ(detect_feed(tmp.write("main.json", zip)), FeedKind::OsvZip);
  EXPECT_EQ(detect_feed(tmp.write("empty.json", "")), FeedKind::Unknown);
  EXPECT_EQ(detect_feed(tmp.write("garbage", "\x01\x02 not json")), FeedKind::Unknown);
  EXPECT_EQ(detect_feed(fs::path("/nonexistent/feed.json")), FeedKind::Unknown);
}

TEST(DetectFeed, ReadsOnlyAPrefix) {
  // A tracker document far larger than the prefix, its decisive members at the start.
  std::string big =
      R"({"a": {"CVE-2024-1": {"releases": {"sid": {"status": "open"}}}}, "b": {"CVE-2024-2": {"description": ")";
  big += std::string(3 * kDetectPrefixBytes, 'x');
  big += R"(", "releases": {}}}})";
  TempDir tmp;
  EXPECT_EQ(detect_feed(tmp.write("big.json", big)), FeedKind::DebianTracker);
  // Decisive members past the prefix are not seen.
  std::string late =
      R"({"affected": ")" + std::string(kDetectPrefixBytes, 'x') + R"(", "id": "X", "modified": "Y"})";
  EXPECT_EQ(detect_feed_content(late), FeedKind::Unknown);
}

TEST(DetectFeed, HostileContent) {
  for (const std::string_view text :
       {"", "{}", "[]", "null", "\"id\"", "{\"id\": \"x\"", "{\"id\": \"x\", \"modified\"", "\xEF\xBB\xBF",
        "PK", "{\"\xff\": 1}"}) {
    EXPECT_EQ(detect_feed_content(text), FeedKind::Unknown) << text;
  }
  EXPECT_EQ(detect_feed_content(std::string(100000, '[')), FeedKind::Unknown);
  EXPECT_EQ(detect_feed_content("{\"a\": " + std::string(100000, '{')), FeedKind::Unknown);
  EXPECT_EQ(detect_feed_content("\xEF\xBB\xBF{\"id\": \"x\", \"modified\": \"y\"}"), FeedKind::OsvRecord);
}

}  // namespace
}  // namespace regscand::scanner::feeds
