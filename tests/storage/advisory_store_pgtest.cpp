// AdvisoryStore over a real PostgreSQL: advisories round-trip exactly, a re-import reports exactly what
// was added, changed, removed and unchanged and which package names that touched, and source state is kept.
#include "storage/advisory_store.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "storage/advisory_json.hpp"
#include "tests/support/pg_test.hpp"

namespace regscand::testing {
namespace {

using scanner::feeds::Advisory;
using scanner::feeds::Affected;
using scanner::feeds::FixState;
using scanner::feeds::Range;
using scanner::feeds::RangeEvent;
using scanner::feeds::Severity;

Advisory sample(std::string id, std::string package, std::string fixed) {
  Advisory a;
  a.source = "osv";
  a.id = std::move(id);
  a.aliases = {"GHSA-aaaa-bbbb-cccc"};
  a.summary = "summary \xE2\x80\x94 with UTF-8";
  a.published = "2024-01-02T03:04:05Z";
  a.modified = "2024-02-02T03:04:05Z";
  a.cvss = {{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, Severity::High}};
  a.severity = Severity::Medium;
  a.severity_source = "ghsa";
  a.references = {"https://example.com/advisory"};
  Affected affected;
  affected.ecosystem = "Debian:12";
  affected.name = std::move(package);
  affected.ranges = {
      Range{Range::Type::Ecosystem,
            {{RangeEvent::Kind::Introduced, "0"}, {RangeEvent::Kind::Fixed, std::move(fixed)}}},
      Range{Range::Type::Semver, {{RangeEvent::Kind::LastAffected, "2.0"}}}};
  affected.versions = {"1.0-1"};
  affected.fix_state = FixState::Fixed;
  affected.severity = Severity::Low;
  affected.severity_source = "debian-urgency";
  a.affected = {affected};
  return a;
}

bool same(const Advisory& a, const Advisory& b) {
  return storage::advisory_to_json(a) == storage::advisory_to_json(b);
}

class AdvisoryStoreTest : public PgTest {};

TEST(AdvisoryJson, RoundTripsAndRejectsWrongShapes) {
  const auto original = sample("CVE-2024-0001", "openssl", "3.0.13-1");
  auto back = storage::advisory_from_json(storage::advisory_to_json(original));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(same(*back, original));
  EXPECT_EQ(back->affected[0].ranges[1].events[0].kind, RangeEvent::Kind::LastAffected);
  EXPECT_EQ(back->affected[0].severity, Severity::Low);
  EXPECT_FALSE(storage::advisory_from_json("{}"));
  EXPECT_FALSE(storage::advisory_from_json("[1]"));
  auto bad = nlohmann::json::parse(storage::advisory_to_json(original));
  bad["affected"][0]["fix_state"] = "maybe";
  EXPECT_FALSE(storage::advisory_from_json(bad.dump()));
}

TEST_F(AdvisoryStoreTest, ReimportReportsTheDifferenceAndTheNamesItTouched) {
  storage::AdvisoryStore store(*db_);
  auto none = store.fingerprint("/feeds/osv.zip");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);

  storage::FeedImport first{
      "/feeds/osv.zip",
      "osv-zip",
      "fp1",
      {sample("CVE-1", "openssl", "1"), sample("CVE-2", "glibc", "2"), sample("CVE-3", "zlib", "3")},
      2};
  auto diff = store.replace(first);
  ASSERT_TRUE(diff) << diff.error().message;
  EXPECT_EQ(diff->added, 3u);
  EXPECT_EQ(diff->names, (std::set<std::string>{"glibc", "openssl", "zlib"}));
  EXPECT_EQ(**store.fingerprint("/feeds/osv.zip"), "fp1");

  storage::FeedImport second{
      "/feeds/osv.zip",
      "osv-zip",
      "fp2",
      {sample("CVE-1", "openssl", "1"), sample("CVE-2", "libc6-moved", "2.1"), sample("CVE-4", "curl", "4")},
      0};
  diff = store.replace(second);
  ASSERT_TRUE(diff) << diff.error().message;
  EXPECT_EQ(diff->added, 1u);
  EXPECT_EQ(diff->changed, 1u);
  EXPECT_EQ(diff->removed, 1u);
  EXPECT_EQ(diff->unchanged, 1u);
  EXPECT_EQ(diff->names, (std::set<std::string>{"curl", "glibc", "libc6-moved", "zlib"}))
      << "old and new names of the changed one, the removed one's, the added one's";
  EXPECT_EQ(count("SELECT count(*) FROM advisory_keys"), 3);

  auto all = store.load_all();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  std::map<std::string, Advisory> by_id;
  for (auto& a : *all) by_id[a.id] = a;
  EXPECT_TRUE(same(by_id["CVE-2"], second.advisories[1]));
  EXPECT_TRUE(same(by_id["CVE-4"], second.advisories[2]));

  ASSERT_TRUE(store.record_failure("/feeds/osv.zip", "osv-zip", "download failed: 503"));
  auto sources = store.sources();
  ASSERT_TRUE(sources && sources->size() == 1u);
  const auto& s = (*sources)[0];
  EXPECT_EQ(s.record_count, 3);
  EXPECT_EQ(s.rejected_count, 0);
  EXPECT_EQ(s.fingerprint, "fp2");
  EXPECT_EQ(s.last_error, "download failed: 503");
  EXPECT_FALSE(s.last_success_at.empty());
  EXPECT_EQ(s.last_attempt_at.size(), 20u);
}

}  // namespace
}  // namespace regscand::testing
