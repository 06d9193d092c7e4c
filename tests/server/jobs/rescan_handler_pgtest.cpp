// The "rescan" job over a real PostgreSQL: an image whose inventory is stored under the current analyzers
// is re-matched with no registry request (its registry's URL is unreachable, so any request would fail
// the job), records a scans row of kind "rescan" and never calls the full scan; an image without an
// inventory, or scanned by other analyzers, goes through the full scan (here the real scan handler, which
// does need the registry and fails against the unreachable URL).
#include "server/jobs/rescan_handler.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pqxx/nontransaction>

#include "server/jobs/scan_handler.hpp"
#include "storage/advisory_store.hpp"
#include "storage/finding_store.hpp"
#include "tests/support/pg_test.hpp"

namespace regscand::testing {
namespace {

class RescanHandlerTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    config::RegistryConfig registry;
    registry.name = "local";
    registry.url = "http://127.0.0.1:1";  // nothing listens: any registry request fails
    config_.registries.push_back(registry);
    manifests_ = std::make_unique<storage::ManifestStore>(*db_);
    scans_ = std::make_unique<storage::ScanStore>(*db_);
    inventory_ = std::make_unique<storage::InventoryStore>(*db_);
    rescans_ = std::make_unique<storage::RescanStore>(*db_);
    advisories_ = std::make_unique<storage::AdvisoryStore>(*db_);
    findings_ = std::make_unique<storage::FindingStore>(*db_);
    feeds_ = std::make_unique<server::feeds::FeedService>(*advisories_, *inventory_, *findings_);
    ASSERT_TRUE(feeds_->load());
    auto scan = server::jobs::make_scan_handler(config_, *manifests_, *scans_, *inventory_,
                                                {.not_found_attempts = 1, .feeds = feeds_.get()});
    handler_ = server::jobs::make_rescan_handler({*manifests_, *scans_, *inventory_, *rescans_}, feeds_.get(),
                                                 [this, scan](const storage::Job& job) {
                                                   ++full_scans_;
                                                   return scan(job);
                                                 });
  }

  void exec(const std::string& sql) const {
    pqxx::connection conn(url_);
    pqxx::nontransaction tx(conn);
    tx.exec(sql);
  }

  // A manifest of local/app scanned with `analyzers`, holding one stored inventory under `image` (itself, or
  // a platform image when it is an index) unless `image` is empty.
  void seed(const std::string& digest, const std::string& analyzers, const std::string& image) {
    exec(
        "INSERT INTO manifests (registry, repository, digest, scanned_with, last_pulled_at) VALUES "
        "('local', 'app', '" +
        digest + "', nullif('" + analyzers + "', ''), now())");
    if (image.empty()) return;
    scanner::pipeline::ImageInventory inventory;
    scanner::Distribution distribution;
    distribution.id = "alpine";
    distribution.version_id = "3.19.1";
    inventory.distribution = distribution;
    scanner::Package musl{"apk", "musl", "1.2.4-r2", "x86_64", "musl", "1.2.4-r2", "lib/apk/db/installed"};
    inventory.packages.push_back({musl, 0});
    ASSERT_TRUE(inventory_->put_inventory({"local", "app", image}, analyzers, "linux/amd64",
                                          image == digest ? "" : digest, inventory, {"sha256:layer"}));
  }

  storage::Job job(const std::string& digest) const {
    storage::Job j;
    j.id = 0;
    j.kind = "rescan";
    j.registry = "local";
    j.repository = "app";
    j.digest = digest;
    return j;
  }

  config::Config config_;
  std::unique_ptr<storage::ManifestStore> manifests_;
  std::unique_ptr<storage::ScanStore> scans_;
  std::unique_ptr<storage::InventoryStore> inventory_;
  std::unique_ptr<storage::RescanStore> rescans_;
  std::unique_ptr<storage::AdvisoryStore> advisories_;
  std::unique_ptr<storage::FindingStore> findings_;
  std::unique_ptr<server::feeds::FeedService> feeds_;
  server::jobs::JobHandler handler_;
  int full_scans_ = 0;
};

TEST_F(RescanHandlerTest, RematchesAStoredInventoryWithoutTheRegistry) {
  seed("sha256:img", server::jobs::current_analyzers(), "sha256:img");
  auto result = handler_(job("sha256:img"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(full_scans_, 0);
  const auto body = nlohmann::json::parse(*result);
  EXPECT_EQ(body["rescan"], "rematched");
  ASSERT_EQ(body["images"].size(), 1u);
  EXPECT_EQ(body["images"][0]["packages"], 1);
  auto scans = scans_->list({"local", "app", "sha256:img"}, 10);
  ASSERT_TRUE(scans);
  ASSERT_EQ(scans->size(), 1u);
  EXPECT_EQ((*scans)[0].kind, "rescan");
  EXPECT_EQ((*scans)[0].state, "succeeded");
  EXPECT_EQ((*scans)[0].figures.bytes_fetched, 0u);
  EXPECT_EQ((*scans)[0].figures.layers_fetched, 0);
}

TEST_F(RescanHandlerTest, RematchesThePlatformImagesOfAnIndex) {
  seed("sha256:index", server::jobs::current_analyzers(), "sha256:amd64");
  auto result = handler_(job("sha256:index"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(full_scans_, 0);
  const auto body = nlohmann::json::parse(*result);
  ASSERT_EQ(body["images"].size(), 1u);
  EXPECT_EQ(body["images"][0]["digest"], "sha256:amd64");
}

TEST_F(RescanHandlerTest, ScansAgainWithoutAnInventory) {
  seed("sha256:bare", server::jobs::current_analyzers(), "");
  auto result = handler_(job("sha256:bare"));
  EXPECT_EQ(full_scans_, 1);
  ASSERT_FALSE(result) << "the full scan needs the (unreachable) registry";
  auto scans = scans_->list({"local", "app", "sha256:bare"}, 10);
  ASSERT_TRUE(scans);
  ASSERT_EQ(scans->size(), 1u) << "one attempt, one row";
  EXPECT_EQ((*scans)[0].kind, "rescan");
  EXPECT_EQ((*scans)[0].state, "failed");
}

TEST_F(RescanHandlerTest, ScansAgainWhenTheAnalyzersChanged) {
  seed("sha256:old", "pipeline/0;old", "sha256:old");
  EXPECT_FALSE(handler_(job("sha256:old")));
  EXPECT_EQ(full_scans_, 1);
  seed("sha256:never", "", "");
  EXPECT_FALSE(handler_(job("sha256:never")));
  EXPECT_EQ(full_scans_, 2);
}

TEST_F(RescanHandlerTest, SkipsADeletedManifest) {
  seed("sha256:gone", server::jobs::current_analyzers(), "sha256:gone");
  exec("UPDATE manifests SET deleted_at = now()");
  auto result = handler_(job("sha256:gone"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(nlohmann::json::parse(*result)["skipped"], "manifest deleted");
  EXPECT_EQ(full_scans_, 0);
}

}  // namespace
}  // namespace regscand::testing
