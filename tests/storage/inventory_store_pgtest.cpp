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
  r.limits = {{"dpkg", "var/lib/dpkg/status", "max_stanzas", 200'000,
               "dpkg: var/lib/dpkg/status: more than max_stanzas 200000 stanzas: the rest is not read"}};
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
  EXPECT_EQ(back->limits, original.limits);
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
  EXPECT_TRUE((*stored)->packages.empty());
  EXPECT_EQ((*stored)->distribution, inventory.distribution);
  EXPECT_EQ((*stored)->platform, "linux/amd64");
}

TEST_F(InventoryStoreTest, InventoriesReadBackExactlyAndSharePackagesAndDistributions) {
  storage::InventoryStore store(*db_);
  scanner::Package libc{"dpkg",  "libc6",          "2.36-9+deb12u4",     "amd64",
                        "glibc", "2.36-9+deb12u4", "var/lib/dpkg/status"};
  scanner::Package node{"rpm",
                        "nodejs",
                        "1:18.18.2-1.module_el8",
                        "x86_64",
                        "nodejs",
                        "1:18.18.2-1.module_el8",
                        "var/lib/rpm/Packages"};
  node.module = "nodejs:18:8080020230825:ad008a3a";
  ImageInventory inventory;
  inventory.distribution =
      scanner::Distribution{"debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)", true};
  inventory.packages = {{libc, 0}, {node, 1}};
  inventory.problems = {{sample_report().limits[0], 1}};
  const std::vector<std::string> layers = {digest('1').str(), digest('2').str()};
  const storage::ManifestKey a{"local", "team/a", digest('a').str()};
  const storage::ManifestKey b{"local", "team/b", digest('b').str()};
  ASSERT_TRUE(store.put_inventory(a, "fp", "linux/amd64", digest('e').str(), inventory, layers));
  ASSERT_TRUE(store.put_inventory(b, "fp", "linux/arm64", "", inventory, layers));

  auto stored = store.get_inventory(a);
  ASSERT_TRUE(stored && *stored) << (stored ? "" : stored.error().message);
  EXPECT_EQ((*stored)->analyzers, "fp");
  EXPECT_EQ((*stored)->index_digest, digest('e').str());
  EXPECT_EQ((*stored)->distribution, inventory.distribution);
  EXPECT_EQ((*stored)->layers, layers);
  ASSERT_EQ((*stored)->packages.size(), 2u);
  EXPECT_EQ((*stored)->packages[0].package, libc);
  EXPECT_EQ((*stored)->packages[0].layer, 0u);
  EXPECT_EQ((*stored)->packages[1].package, node);
  EXPECT_EQ((*stored)->packages[1].layer, 1u);
  ASSERT_EQ((*stored)->problems.size(), 1u);
  EXPECT_EQ((*stored)->problems[0].problem, sample_report().limits[0]);
  EXPECT_EQ((*stored)->problems[0].layer, 1u);
  EXPECT_EQ(count("SELECT count(*) FROM image_inventories WHERE problems->0->'layer'->>'digest' = '" +
                  digest('2').str() + "'"),
            2);

  EXPECT_EQ(count("SELECT count(*) FROM packages"), 2) << "one row per package whatever the images";
  EXPECT_EQ(count("SELECT count(*) FROM distributions"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM inventory_packages WHERE name = 'libc6' AND layer_digest = '" +
                  digest('1').str() + "'"),
            2)
      << "the reverse index: every image holding libc6";

  inventory.distribution.reset();
  inventory.packages = {{libc, 1}};
  inventory.problems.clear();
  ASSERT_TRUE(
      store.put_inventory(a, "fp2", "linux/amd64", "", inventory, {digest('3').str(), digest('1').str()}));
  stored = store.get_inventory(a);
  ASSERT_TRUE(stored && *stored);
  EXPECT_FALSE((*stored)->distribution);
  EXPECT_EQ((*stored)->layers, (std::vector<std::string>{digest('3').str(), digest('1').str()}));
  ASSERT_EQ((*stored)->packages.size(), 1u);
  EXPECT_EQ((*stored)->packages[0].layer, 1u);
  EXPECT_TRUE((*stored)->problems.empty()) << "a rescan replaces the problems";
  EXPECT_EQ(count("SELECT count(*) FROM image_packages"), 3);
  auto missing = store.get_inventory({"local", "team/none", digest('c').str()});
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_F(InventoryStoreTest, ConfigsRoundTripAnyBytes) {
  storage::InventoryStore store(*db_);
  auto none = store.find_config(digest('c'));
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(*none);
  const char raw[] = "{\"os\":\"linux\"}\0\xff\x80";
  const std::string bytes(raw, sizeof raw - 1);
  ASSERT_TRUE(store.store_config(digest('c'), bytes));
  ASSERT_TRUE(store.store_config(digest('c'), "ignored: content-addressed")) << "a second store is a no-op";
  auto found = store.find_config(digest('c'));
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(**found, bytes);
}

}  // namespace
}  // namespace regscand::testing
