// InventoryStore over a real PostgreSQL: layer reports round-trip exactly (the cache a rescan relies on),
// are keyed by digest and analyzers fingerprint, and image inventories are replaced on rescan.
#include "storage/inventory_store.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/pg_test.hpp"

namespace regscand::testing {
namespace {

using scanner::pipeline::ImageInventory;
using scanner::pipeline::LayerReport;

scanner::Digest digest(char c) {
  return *scanner::Digest::parse("sha256:" + std::string(64, c));
}

LayerReport sample_report() {
  LayerReport r;
  r.present = {"lib/apk/db/installed", "etc/os-release"};
  r.removed = {"etc/passwd"};
  r.opaque_dirs = {"var/cache"};
  r.release_files = {{"etc/os-release", "ID=alpine\nVERSION_ID=\"3.19.1\"\n"}};
  r.packages = {{"apk", "musl", "1.2.4-r2", "x86_64", "musl", "1.2.4-r2", "lib/apk/db/installed"}};
  r.problems = {"dpkg: var/lib/dpkg/status: line too long"};
  r.compressed_bytes = 123;
  r.uncompressed_bytes = 4567;
  return r;
}

class InventoryStoreTest : public PgTest {};

TEST(LayerReportJson, RoundTripsExactly) {
  const auto original = sample_report();
  auto back = storage::layer_report_from_json(storage::layer_report_to_json(original));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->present, original.present);
  EXPECT_EQ(back->removed, original.removed);
  EXPECT_EQ(back->opaque_dirs, original.opaque_dirs);
  EXPECT_EQ(back->release_files, original.release_files);
  EXPECT_EQ(back->packages, original.packages);
  EXPECT_EQ(back->problems, original.problems);
  EXPECT_EQ(back->uncompressed_bytes, 4567u);
  EXPECT_FALSE(storage::layer_report_from_json("{\"present\": 7}"));
  EXPECT_FALSE(storage::layer_report_from_json("not json"));
}

TEST_F(InventoryStoreTest, LayerReportsAreKeyedByDigestAndAnalyzers) {
  storage::InventoryStore store(*db_);
  auto none = store.find(digest('a'), "apk/1");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(*none);
  ASSERT_TRUE(store.store(digest('a'), "apk/1", sample_report()));
  ASSERT_TRUE(store.store(digest('a'), "apk/1", LayerReport{}))
      << "a second store of the same key is a no-op";
  auto found = store.find(digest('a'), "apk/1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->packages, sample_report().packages);
  auto other = store.find(digest('a'), "apk/2");
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other) << "a new analyzers fingerprint analyzes the layer again";
}

TEST_F(InventoryStoreTest, ImageInventoriesAreReplacedOnRescan) {
  storage::InventoryStore store(*db_);
  const storage::ManifestKey key{"local", "team/app", digest('b').str()};
  ImageInventory inventory;
  inventory.distribution = scanner::Distribution{"alpine", "3.19.1", "", "Alpine Linux v3.19"};
  inventory.packages = {{sample_report().packages[0], 0}};
  ASSERT_TRUE(
      store.put_inventory(key, "pipeline/1;apk/1", "linux/amd64", "", inventory, {digest('a').str()}));
  inventory.packages.clear();
  ASSERT_TRUE(
      store.put_inventory(key, "pipeline/1;apk/1", "linux/amd64", "", inventory, {digest('a').str()}));
  auto stored = store.get_inventory(key);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->package_count, 0);
  EXPECT_EQ(nlohmann::json::parse((*stored)->distribution_json)["id"], "alpine");
  EXPECT_EQ((*stored)->platform, "linux/amd64");
}

}  // namespace
}  // namespace regscand::testing
