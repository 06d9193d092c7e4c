// Alpine secdb JSON: Alpine's own v3.3..v3.11 (main + community) and the vuls, vuln-list and claircore
// fixtures in tests/data, the id rule for secfixes entries, and hostile documents.
#include "scanner/feeds/alpine/secdb.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/support/test_data.hpp"

namespace regscand::scanner::feeds::alpine {
namespace {

namespace fs = std::filesystem;
const fs::path kData = fs::path(REGSCAND_TEST_DATA) / "feeds" / "alpine-secdb";

ImportResult parse_file(const std::string& name) {
  auto parsed = parse_secdb(testing::read_file(kData / name), name);
  EXPECT_TRUE(parsed) << name << ": " << parsed.error().message;
  return parsed ? std::move(*parsed) : ImportResult{};
}

const Advisory* find(const ImportResult& r, std::string_view id) {
  const auto it =
      std::find_if(r.advisories.begin(), r.advisories.end(), [&](const Advisory& a) { return a.id == id; });
  return it == r.advisories.end() ? nullptr : &*it;
}

const Affected* find(const Advisory& a, std::string_view name) {
  const auto it =
      std::find_if(a.affected.begin(), a.affected.end(), [&](const Affected& x) { return x.name == name; });
  return it == a.affected.end() ? nullptr : &*it;
}

// The fixed versions of `a`'s ranges, each checked to be introduced "0" then fixed.
std::vector<std::string> fixed_versions(const Affected& a) {
  std::vector<std::string> out;
  for (const auto& range : a.ranges) {
    EXPECT_EQ(range.type, Range::Type::Ecosystem);
    EXPECT_EQ(range.events.size(), 2u);
    if (range.events.size() != 2) continue;
    EXPECT_EQ(range.events[0].kind, RangeEvent::Kind::Introduced);
    EXPECT_EQ(range.events[0].version, "0");
    EXPECT_EQ(range.events[1].kind, RangeEvent::Kind::Fixed);
    out.push_back(range.events[1].version);
  }
  return out;
}

struct Counts {
  std::size_t advisories = 0, cves = 0, affected = 0, ranges = 0, not_affected = 0;
  bool operator==(const Counts&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Counts& c) {
  return out << "{" << c.advisories << ", " << c.cves << ", " << c.affected << ", " << c.ranges << ", "
             << c.not_affected << "}";
}

Counts counts(const ImportResult& r) {
  Counts c;
  c.advisories = r.advisories.size();
  for (const auto& a : r.advisories) {
    if (a.id.starts_with("CVE-")) ++c.cves;
    c.affected += a.affected.size();
    for (const auto& x : a.affected) {
      c.ranges += x.ranges.size();
      if (x.fix_state == FixState::NotAffected) ++c.not_affected;
      EXPECT_EQ(x.fix_state, x.ranges.empty() ? FixState::NotAffected : FixState::Fixed)
          << a.id << " " << x.name;
    }
  }
  return c;
}

// Expected counts were taken by reading the files with a separate script applying the documented rule;
// the distinct CVE numbers also equal `grep -oE 'CVE[-_][0-9]{4}-[0-9]{4,}' | sort -u` over both the JSON
// and the YAML originals (alpinelinux-alpine-secdb-yaml), except v3.9/main, whose "CVE 2018-16859" (with a
// space) only the importer reads: grep finds 1033 there in both formats.
TEST(AlpineSecdb, AlpineReleasesV33ToV311) {
  const std::pair<std::string, Counts> cases[] = {
      {"v3.3/main.json", {458, 457, 461, 461, 0}},      {"v3.3/community.json", {0, 0, 0, 0, 0}},
      {"v3.4/main.json", {666, 663, 669, 671, 0}},      {"v3.4/community.json", {14, 14, 14, 14, 0}},
      {"v3.5/main.json", {801, 795, 823, 825, 0}},      {"v3.5/community.json", {98, 98, 101, 102, 0}},
      {"v3.6/main.json", {868, 866, 891, 896, 0}},      {"v3.6/community.json", {195, 195, 214, 216, 0}},
      {"v3.7/main.json", {1037, 1026, 1073, 1080, 0}},  {"v3.7/community.json", {378, 378, 401, 410, 0}},
      {"v3.8/main.json", {1089, 1064, 1129, 1132, 5}},  {"v3.8/community.json", {462, 462, 476, 484, 0}},
      {"v3.9/main.json", {1059, 1034, 1101, 1119, 0}},  {"v3.9/community.json", {575, 575, 593, 600, 0}},
      {"v3.10/main.json", {1110, 1096, 1158, 1178, 0}}, {"v3.10/community.json", {692, 692, 712, 719, 0}},
      {"v3.11/main.json", {1123, 1109, 1179, 1199, 0}}, {"v3.11/community.json", {829, 829, 886, 894, 0}},
  };
  for (const auto& [file, want] : cases) {
    const auto r = parse_file("alpinelinux-alpine-secdb-json/" + file);
    EXPECT_EQ(counts(r), want) << file;
    EXPECT_TRUE(r.rejected.empty()) << file << ": " << r.rejected.front().where;
    const std::string release = "Alpine:" + file.substr(0, file.find('/'));
    for (const auto& a : r.advisories) {
      EXPECT_EQ(a.source, "alpine-secdb");
      for (const auto& x : a.affected) EXPECT_EQ(x.ecosystem, release) << file << " " << a.id;
    }
  }
}

TEST(AlpineSecdb, V310Entries) {
  const auto main = parse_file("alpinelinux-alpine-secdb-json/v3.10/main.json");
  // Listed by two packages of the release: one advisory, two Affected.
  const Advisory* http2 = find(main, "CVE-2019-9517");
  ASSERT_NE(http2, nullptr);
  ASSERT_EQ(http2->affected.size(), 2u);
  EXPECT_EQ(http2->affected[0].name, "apache2");
  EXPECT_EQ(fixed_versions(http2->affected[0]), std::vector<std::string>{"2.4.41-r0"});
  EXPECT_EQ(http2->affected[1].name, "nodejs");
  EXPECT_EQ(fixed_versions(http2->affected[1]), std::vector<std::string>{"10.16.3-r0"});
  EXPECT_EQ(http2->affected[1].fix_state, FixState::Fixed);
  EXPECT_FALSE(http2->affected[1].severity.has_value());

  // "CVE-2017-17434-1" and "-2" (patch names) are the one CVE.
  const Advisory* rsync = find(main, "CVE-2017-17434");
  ASSERT_NE(rsync, nullptr);
  ASSERT_EQ(rsync->affected.size(), 1u);
  EXPECT_EQ(fixed_versions(rsync->affected[0]), std::vector<std::string>{"3.1.2-r7"});
  EXPECT_EQ(find(main, "CVE-2017-17434-1"), nullptr);

  // A duplicate in one list is one range.
  EXPECT_EQ(fixed_versions(find(main, "CVE-2019-7577")->affected[0]), std::vector<std::string>{"1.2.15-r11"});

  // "CVE-2016-9815 XSA-201": the CVE, with the XSA as alias; a lone "XSA-254" is an advisory of its own.
  const Advisory* xsa201 = find(main, "CVE-2016-9815");
  ASSERT_NE(xsa201, nullptr);
  EXPECT_EQ(xsa201->aliases, std::vector<std::string>{"XSA-201"});
  EXPECT_EQ(find(main, "XSA-201"), nullptr);
  const Advisory* xsa254 = find(main, "XSA-254");
  ASSERT_NE(xsa254, nullptr);
  ASSERT_EQ(xsa254->affected.size(), 1u);
  EXPECT_EQ(xsa254->affected[0].name, "xen");
  EXPECT_EQ(fixed_versions(xsa254->affected[0]), std::vector<std::string>{"4.10.0-r1"});
  EXPECT_EQ(find(main, "CVE-2017-12122")->aliases, std::vector<std::string>{"TALOS-2017-0488"});

  const auto community = parse_file("alpinelinux-alpine-secdb-json/v3.10/community.json");
  // Fixed on two branches: a range per fixed version (affected below either).
  const Advisory* wireshark = find(community, "CVE-2017-15191");
  ASSERT_NE(wireshark, nullptr);
  ASSERT_EQ(wireshark->affected.size(), 1u);
  EXPECT_EQ(wireshark->affected[0].ecosystem, "Alpine:v3.10");
  EXPECT_EQ(fixed_versions(wireshark->affected[0]), (std::vector<std::string>{"2.2.10-r0", "2.4.2-r0"}));
  // "CVE_2019-2426" is read as CVE-2019-2426.
  const Advisory* underscore = find(community, "CVE-2019-2426");
  ASSERT_NE(underscore, nullptr);
  EXPECT_EQ(underscore->affected[0].name, "openjdk7");
  EXPECT_EQ(fixed_versions(underscore->affected[0]), std::vector<std::string>{"7.211.2.6.17-r0"});
}

TEST(AlpineSecdb, NeverAffectedAndOddEntries) {
  // v3.8 db lists five CVEs under "0".
  const auto v38 = parse_file("alpinelinux-alpine-secdb-json/v3.8/main.json");
  const Advisory* db = find(v38, "CVE-2016-0682");
  ASSERT_NE(db, nullptr);
  ASSERT_EQ(db->affected.size(), 1u);
  EXPECT_EQ(db->affected[0].name, "db");
  EXPECT_EQ(db->affected[0].ecosystem, "Alpine:v3.8");
  EXPECT_EQ(db->affected[0].fix_state, FixState::NotAffected);
  EXPECT_TRUE(db->affected[0].ranges.empty());

  // "CVE 2018-16859", written with a space.
  const auto v39 = parse_file("alpinelinux-alpine-secdb-json/v3.9/main.json");
  const Advisory* ansible = find(v39, "CVE-2018-16859");
  ASSERT_NE(ansible, nullptr);
  EXPECT_EQ(fixed_versions(ansible->affected.at(0)), std::vector<std::string>{"2.7.3-r0"});

  // heimdal's "7.4.0-r0": "" lists nothing; the package's other fixes are kept.
  const auto v36 = parse_file("alpinelinux-alpine-secdb-json/v3.6/main.json");
  const Advisory* heimdal = find(v36, "CVE-2017-17439");
  ASSERT_NE(heimdal, nullptr);
  EXPECT_EQ(heimdal->affected.at(0).name, "heimdal");
  EXPECT_EQ(fixed_versions(heimdal->affected.at(0)), std::vector<std::string>{"7.1.0-r2"});
}

TEST(AlpineSecdb, PeerFixtures) {
  const std::pair<std::string, Counts> cases[] = {
      {"claircore-fixture/v3.10/community.json", {9, 9, 9, 9, 0}},
      {"vuln-list-update-fixtures/311-main.json", {2, 2, 2, 2, 0}},
      {"vuln-list-update-fixtures/311-community.json", {0, 0, 0, 0, 0}},  // "packages": {}
      {"vuln-list-update-fixtures/312-main.json", {1, 1, 1, 1, 0}},       // "2.8.0-r0": {}
      {"vuln-list-update-fixtures/312-community.json", {0, 0, 0, 0, 0}},
      {"vuln-list-update-fixtures/edge-main.json", {2, 2, 2, 2, 0}},
      {"vuln-list-update-fixtures/edge-community.json", {0, 0, 0, 0, 0}},
      {"vuls-data-update-fixtures/edge/main.json", {3, 3, 3, 3, 0}},
      {"vuls-data-update-fixtures/edge/community.json", {8, 8, 8, 8, 0}},
      {"vuls-data-update-fixtures/v3.16/main.json", {2, 2, 2, 2, 0}},
      {"vuls-data-update-fixtures/v3.16/community.json", {1, 1, 1, 1, 0}},
      {"vuls-data-update-fixtures/v3.2/main.json", {1, 1, 1, 1, 0}},
  };
  for (const auto& [file, want] : cases) {
    const auto r = parse_file(file);
    EXPECT_EQ(counts(r), want) << file;
    EXPECT_TRUE(r.rejected.empty()) << file;
  }

  // The vuln-list goldens: what their updater keeps per package.
  const auto edge = parse_file("vuln-list-update-fixtures/edge-main.json");
  const Advisory* apk = find(edge, "CVE-2021-36159");
  ASSERT_NE(apk, nullptr);
  const Affected* tools = find(*apk, "apk-tools");
  ASSERT_NE(tools, nullptr);
  EXPECT_EQ(tools->ecosystem, "Alpine:edge");
  EXPECT_EQ(fixed_versions(*tools), std::vector<std::string>{"2.12.6-r0"});
  const auto v312 = parse_file("vuln-list-update-fixtures/312-main.json");
  ASSERT_EQ(v312.advisories.size(), 1u);
  EXPECT_EQ(v312.advisories[0].id, "CVE-2018-16876");
  EXPECT_EQ(v312.advisories[0].affected.at(0).ecosystem, "Alpine:v3.12");
  EXPECT_EQ(fixed_versions(v312.advisories[0].affected.at(0)), std::vector<std::string>{"2.7.9-r0"});
  const auto claircore = parse_file("claircore-fixture/v3.10/community.json");
  const Advisory* chicken = find(claircore, "CVE-2016-6831");
  ASSERT_NE(chicken, nullptr);
  EXPECT_EQ(chicken->affected.at(0).name, "chicken");
  EXPECT_EQ(fixed_versions(chicken->affected.at(0)), std::vector<std::string>{"4.11.1-r0"});
}

TEST(AlpineSecdb, EntryIds) {
  const auto ids = [](std::string_view entry) {
    const auto got = entry_ids(entry);
    std::string out;
    for (const auto& id : got.cves) out += id + " ";
    out += "|";
    for (const auto& id : got.others) out += " " + id;
    return out;
  };
  EXPECT_EQ(ids("CVE-2019-1 CVE-2019-2"), "|");  // fewer than 4 digits: not CVE numbers
  EXPECT_EQ(ids("CVE-2019-1000 CVE-2019-20001"), "CVE-2019-1000 CVE-2019-20001 |");
  EXPECT_EQ(ids("CVE-2018-1000001 (sic)"), "CVE-2018-1000001 |");
  EXPECT_EQ(ids("CVE-2017-5753 CVE-2017-5715 CVE-2017-5754 XSA-254 XPTI"),
            "CVE-2017-5753 CVE-2017-5715 CVE-2017-5754 | XSA-254");
  EXPECT_EQ(ids("CVE-\?\?\?\?-\?\?\?\?\?  XSA-295"), "| XSA-295");
  EXPECT_EQ(ids("CVE-2019-19451.patch"), "CVE-2019-19451 |");
  EXPECT_EQ(ids("CVE_2019-2426"), "CVE-2019-2426 |");
  EXPECT_EQ(ids("CVE 2018-16859"), "CVE-2018-16859 |");
  EXPECT_EQ(ids("CVE 2018-16859x"), "|");
  EXPECT_EQ(ids("CVE-2016-10134 ZBX-11023"), "CVE-2016-10134 | ZBX-11023");
  EXPECT_EQ(ids("wnpa-sec-2017-18, GHSA-abcd-efgh-ijkl; OSV-2020-1 ALPINE-13661"),
            "| wnpa-sec-2017-18 GHSA-abcd-efgh-ijkl OSV-2020-1 ALPINE-13661");
  EXPECT_EQ(ids("CVE-2018-10103 (SMB - partially fixed, but SMB printing disabled)"), "CVE-2018-10103 |");
  EXPECT_EQ(ids("XSA- GHSA-(x) cve-2019-1234 CVE-2019-1234 CVE-2019-1234"), "CVE-2019-1234 |");
  EXPECT_EQ(ids(""), "|");
  EXPECT_EQ(ids("CVE-2019-" + std::string(200, '1')), "|");  // too long for an id
}

TEST(AlpineSecdb, BadPackagesAreRejectedAndTheRestImported) {
  const auto r = parse_secdb(R"({"distroversion": "v3.18", "packages": [
    {"pkg": {"name": "ok", "secfixes": {"1.0-r0": ["CVE-2023-0001"], "0": ["CVE-2023-0002"]}}},
    "string",
    {"pkg": "x"},
    {"pkg": {"secfixes": {}}},
    {"pkg": {"name": "nofixes"}},
    {"pkg": {"name": "badlist", "secfixes": {"1.0-r0": "CVE-2023-0003"}}},
    {"pkg": {"name": "badentry", "secfixes": {"1.0-r0": ["CVE-2023-0004"], "1.1-r0": [5]}}},
    {"pkg": {"name": "emptyversion", "secfixes": {"": ["CVE-2023-0005"]}}},
    {"pkg": {"name": "nulls", "secfixes": {"1.0-r0": null, "1.1-r0": [], "1.2-r0": ["CVE-2023-0001"]}}},
    {"pkg": {"name": "ok", "secfixes": {"1.1-r0": ["CVE-2023-0001"]}}}
  ]})",
                             "v3.18/main.json");
  ASSERT_TRUE(r) << r.error().message;
  std::vector<std::string> rejected;
  for (const auto& x : r->rejected) rejected.push_back(x.where + ": " + x.reason);
  EXPECT_EQ(rejected, (std::vector<std::string>{
                          "v3.18/main.json/packages[1]: not an object",
                          "v3.18/main.json/packages[2]: no pkg object",
                          "v3.18/main.json/packages[3]: no name",
                          "v3.18/main.json/nofixes: no secfixes",
                          "v3.18/main.json/badlist: secfixes.1.0-r0 is not a list",
                          "v3.18/main.json/badentry: secfixes.1.1-r0 holds a non-string",
                          "v3.18/main.json/emptyversion: empty fixed version",
                      }));
  ASSERT_EQ(r->advisories.size(), 2u);
  const Advisory& first = r->advisories[0];
  EXPECT_EQ(first.id, "CVE-2023-0002");  // secfixes keys are read in sorted order: "0" first
  EXPECT_EQ(first.affected.at(0).fix_state, FixState::NotAffected);
  const Advisory& second = r->advisories[1];
  EXPECT_EQ(second.id, "CVE-2023-0001");
  ASSERT_EQ(second.affected.size(), 2u);  // "ok" twice is one Affected with both fixes
  EXPECT_EQ(second.affected[0].name, "ok");
  EXPECT_EQ(fixed_versions(second.affected[0]), (std::vector<std::string>{"1.0-r0", "1.1-r0"}));
  EXPECT_EQ(second.affected[1].name, "nulls");
  EXPECT_EQ(second.affected[1].ecosystem, "Alpine:v3.18");
}

TEST(AlpineSecdb, BrokenDocumentsFail) {
  for (const std::string_view text :
       {"", "[]", "{", R"({"packages": []})", R"({"distroversion": 3, "packages": []})",
        R"({"distroversion": "v3.1"})", R"({"distroversion": "v3.1", "packages": 1})",
        R"({"distroversion": "v3.1", "packages": {"a": 1}})", "{\"a\": \"\xff\"}"}) {
    const auto r = parse_secdb(text, "x.json");
    EXPECT_FALSE(r) << text;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument) << text;
      EXPECT_TRUE(r.error().message.starts_with("alpine-secdb: x.json: ")) << r.error().message;
    }
  }
  const std::string deep =
      R"({"distroversion": "v3.1", "packages": )" + std::string(50, '[') + std::string(50, ']') + "}";
  EXPECT_FALSE(parse_secdb(deep, "x.json"));
}

}  // namespace
}  // namespace regscand::scanner::feeds::alpine
