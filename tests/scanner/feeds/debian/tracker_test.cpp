// Debian security tracker JSON: the vuls and vunnel subsets in tests/data (counts checked by reading
// the files), the status/urgency mapping, and hostile documents.
#include "scanner/feeds/debian/tracker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/support/test_data.hpp"

namespace regscand::scanner::feeds::debian {
namespace {

namespace fs = std::filesystem;
const fs::path kData = fs::path(REGSCAND_TEST_DATA) / "feeds" / "debian" / "security-tracker-json";

ImportResult parse_file(const std::string& name) {
  auto parsed = parse_tracker(testing::read_file(kData / name), name);
  EXPECT_TRUE(parsed) << name << ": " << parsed.error().message;
  return parsed ? std::move(*parsed) : ImportResult{};
}

const Advisory* find(const ImportResult& r, std::string_view id) {
  const auto it =
      std::find_if(r.advisories.begin(), r.advisories.end(), [&](const Advisory& a) { return a.id == id; });
  return it == r.advisories.end() ? nullptr : &*it;
}

const Affected* find(const Advisory& a, std::string_view ecosystem) {
  const auto it = std::find_if(a.affected.begin(), a.affected.end(),
                               [&](const Affected& x) { return x.ecosystem == ecosystem; });
  return it == a.affected.end() ? nullptr : &*it;
}

std::size_t affected_count(const ImportResult& r) {
  std::size_t n = 0;
  for (const auto& a : r.advisories) n += a.affected.size();
  return n;
}

std::vector<std::string> ids(const ImportResult& r) {
  std::vector<std::string> out;
  for (const auto& a : r.advisories) out.push_back(a.id);
  return out;
}

// The single range of `a` as "introduced:0 fixed:1.2" text.
std::string range_text(const Affected& a) {
  if (a.ranges.size() != 1) return "ranges=" + std::to_string(a.ranges.size());
  std::string out;
  for (const auto& e : a.ranges[0].events) {
    if (!out.empty()) out += ' ';
    out += e.kind == RangeEvent::Kind::Introduced ? "introduced:" : "fixed:";
    out += e.version;
  }
  return out;
}

TEST(DebianTracker, CodenamesMapToReleaseNumbers) {
  EXPECT_EQ(release_number("buzz"), "1.1");
  EXPECT_EQ(release_number("woody"), "3.0");
  EXPECT_EQ(release_number("etch"), "4.0");
  EXPECT_EQ(release_number("squeeze"), "6.0");
  EXPECT_EQ(release_number("wheezy"), "7");
  EXPECT_EQ(release_number("jessie"), "8");
  EXPECT_EQ(release_number("buster"), "10");
  EXPECT_EQ(release_number("bookworm"), "12");
  EXPECT_EQ(release_number("trixie"), "13");
  EXPECT_EQ(release_number("forky"), "14");
  EXPECT_EQ(release_number("sid"), "unstable");
  EXPECT_EQ(release_number("experimental"), "");
  EXPECT_EQ(release_number("Bookworm"), "");
}

// vuls-data-update-fixture-advisory.json: 389-ds-base with 3 CVEs x {bullseye, sid}, wordpress with one
// TEMP id x {bullseye, sid}: 4 advisories, 8 affected.
TEST(DebianTracker, VulsFixture) {
  const auto r = parse_file("vuls-data-update-fixture-advisory.json");
  EXPECT_TRUE(r.rejected.empty());
  EXPECT_EQ(ids(r), (std::vector<std::string>{"CVE-2012-0833", "CVE-2016-5405", "CVE-2016-5416",
                                              "TEMP-0000000-0CA7E3"}));
  EXPECT_EQ(affected_count(r), 8u);

  // Not affected (resolved, fixed_version "0"), urgency unimportant.
  const Advisory* na = find(r, "CVE-2012-0833");
  ASSERT_NE(na, nullptr);
  EXPECT_EQ(na->source, "debian-tracker");
  EXPECT_TRUE(na->summary.starts_with("The acllas__handle_group_entry function")) << na->summary;
  ASSERT_EQ(na->affected.size(), 2u);
  const Affected& bullseye = na->affected[0];
  EXPECT_EQ(bullseye.ecosystem, "Debian:11");
  EXPECT_EQ(bullseye.name, "389-ds-base");
  EXPECT_EQ(bullseye.fix_state, FixState::NotAffected);
  EXPECT_TRUE(bullseye.ranges.empty());
  EXPECT_EQ(bullseye.severity, Severity::Negligible);
  EXPECT_EQ(bullseye.severity_source, "debian-urgency");
  EXPECT_EQ(na->affected[1].ecosystem, "Debian:unstable");
  EXPECT_EQ(na->references,
            std::vector<std::string>{"https://security-tracker.debian.org/tracker/CVE-2012-0833"});

  // Fixed, urgency "not yet assigned", with a Debian bug.
  const Advisory* fixed = find(r, "CVE-2016-5405");
  ASSERT_NE(fixed, nullptr);
  const Affected* f = find(*fixed, "Debian:11");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->fix_state, FixState::Fixed);
  EXPECT_EQ(range_text(*f), "introduced:0 fixed:1.3.5.15-1");
  EXPECT_EQ(f->ranges[0].type, Range::Type::Ecosystem);
  EXPECT_EQ(f->severity, Severity::Unknown);
  EXPECT_EQ(fixed->references,
            (std::vector<std::string>{"https://security-tracker.debian.org/tracker/CVE-2016-5405",
                                      "https://bugs.debian.org/842121"}));

