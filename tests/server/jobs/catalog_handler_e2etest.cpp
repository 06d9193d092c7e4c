// The "catalog" job against the real CNCF distribution (docker-registry, token auth: the catalog needs the
// registry:catalog:* scope) and a real PostgreSQL: four repositories, eight tags (one digest under two tags)
// pushed with skopeo, walked in pages of 2 so the catalog is paged; afterwards exactly one import job per
// image exists, each tag is recorded, and an image that already had a queued job is skipped.
#include "server/jobs/catalog_handler.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "storage/event_inbox.hpp"
#include "storage/job_queue.hpp"
#include "tests/support/oci_image.hpp"
#include "tests/support/pg_test.hpp"
#include "tests/support/registry.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;

class CatalogE2E : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    TestRegistry::Options options;
    options.token_auth = true;
    registry_ = std::make_unique<TestRegistry>(options);
    config_.registries.push_back(registry_->config("local"));
    queue_ = std::make_unique<storage::JobQueue>(*db_);
    rescans_ = std::make_unique<storage::RescanStore>(*db_);
    server::jobs::CatalogLimits limits;
    limits.page_size = 2;
    scanner::registry::ClientOptions client;
    client.request_timeout = 30s;
    client.max_attempts = 2;
    handler_ = server::jobs::make_catalog_handler(config_, *rescans_, limits, client);
  }

  // A small unique image tagged `tag` in the layout; returns its manifest digest.
  std::string image(const std::string& tag) {
    const auto nonce = unique_suffix();
    return layout_->add_image({files_layer({{"etc/nonce", nonce}})}, tag).manifest.digest;
  }

  nlohmann::json run_catalog_job() {
    auto job = queue_catalog_job();
    if (!job) return nullptr;
    auto result = run(*job);
    exec("UPDATE jobs SET state = 'succeeded' WHERE id = " + std::to_string(job->id));
    return result;
  }

  std::optional<storage::Job> queue_catalog_job() {
    auto queued = rescans_->enqueue_subject(
        {"local", std::string(storage::kCatalogSubject), std::string(storage::kCatalogSubject)},
        storage::kCatalogJobKind, storage::kCatalogPriority, 3);
    EXPECT_TRUE(queued) << queued.error().message;
    if (!queued) return std::nullopt;
    auto job = queue_->get(queued->job_id);
    EXPECT_TRUE(job && *job);
    if (!job || !*job) return std::nullopt;
    return **job;
  }

  // One attempt of the job's handler.
  nlohmann::json run(const storage::Job& job) {
    auto result = handler_(job);
    EXPECT_TRUE(result) << result.error().message;
    if (!result) return nullptr;
    return nlohmann::json::parse(*result);
  }

  void exec(const std::string& sql) const {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    tx.exec0(sql);
    tx.commit();
  }

  config::Config config_;
  std::unique_ptr<TestRegistry> registry_;
  TempDir dir_;
  std::unique_ptr<OciLayoutBuilder> layout_ = std::make_unique<OciLayoutBuilder>(dir_.path() / "layout");
  std::unique_ptr<storage::JobQueue> queue_;
  std::unique_ptr<storage::RescanStore> rescans_;
  server::jobs::JobHandler handler_;
};

