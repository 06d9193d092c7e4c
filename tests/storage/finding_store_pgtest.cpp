// FindingStore over a real PostgreSQL: replacing an image's findings inserts new ones, refreshes present
// ones, resolves missing ones and reopens returning ones, with one event per change; the reverse lookup
// finds the inventories a feed change can affect; each image's open counts by severity (migration 0015)
// follow every write.
#include "storage/finding_store.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "storage/inventory_store.hpp"
#include "tests/support/pg_test.hpp"

namespace regscand::testing {
namespace {

using scanner::feeds::FixState;
using scanner::feeds::Severity;
using scanner::matching::Finding;

class FindingStoreTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    inventory_.distribution = scanner::Distribution{"debian", "12", "bookworm", "Debian 12"};
    inventory_.packages = {
        {{"dpkg", "libssl3", "3.0.11-1", "amd64", "openssl", "3.0.11-1", "var/lib/dpkg/status"}, 0},
        {{"dpkg", "libc6", "2.36-9", "amd64", "glibc", "2.36-9", "var/lib/dpkg/status"}, 0}};
    storage::InventoryStore inventories(*db_);
    ASSERT_TRUE(inventories.put_inventory(key_, "fp", "linux/amd64", "", inventory_, {layer_}));
  }

  static Finding finding(std::size_t package, std::string id, Severity severity) {
    Finding f;
    f.package = package;
    f.vulnerability = std::move(id);
    f.severity = severity;
    f.severity_source = "debian-urgency";
    f.fix_state = FixState::Fixed;
    f.fixed_version = "9";
    f.remediation = "Upgrade to 9 or later";
    f.aliases = {"DSA-1-1"};
    f.sources = {"debian-tracker:CVE"};
    return f;
  }

  // Images whose image_finding_counts row differs from a count of their open findings.
  std::int64_t stale_counts() const {
    return count(R"sql(
      SELECT count(*) FROM (
        SELECT inventory_id, count(*) FILTER (WHERE severity = 'Critical') AS critical,
               count(*) FILTER (WHERE severity = 'High') AS high, count(*) FILTER (WHERE severity = 'Medium') AS medium,
               count(*) FILTER (WHERE severity = 'Low') AS low
        FROM findings WHERE resolved_at IS NULL GROUP BY inventory_id) r
      FULL JOIN (SELECT * FROM image_finding_counts WHERE (critical, high, medium, low) <> (0, 0, 0, 0)) c
        USING (inventory_id)
      WHERE (r.critical, r.high, r.medium, r.low) IS DISTINCT FROM (c.critical, c.high, c.medium, c.low))sql");
  }

  void exec(const std::string& sql) const {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    tx.exec0(sql);
    tx.commit();
  }

  const storage::ManifestKey key_{"local", "team/app", "sha256:" + std::string(64, 'a')};
  const std::string layer_ = "sha256:" + std::string(64, 'b');
  scanner::pipeline::ImageInventory inventory_;
};