  // Open: <no-dsa> marked ignored in bullseye (won't fix), plainly open in sid.
  const Advisory* open = find(r, "CVE-2016-5416");
  ASSERT_NE(open, nullptr);
  const Affected* ignored = find(*open, "Debian:11");
  const Affected* sid = find(*open, "Debian:unstable");
  ASSERT_NE(ignored, nullptr);
  ASSERT_NE(sid, nullptr);
  EXPECT_EQ(ignored->fix_state, FixState::WontFix);
  EXPECT_EQ(range_text(*ignored), "introduced:0");
  EXPECT_EQ(sid->fix_state, FixState::NotFixed);
  EXPECT_EQ(range_text(*sid), "introduced:0");
  EXPECT_EQ(sid->name, "389-ds-base");

  // A TEMP- id is kept as it is; it has no description.
  const Advisory* temp = find(r, "TEMP-0000000-0CA7E3");
  ASSERT_NE(temp, nullptr);
  EXPECT_TRUE(temp->summary.empty());
  ASSERT_EQ(temp->affected.size(), 2u);
  EXPECT_EQ(temp->affected[0].name, "wordpress");
  EXPECT_EQ(temp->affected[0].fix_state, FixState::NotAffected);
}

// vunnel-fixture-debian.json: prototypejs 2 CVEs x 4 releases, txt2man, backupninja and sope 1 x 4,
// chromium 1 x 5, chromium-browser one CVE with "releases": [] (no advisory): 6 advisories, 25 affected.
TEST(DebianTracker, VunnelFixture) {
  const auto r = parse_file("vunnel-fixture-debian.json");
  EXPECT_TRUE(r.rejected.empty()) << r.rejected.front().where << ": " << r.rejected.front().reason;
  EXPECT_EQ(ids(r), (std::vector<std::string>{"CVE-2007-2383", "CVE-2008-7220", "CVE-2013-1444",
                                              "CVE-2005-3111", "CVE-2022-0456", "CVE-2025-53603"}));
  EXPECT_EQ(affected_count(r), 25u);

  // Urgencies with the tracker's "**" (from NVD) stripped.
  const Advisory* high = find(r, "CVE-2008-7220");
  ASSERT_NE(high, nullptr);
  ASSERT_EQ(high->affected.size(), 4u);
  for (const auto& a : high->affected) {
    EXPECT_EQ(a.severity, Severity::High) << a.ecosystem;
    EXPECT_EQ(a.fix_state, FixState::Fixed) << a.ecosystem;
    EXPECT_EQ(range_text(a), "introduced:0 fixed:1.6.0.2-1") << a.ecosystem;
  }
  EXPECT_NE(find(*high, "Debian:8"), nullptr);
  EXPECT_NE(find(*high, "Debian:9"), nullptr);
  EXPECT_NE(find(*high, "Debian:10"), nullptr);
  EXPECT_EQ(find(r, "CVE-2013-1444")->affected[0].severity, Severity::Low);
  EXPECT_EQ(find(r, "CVE-2005-3111")->affected[0].severity, Severity::Medium);
  const Advisory* unimportant = find(r, "CVE-2007-2383");
  ASSERT_NE(unimportant, nullptr);
  EXPECT_EQ(unimportant->affected[0].severity, Severity::Negligible);
  EXPECT_EQ(unimportant->affected[0].fix_state, FixState::NotAffected);
  EXPECT_EQ(unimportant->affected[0].name, "prototypejs");

  // chromium: fixed in bookworm/bullseye/sid, open in end-of-life buster and stretch (won't fix).
  const Advisory* chromium = find(r, "CVE-2022-0456");
  ASSERT_NE(chromium, nullptr);
  ASSERT_EQ(chromium->affected.size(), 5u);
  EXPECT_TRUE(chromium->summary.empty());
  const Affected* bullseye = find(*chromium, "Debian:11");
  ASSERT_NE(bullseye, nullptr);
  EXPECT_EQ(range_text(*bullseye), "introduced:0 fixed:98.0.4758.80-1~deb11u1");
  const Affected* buster = find(*chromium, "Debian:10");
  ASSERT_NE(buster, nullptr);
  EXPECT_EQ(buster->fix_state, FixState::WontFix);
  EXPECT_EQ(range_text(*buster), "introduced:0");
  EXPECT_EQ(buster->severity, Severity::Unknown);
  EXPECT_EQ(find(*chromium, "Debian:9")->fix_state, FixState::WontFix);
  EXPECT_EQ(find(*chromium, "Debian:12")->fix_state, FixState::Fixed);

  const Advisory* sope = find(r, "CVE-2025-53603");
  ASSERT_NE(sope, nullptr);
  const Affected* trixie = find(*sope, "Debian:13");
  ASSERT_NE(trixie, nullptr);
  EXPECT_EQ(range_text(*trixie), "introduced:0 fixed:5.12.1-2");
  EXPECT_EQ(sope->references.back(), "https://bugs.debian.org/1108798");
}

// The DSA list beside them is text, not the tracker's JSON.
TEST(DebianTracker, DsaListIsRefused) {
  auto parsed = parse_tracker(testing::read_file(kData / "vunnel-fixture-DSA"), "vunnel-fixture-DSA");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::InvalidArgument);
  EXPECT_NE(parsed.error().message.find("vunnel-fixture-DSA"), std::string::npos) << parsed.error().message;
}

