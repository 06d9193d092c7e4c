// FeedService::import with URL sources, served by python3 (tests/support/feed_server.py), into a real
// PostgreSQL: a URL gives exactly the advisories of the same file's path; the next import asks with the
// stored ETag and is skipped on the 304; --force downloads again; a 404, a truncated body or the size cap is
// recorded for that source naming the URL and the other sources go on; no scratch file is left; credentials
// are neither stored nor reported.
#include "server/feeds/feed_service.hpp"

#include <gtest/gtest.h>

#include "tests/support/feed_server.hpp"
#include "tests/support/pg_test.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::testing {
namespace {

namespace fs = std::filesystem;
const fs::path kFeeds = fs::path(REGSCAND_TEST_DATA) / "feeds";
const std::string kGo = "osv/Go/all.zip";
const std::string kTracker = "debian/security-tracker-json/vunnel-fixture-debian.json";

class FeedServiceUrlTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    advisories_ = std::make_unique<storage::AdvisoryStore>(*db_);
    inventories_ = std::make_unique<storage::InventoryStore>(*db_);
    findings_ = std::make_unique<storage::FindingStore>(*db_);
    scanner::feeds::FetchOptions options;
    options.scratch_dir = scratch_.path();
    service_ = std::make_unique<server::feeds::FeedService>(*advisories_, *inventories_, *findings_, options);
  }

  server::feeds::FeedService make_service(scanner::feeds::FetchOptions options) {
    return server::feeds::FeedService(*advisories_, *inventories_, *findings_, std::move(options));
  }
  bool scratch_empty() const { return fs::is_empty(scratch_.path()); }
  std::string text(const std::string& sql) const {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    return tx.exec1(sql)[0].as<std::string>();
  }

  FeedServer server_{kFeeds};
  TempDir scratch_;
  std::unique_ptr<storage::AdvisoryStore> advisories_;
  std::unique_ptr<storage::InventoryStore> inventories_;
  std::unique_ptr<storage::FindingStore> findings_;
  std::unique_ptr<server::feeds::FeedService> service_;
};

TEST_F(FeedServiceUrlTest, UrlImportsWhatThePathImportsThenSkipsOn304) {
  const auto url = server_.url("/files/" + kGo);
  const auto path = (kFeeds / kGo).string();
  const auto first = service_->import({url, path}, false);
  ASSERT_EQ(first.sources.size(), 2u);
  for (const auto& s : first.sources) {
    EXPECT_EQ(s.error, "") << s.source;
    EXPECT_EQ(s.kind, "osv-zip");
    EXPECT_EQ(s.diff.added, 600u) << s.source;
  }
  EXPECT_EQ(first.sources[0].source, url);
  EXPECT_TRUE(scratch_empty());
  // Same ids with the same documents under both sources.
  EXPECT_EQ(count("SELECT count(*) FROM advisories u JOIN advisories p ON p.advisory_id = u.advisory_id"
                  " AND p.fingerprint = u.fingerprint AND p.source = '" +
                  path + "' WHERE u.source = '" + url + "'"),
            600);
  EXPECT_EQ(text("SELECT fingerprint FROM feed_sources WHERE source = '" + url + "'"),
            text("SELECT fingerprint FROM feed_sources WHERE source = '" + path + "'"));
  EXPECT_EQ(count("SELECT count(*) FROM feed_sources WHERE source = '" + url +
                  "' AND etag IS NOT NULL"
                  " AND last_modified IS NOT NULL"),
            1);

  const auto second = service_->import({url}, false);
  ASSERT_EQ(second.sources.size(), 1u);
  EXPECT_TRUE(second.sources[0].skipped);
  EXPECT_EQ(second.sources[0].error, "");
  EXPECT_NE(server_.log().find("/files/" + kGo + " 304 -"), std::string::npos) << server_.log();
  EXPECT_EQ(count("SELECT count(*) FROM feed_sources WHERE source = '" + url +
                  "' AND last_checked_at > last_success_at AND last_error IS NULL"),
            1)
      << "a 304 marks the source checked, not imported";

  const auto forced = service_->import({url}, true);
  ASSERT_EQ(forced.sources.size(), 1u);
  EXPECT_FALSE(forced.sources[0].skipped);
  EXPECT_EQ(forced.sources[0].error, "");
  EXPECT_EQ(forced.sources[0].diff.unchanged, 600u);
  EXPECT_TRUE(scratch_empty());
}

TEST_F(FeedServiceUrlTest, FailuresAreRecordedPerSourceAndTheRestGoesOn) {
  const auto missing = server_.url("/files/osv/Go/missing.zip");
  const auto truncated = server_.url("/truncate/" + kGo);
  const auto tracker = server_.url("/redirect/2/" + kTracker);
  const auto report = service_->import({missing, truncated, tracker}, false);
  ASSERT_EQ(report.sources.size(), 3u);
  EXPECT_EQ(report.sources[0].error, "GET " + missing + ": HTTP 404");
  EXPECT_NE(report.sources[1].error.find("GET " + truncated + ": "), std::string::npos)
      << report.sources[1].error;
  EXPECT_EQ(report.sources[2].error, "");
  EXPECT_EQ(report.sources[2].kind, "debian-tracker");
  EXPECT_GT(report.sources[2].diff.added, 0u);
  EXPECT_EQ(text("SELECT last_error FROM feed_sources WHERE source = '" + missing + "'"),
            "GET " + missing + ": HTTP 404");
  EXPECT_TRUE(scratch_empty());

  scanner::feeds::FetchOptions small;
  small.scratch_dir = scratch_.path();
  small.max_bytes = 4096;
  auto capped = make_service(small).import({server_.url("/files/" + kGo)}, false);
  ASSERT_EQ(capped.sources.size(), 1u);
  EXPECT_NE(capped.sources[0].error.find("limit of 4096 bytes"), std::string::npos)
      << capped.sources[0].error;
  EXPECT_TRUE(scratch_empty());
}

TEST_F(FeedServiceUrlTest, CredentialsAreSentButNeitherStoredNorReported) {
  const auto authority = "127.0.0.1:" + std::to_string(server_.port());
  const auto good = "http://reader:s3cret%3A%2F%40@" + authority + "/auth/" + kTracker;
  const auto bad = "http://reader:wrong-token@" + authority + "/auth/" + kGo;
  const auto report = service_->import({good, bad}, false);
  ASSERT_EQ(report.sources.size(), 2u);
  EXPECT_EQ(report.sources[0].source, "http://<redacted>@" + authority + "/auth/" + kTracker);
  EXPECT_EQ(report.sources[0].error, "");
  EXPECT_GT(report.sources[0].diff.added, 0u);
  EXPECT_EQ(report.sources[1].error, "GET http://<redacted>@" + authority + "/auth/" + kGo + ": HTTP 401");
  EXPECT_EQ(
      count("SELECT count(*) FROM feed_sources WHERE source LIKE '%s3cret%' OR source LIKE '%wrong-token%'"
            " OR last_error LIKE '%wrong-token%' OR source LIKE '%reader%'"),
      0);
  EXPECT_EQ(count("SELECT count(*) FROM feed_sources"), 2);
}

}  // namespace
}  // namespace regscand::testing