TEST_F(FindingStoreTest, ReplaceInsertsRefreshesResolvesAndReopens) {
  storage::FindingStore store(*db_);
  const auto a = finding(0, "CVE-2024-1", Severity::High);
  const auto b = finding(1, "CVE-2024-2", Severity::Low);

  auto change = store.replace(key_, inventory_, {a, b});
  ASSERT_TRUE(change) << change.error().message;
  EXPECT_EQ(change->added, 2u);
  EXPECT_EQ(change->resolved, 0u);
  EXPECT_EQ(change->current, 2u);

  auto raised = a;
  raised.severity = Severity::Critical;
  change = store.replace(key_, inventory_, {raised});
  ASSERT_TRUE(change) << change.error().message;
  EXPECT_EQ(change->added, 0u);
  EXPECT_EQ(change->resolved, 1u);
  EXPECT_EQ(count("SELECT count(*) FROM findings WHERE vulnerability = 'CVE-2024-1' AND severity = 'Critical'"
                  " AND resolved_at IS NULL AND aliases = '[\"DSA-1-1\"]'"),
            1);
  EXPECT_EQ(
      count("SELECT count(*) FROM findings WHERE vulnerability = 'CVE-2024-2' AND resolved_at IS NOT NULL"),
      1);

  change = store.replace(key_, inventory_, {raised, b});
  ASSERT_TRUE(change);
  EXPECT_EQ(change->added, 1u) << "a resolved finding that returns is new again";
  EXPECT_EQ(change->resolved, 0u);
  EXPECT_EQ(count("SELECT count(*) FROM finding_events WHERE kind = 'new'"), 3);
  EXPECT_EQ(
      count("SELECT count(*) FROM finding_events WHERE kind = 'resolved' AND vulnerability = 'CVE-2024-2'"
            " AND repository = 'team/app'"),
      1);

  change = store.replace({"local", "team/none", key_.digest}, inventory_, {a});
  ASSERT_TRUE(change);
  EXPECT_EQ(change->current, 0u) << "no stored inventory, nothing stored";
  auto unknown_package = finding(7, "CVE-2024-3", Severity::Low);
  change = store.replace(key_, inventory_, {raised, b, unknown_package});
  ASSERT_TRUE(change);
  EXPECT_EQ(change->current, 2u);
}

TEST_F(FindingStoreTest, HoldingsCarryJustTheNamedPackages) {
  storage::InventoryStore inventories(*db_);
  auto holding = inventories.holdings({"openssl"});
  ASSERT_TRUE(holding) << holding.error().message;
  ASSERT_EQ(holding->size(), 1u);
  EXPECT_EQ((*holding)[0].key.repository, key_.repository);
  EXPECT_EQ((*holding)[0].key.digest, key_.digest);
  EXPECT_EQ((*holding)[0].inventory.distribution, inventory_.distribution);
  ASSERT_EQ((*holding)[0].inventory.packages.size(), 1u) << "by source name, and only that package";
  EXPECT_EQ((*holding)[0].inventory.packages[0].package, inventory_.packages[0].package);
  ASSERT_EQ((*holding)[0].package_ids.size(), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM packages WHERE name = 'libssl3' AND id = " +
                  std::to_string((*holding)[0].package_ids[0])),
            1);
  holding = inventories.holdings({"libc6", "zlib"});
  ASSERT_TRUE(holding);
  ASSERT_EQ(holding->size(), 1u);
  EXPECT_EQ((*holding)[0].inventory.packages.size(), 1u);
  holding = inventories.holdings({"zlib", "' OR 1=1 --"});
  ASSERT_TRUE(holding);
  EXPECT_TRUE(holding->empty());
}