TEST(DebianTracker, OneCveUnderSeveralPackagesIsOneAdvisory) {
  const auto r = parse_tracker(R"({
    "linux": {"CVE-2024-1": {"description": "d1", "releases": {"bookworm": {"status": "open", "urgency": "low*"}}}},
    "linux-6.1": {"CVE-2024-1": {"description": "d2",
                                 "releases": {"bullseye": {"status": "resolved", "fixed_version": "6.1.1-1"}}}}
  })",
                               "t");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->advisories.size(), 1u);
  const Advisory& a = r->advisories[0];
  EXPECT_EQ(a.summary, "d1");
  ASSERT_EQ(a.affected.size(), 2u);
  EXPECT_EQ(a.affected[0].name, "linux");
  EXPECT_EQ(a.affected[0].severity, Severity::Low);
  EXPECT_EQ(a.affected[1].name, "linux-6.1");
  EXPECT_EQ(a.affected[1].ecosystem, "Debian:11");
  EXPECT_FALSE(a.affected[1].severity.has_value());  // no urgency: no severity
  EXPECT_TRUE(a.affected[1].severity_source.empty());
}

TEST(DebianTracker, PostponedAndUndeterminedAreNotFixed) {
  const auto r = parse_tracker(R"({"p": {"CVE-2024-2": {"releases": {
    "bookworm": {"status": "open", "urgency": "low", "nodsa": "Minor", "nodsa_reason": "postponed"},
    "bullseye": {"status": "undetermined", "urgency": "not yet assigned"},
    "trixie": {"status": "open", "urgency": "medium", "nodsa": "Minor", "nodsa_reason": ""}}}}})",
                               "t");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->advisories.size(), 1u);
  for (const auto& a : r->advisories[0].affected) {
    EXPECT_EQ(a.fix_state, FixState::NotFixed) << a.ecosystem;
    EXPECT_EQ(range_text(a), "introduced:0") << a.ecosystem;
  }
}