TEST_F(CatalogE2E, WalksEveryPageAndQueuesEachImageOnce) {
  const auto alpha1 = image("alpha-v1");
  const auto alpha2 = image("alpha-v2");
  const auto beta1 = image("beta-1.0");
  const auto beta2 = image("beta-1.1");
  const auto beta3 = image("beta-1.2");
  const auto gamma = image("gamma");
  const auto delta = image("delta");
  registry_->push(layout_->reference("alpha-v1"), "alpha:v1");
  registry_->push(layout_->reference("alpha-v1"), "alpha:latest");  // the same digest under a second tag
  registry_->push(layout_->reference("alpha-v2"), "alpha:v2");
  registry_->push(layout_->reference("beta-1.0"), "team/beta:1.0");
  registry_->push(layout_->reference("beta-1.1"), "team/beta:1.1");
  registry_->push(layout_->reference("beta-1.2"), "team/beta:1.2");
  registry_->push(layout_->reference("gamma"), "gamma:stable");
  registry_->push(layout_->reference("delta"), "delta:v1");
  // gamma arrived with a push webhook: its scan is queued already.
  auto pushed = rescans_->import({"local", "gamma", gamma}, "stable", storage::kScanJobKind, 100, 3);
  ASSERT_TRUE(pushed) << pushed.error().message;

  const auto result = run_catalog_job();
  ASSERT_TRUE(result.is_object()) << result;
  EXPECT_EQ(result["registry"], "local");
  EXPECT_EQ(result["repositories"], 4) << result;
  EXPECT_EQ(result["tags"], 8) << result;
  EXPECT_EQ(result["images_queued"], 6) << result;
  EXPECT_EQ(result["images_skipped"], 1) << result;
  EXPECT_EQ(result["errors"], 0) << result;

  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'import' AND priority = 100"), 6);
  EXPECT_EQ(count("SELECT count(*) FROM (SELECT registry, repository, digest FROM jobs "
                  "WHERE kind IN ('import', 'scan') GROUP BY 1, 2, 3 HAVING count(*) > 1) twice"),
            0);
  for (const auto& [repository, digest] :
       std::vector<std::pair<std::string, std::string>>{{"alpha", alpha1},
                                                        {"alpha", alpha2},
                                                        {"team/beta", beta1},
                                                        {"team/beta", beta2},
                                                        {"team/beta", beta3},
                                                        {"gamma", gamma},
                                                        {"delta", delta}}) {
    EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE registry = 'local' AND repository = '" + repository +
                    "' AND digest = '" + digest + "' AND kind IN ('import', 'scan')"),
              1)
        << repository << "@" << digest;
  }
  EXPECT_EQ(count("SELECT count(*) FROM tags WHERE registry = 'local'"), 8);
  EXPECT_EQ(count("SELECT count(*) FROM tags WHERE repository = 'alpha' AND tag IN ('v1', 'latest') AND "
                  "digest = '" +
                  alpha1 + "'"),
            2);
  EXPECT_EQ(count("SELECT count(*) FROM manifests WHERE registry = 'local' AND deleted_at IS NULL"), 7);

  // The catalog was paged along distribution's Link header. Tags lists were asked for in pages of 2 too, but
  // distribution 2.8 ignores n= there and answers every tag at once (tags paging: catalog_handler_test and
  // scanner/registry/catalog_client_test).
  const auto log = registry_->log();
  EXPECT_NE(log.find("GET /v2/_catalog?n=2 "), std::string::npos);
  EXPECT_NE(log.find("GET /v2/_catalog?last=delta&n=2 "), std::string::npos) << "the catalog's second page";
  EXPECT_NE(log.find("GET /v2/team/beta/tags/list?n=2 "), std::string::npos);

  // A second walk while those jobs are queued queues nothing.
  const auto again = run_catalog_job();
  ASSERT_TRUE(again.is_object());
  EXPECT_EQ(again["images_queued"], 0) << again;
  EXPECT_EQ(again["images_skipped"], 7) << again;
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind IN ('import', 'scan')"), 7);
}

// A walk retried after a temporary failure starts over; images scanned since it was queued are skipped, the
// others queued as before.
TEST_F(CatalogE2E, ARetriedWalkSkipsImagesScannedSinceItWasQueued) {
  const auto alpha = image("alpha");
  const auto beta = image("beta");
  registry_->push(layout_->reference("alpha"), "alpha:v1");
  registry_->push(layout_->reference("beta"), "beta:v1");
  const auto job = queue_catalog_job();
  ASSERT_TRUE(job);
  const auto first = run(*job);
  EXPECT_EQ(first["images_queued"], 2) << first;
  // alpha's import ran and succeeded; beta's failed for good.
  exec(
      "UPDATE jobs SET state = 'succeeded', finished_at = now() WHERE kind = 'import' AND repository = "
      "'alpha'");
  exec("UPDATE manifests SET scanned_with = 'analyzers', resolved_at = now() WHERE repository = 'alpha'");
  exec("UPDATE jobs SET state = 'failed', finished_at = now() WHERE kind = 'import' AND repository = 'beta'");

  const auto retried = run(*job);
  EXPECT_EQ(retried["images_queued"], 1) << retried;
  EXPECT_EQ(retried["images_skipped"], 1) << retried;
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'import' AND digest = '" + alpha + "'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'import' AND digest = '" + beta + "'"), 2);
}

TEST_F(CatalogE2E, AnEmptyRegistryIsAnEmptyReport) {
  const auto result = run_catalog_job();
  ASSERT_TRUE(result.is_object());
  EXPECT_EQ(result["repositories"], 0);
  EXPECT_EQ(result["images_queued"], 0);
  EXPECT_EQ(count("SELECT count(*) FROM jobs WHERE kind = 'import'"), 0);
}

}  // namespace
}  // namespace regscand::testing