TEST_F(FindingStoreTest, ScopedReplaceLeavesOtherPackagesAlone) {
  storage::FindingStore store(*db_);
  storage::InventoryStore inventories(*db_);
  ASSERT_TRUE(store.replace(
      key_, inventory_, {finding(0, "CVE-2024-1", Severity::High), finding(1, "CVE-2024-2", Severity::Low)}));
  auto holding = inventories.holdings({"openssl"});
  ASSERT_TRUE(holding && holding->size() == 1u);
  // openssl's advisory changed: CVE-2024-1 is gone, CVE-2024-9 is new; glibc's CVE-2024-2 is not in scope.
  std::vector<storage::ScopedMatch> matches{{&(*holding)[0], {finding(0, "CVE-2024-9", Severity::Medium)}}};
  auto change = store.replace_scoped(matches);
  ASSERT_TRUE(change) << change.error().message;
  EXPECT_EQ(change->added, 1u);
  EXPECT_EQ(change->resolved, 1u);
  EXPECT_EQ(change->current, 1u);
  EXPECT_EQ(count("SELECT count(*) FROM findings WHERE resolved_at IS NULL"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM findings WHERE vulnerability = 'CVE-2024-2' AND resolved_at IS NULL"),
            1);
  EXPECT_EQ(
      count("SELECT count(*) FROM findings WHERE vulnerability = 'CVE-2024-1' AND resolved_at IS NOT NULL"),
      1);
  EXPECT_EQ(
      count("SELECT count(*) FROM finding_events WHERE kind = 'resolved' AND vulnerability = 'CVE-2024-1'"
            " AND repository = 'team/app' AND digest = '" +
            key_.digest + "'"),
      1);
  EXPECT_EQ(count("SELECT count(*) FROM finding_events WHERE kind = 'new' AND vulnerability = 'CVE-2024-9'"),
            1);

  change = store.replace_scoped(matches);
  ASSERT_TRUE(change);
  EXPECT_EQ(change->added + change->resolved, 0u) << "the same match again changes nothing";
  matches[0].findings.push_back(finding(5, "CVE-2024-7", Severity::Low));
  change = store.replace_scoped(matches);
  ASSERT_TRUE(change);
  EXPECT_EQ(change->current, 1u) << "a finding for a package outside the holding is dropped";
  EXPECT_TRUE(store.replace_scoped({}));
}

TEST_F(FindingStoreTest, OpenCountsFollowEveryWrite) {
  storage::FindingStore store(*db_);
  storage::InventoryStore inventories(*db_);
  const storage::ManifestKey other{"local", "team/app", "sha256:" + std::string(64, 'c')};
  ASSERT_TRUE(inventories.put_inventory(other, "fp", "linux/amd64", "", inventory_, {layer_}));
  const auto a = finding(0, "CVE-2024-1", Severity::High);
  const auto b = finding(1, "CVE-2024-2", Severity::Low);
  ASSERT_TRUE(store.replace(key_, inventory_, {a, b}));
  ASSERT_TRUE(store.replace(other, inventory_, {a}));
  EXPECT_EQ(count("SELECT sum(high) * 10 + sum(low) FROM image_finding_counts"), 21);
  EXPECT_EQ(stale_counts(), 0);
  EXPECT_EQ(
      count("SELECT count(*) FROM image_finding_counts c JOIN image_inventories i ON i.id = c.inventory_id"
            " WHERE (c.registry, c.repository) = (i.registry, i.repository)"),
      2);

  auto raised = a;
  raised.severity = Severity::Critical;
  ASSERT_TRUE(store.replace(key_, inventory_, {raised}));  // a refreshed with a new severity, b resolved
  EXPECT_EQ(stale_counts(), 0);
  ASSERT_TRUE(store.replace(key_, inventory_, {raised}));  // refreshed, unchanged
  EXPECT_EQ(stale_counts(), 0);

  auto holding = inventories.holdings({"openssl"});
  ASSERT_TRUE(holding && holding->size() == 2u);
  std::vector<storage::ScopedMatch> matches{{&(*holding)[0], {finding(0, "CVE-2024-9", Severity::Medium)}},
                                            {&(*holding)[1], {}}};
  ASSERT_TRUE(store.replace_scoped(matches));
  EXPECT_EQ(count("SELECT sum(critical + high) * 10 + sum(medium) FROM image_finding_counts"), 1);
  EXPECT_EQ(stale_counts(), 0);

  exec("DELETE FROM image_inventories WHERE digest = '" + key_.digest + "'");  // findings go by cascade
  EXPECT_EQ(stale_counts(), 0);
  EXPECT_EQ(count("SELECT count(*) FROM image_finding_counts c LEFT JOIN image_inventories i ON i.id = "
                  "c.inventory_id WHERE i.id IS NULL"),
            0);
  ASSERT_TRUE(store.replace(other, inventory_, {a, b}));
  exec("TRUNCATE findings CASCADE");
  EXPECT_EQ(count("SELECT count(*) FROM image_finding_counts"), 0);
}

}  // namespace
}  // namespace regscand::testing