TEST(DebianTracker, BadRecordsAreRejectedAndTheRestImported) {
  std::string doc = R"({
    "a": {"CVE-1": {"releases": {"bookworm": {"status": 5}}},
          "CVE-2": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "1.0-1"}}},
          "CVE-3": {"releases": {"bookworm": {"status": "resolved"}}},
          "CVE-4": {"debianbug": "123", "releases": {"bookworm": {"status": "open"}}},
          "CVE-5": {"releases": {"bookworm": {"status": "fixed", "fixed_version": "1"}}},
          "CVE-6": {"description": "no releases"},
          "CVE-7": {"releases": {"bookworm": {"status": "open", "repositories": {"bookworm": 1}}}},
          "CVE-8": ["not", "an", "object"],
          "CVE-9": {"releases": {"hamm2": {"status": "open"}, "bookworm": {"status": "open"}}}},
    "b": "not an object",
    "c": {"CVE-10": {"description": "\u00e9 bad @FF@ utf-8", "releases": {}}},
    "d": {"CVE-11": {"releases": [1]}, "CVE-12": {"description": 3, "releases": {}}},
    "e": {"CVE-2": {"releases": {"sid": {"status": "open", "urgency": "high"}}}}
  })";
  doc.replace(doc.find("@FF@"), 4, "\xff");  // invalid UTF-8 in one package
  const auto r = parse_tracker(doc, "t");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(ids(*r), (std::vector<std::string>{"CVE-2", "CVE-9"}));
  EXPECT_EQ(r->advisories[0].affected.size(), 2u);
  std::vector<std::string> rejected;
  for (const auto& x : r->rejected) rejected.push_back(x.where + ": " + x.reason);
  EXPECT_EQ(rejected, (std::vector<std::string>{
                          "a/CVE-1: bookworm: status is not a string",
                          "a/CVE-3: bookworm: resolved without fixed_version",
                          "a/CVE-4: debianbug is not a bug number",
                          "a/CVE-5: bookworm: unknown status \"fixed\"",
                          "a/CVE-6: no releases",
                          "a/CVE-7: bookworm: repositories.bookworm is not a string",
                          "a/CVE-8: not an object",
                          "a/CVE-9/hamm2: unknown Debian release codename",
                          "b: not an object",
                          "c: invalid JSON (or invalid UTF-8 in a string)",
                          "d/CVE-11: releases is not an object",
                          "d/CVE-12: description is not a string",
                      }));
}

TEST(DebianTracker, DeepNestingRejectsOnlyThatPackage) {
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  const auto r = parse_tracker(
      R"({"deep": )" + deep + R"(, "ok": {"CVE-1": {"releases": {"sid": {"status": "open"}}}}})", "t");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(ids(*r), std::vector<std::string>{"CVE-1"});
  ASSERT_EQ(r->rejected.size(), 1u);
  EXPECT_EQ(r->rejected[0].where, "deep");
}

TEST(DebianTracker, BrokenDocumentsFail) {
  for (const std::string_view text : {"", "[]", "\"x\"", "{", R"({"a": {"CVE-1": {})", R"({"a": {}} x)",
                                      R"({"a" {}})", R"({"a": {},})", R"({"a": "unterminated)", "{,}"}) {
    const auto r = parse_tracker(text, "t");
    EXPECT_FALSE(r) << text;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument) << text;
    }
  }
  const auto empty = parse_tracker(" {\n} ", "t");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->advisories.empty());
}

}  // namespace
}  // namespace regscand::scanner::feeds::debian
