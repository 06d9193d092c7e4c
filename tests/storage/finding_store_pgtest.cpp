// FindingStore over a real PostgreSQL: replacing an image's findings inserts new ones, refreshes present
// ones, resolves missing ones and reopens returning ones, with one event per change; the reverse lookup
// finds the inventories a feed change can affect.
#include "storage/finding_store.hpp"

#include <gtest/gtest.h>

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

TEST_F(FindingStoreTest, InventoriesHoldingANameOrSourceName) {
  storage::InventoryStore inventories(*db_);
  auto holding = inventories.inventories_holding({"openssl"});
  ASSERT_TRUE(holding) << holding.error().message;
  ASSERT_EQ(holding->size(), 1u);
  EXPECT_EQ((*holding)[0].repository, "team/app");
  holding = inventories.inventories_holding({"libc6", "zlib"});
  ASSERT_TRUE(holding);
  EXPECT_EQ(holding->size(), 1u);
  holding = inventories.inventories_holding({"zlib", "' OR 1=1 --"});
  ASSERT_TRUE(holding);
  EXPECT_TRUE(holding->empty());
}

}  // namespace
}  // namespace regscand::testing
