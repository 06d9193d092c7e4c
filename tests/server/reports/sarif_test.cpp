// SARIF 2.1.0 as GitHub code scanning accepts it, checked field by field: every property the schema
// requires of sarifLog, run, tool, toolComponent, reportingDescriptor, result and location, plus what
// GitHub reads (security-severity, helpUri, a physical location with a region, partialFingerprints).
#include "server/reports/sarif.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/server/reports/report_fixture.hpp"

namespace regscand::server::reports {
namespace {

using nlohmann::json;

// As the handler sends it: dumped with invalid UTF-8 replaced, then parsed back (must be valid JSON).
json round_trip(const json& doc) {
  return json::parse(doc.dump(-1, ' ', false, json::error_handler_t::replace));
}

json render() {
  return round_trip(render_sarif(testing::sample_report()));
}

const json& rule(const json& run, std::string_view id) {
  for (const auto& r : run["tool"]["driver"]["rules"]) {
    if (r["id"] == id) return r;
  }
  static const json kNone;
  ADD_FAILURE() << "no rule " << id;
  return kNone;
}

TEST(Sarif, LogAndRun) {
  const auto log = render();
  EXPECT_EQ(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  EXPECT_EQ(log["version"], "2.1.0");
  ASSERT_TRUE(log["runs"].is_array());
  ASSERT_EQ(log["runs"].size(), 1u);
  const auto& run = log["runs"][0];
  ASSERT_TRUE(run["tool"].is_object());
  const auto& driver = run["tool"]["driver"];
  EXPECT_EQ(driver["name"], "regscand");
  EXPECT_EQ(driver["version"], "0.1.0");
  EXPECT_TRUE(driver["informationUri"].get<std::string>().starts_with("https://"));
  ASSERT_TRUE(driver["rules"].is_array());
  ASSERT_TRUE(run["results"].is_array());
  EXPECT_EQ(run["results"].size(), 5u);
  EXPECT_EQ(run["originalUriBaseIds"]["ROOTPATH"]["uri"], "file:///");
}

TEST(Sarif, OneRuleperVulnerabilityWithEveryField) {
  const auto run = render()["runs"][0];
  const auto& rules = run["tool"]["driver"]["rules"];
  EXPECT_EQ(rules.size(), 4u);
  std::set<std::string> ids;
  for (const auto& r : rules) {
    ASSERT_TRUE(r["id"].is_string());
    EXPECT_TRUE(ids.insert(r["id"].get<std::string>()).second) << "duplicate rule " << r["id"];
    EXPECT_FALSE(r["shortDescription"]["text"].get<std::string>().empty());
    EXPECT_FALSE(r["fullDescription"]["text"].get<std::string>().empty());
    EXPECT_TRUE(r["helpUri"].get<std::string>().starts_with("https://")) << r["helpUri"];
    EXPECT_TRUE(r["help"]["text"].is_string());
    EXPECT_TRUE(r["help"]["markdown"].is_string());
    const auto level = r["defaultConfiguration"]["level"].get<std::string>();
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note") << level;
    const auto& props = r["properties"];
    ASSERT_TRUE(props["security-severity"].is_string());
    const double sev = std::stod(props["security-severity"].get<std::string>());
    EXPECT_GE(sev, 0.0);
    EXPECT_LE(sev, 10.0);
    ASSERT_TRUE(props["tags"].is_array());
    EXPECT_EQ(props["tags"][0], "security");
    EXPECT_EQ(props["tags"][1], "vulnerability");
    EXPECT_EQ(props["precision"], "very-high");
  }
  const auto& critical = rule(run, "CVE-2023-0001");
  EXPECT_EQ(critical["shortDescription"]["text"], "openssl overflow");
  EXPECT_EQ(critical["fullDescription"]["text"], "A long description of the overflow.");
  EXPECT_EQ(critical["helpUri"], "https://example.test/CVE-2023-0001");
  EXPECT_EQ(critical["properties"]["security-severity"], "9.8");  // the highest score of its findings
  EXPECT_EQ(critical["defaultConfiguration"]["level"], "error");
  EXPECT_EQ(critical["name"], "OsPackageVulnerability");
  const auto& medium = rule(run, "GHSA-aaaa");
  EXPECT_EQ(medium["properties"]["security-severity"], "5.5");  // from the severity: no score
  EXPECT_EQ(medium["defaultConfiguration"]["level"], "warning");
  EXPECT_EQ(medium["name"], "LanguageSpecificPackageVulnerability");
  EXPECT_EQ(rule(run, "OSV-2020-1")["properties"]["security-severity"], "0.0");
}

TEST(Sarif, OneResultPerFindingWithALocation) {
  const auto run = render()["runs"][0];
  const auto& rules = run["tool"]["driver"]["rules"];
  std::set<std::string> fingerprints;
  for (const auto& r : run["results"]) {
    ASSERT_TRUE(r["ruleId"].is_string());
    ASSERT_TRUE(r["ruleIndex"].is_number_unsigned());
    EXPECT_EQ(rules[r["ruleIndex"].get<std::size_t>()]["id"], r["ruleId"]);
    ASSERT_TRUE(r["message"]["text"].is_string());
    ASSERT_EQ(r["locations"].size(), 1u);
    const auto& physical = r["locations"][0]["physicalLocation"];
    EXPECT_FALSE(physical["artifactLocation"]["uri"].get<std::string>().empty());
    EXPECT_EQ(physical["region"]["startLine"], 1);
    const auto& fp = r["partialFingerprints"];
    ASSERT_TRUE(fp.is_object());
    ASSERT_EQ(fp.size(), 1u);
    EXPECT_TRUE(fingerprints.insert(fp.begin()->get<std::string>()).second);
  }
  const auto& first = run["results"][0];
  EXPECT_EQ(first["ruleId"], "CVE-2023-0001");
  EXPECT_EQ(first["level"], "error");
  const auto message = first["message"]["text"].get<std::string>();
  EXPECT_NE(message.find("Package: openssl"), std::string::npos) << message;
  EXPECT_NE(message.find("Installed Version: 1:3.0.11-1"), std::string::npos) << message;
  EXPECT_NE(message.find("Fixed Version: 1:3.0.12-1"), std::string::npos) << message;
  EXPECT_EQ(first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "var/lib/dpkg/status");
  EXPECT_EQ(run["results"][1]["level"], "error");  // high
  EXPECT_EQ(run["results"][2]["level"], "warning");
  // No path: the image reference, as a relative URI reference (no colon to read as a scheme).
  EXPECT_EQ(run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "registry.example%3A5000/team/app@sha256%3A" + std::string(64, 'a'));
  EXPECT_EQ(run["results"][3]["level"], "note");  // low
  EXPECT_EQ(run["results"][4]["level"], "note");  // unknown
}

TEST(Sarif, LocationUrisAreEncodedRelativeReferences) {
  auto report = testing::sample_report();
  report.findings.resize(1);
  report.findings[0].package.path = "/usr/lib/my app/%x#?.json";
  const auto log = render_sarif(report);
  EXPECT_EQ(log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "usr/lib/my%20app/%25x%23%3F.json");
}

TEST(Sarif, LevelsBySeverity) {
  EXPECT_EQ(sarif_level("critical"), "error");
  EXPECT_EQ(sarif_level("high"), "error");
  EXPECT_EQ(sarif_level("medium"), "warning");
  EXPECT_EQ(sarif_level("low"), "note");
  EXPECT_EQ(sarif_level("negligible"), "note");
  EXPECT_EQ(sarif_level("unknown"), "note");
  EXPECT_EQ(sarif_level(""), "note");
}

TEST(Sarif, FingerprintsAreStableAcrossRenders) {
  const auto a = render()["runs"][0]["results"];
  const auto b = render()["runs"][0]["results"];
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(a[i]["partialFingerprints"], b[i]["partialFingerprints"]);
}

TEST(Sarif, HostileTextsStayTextAndUnsafeUrlsAreNotLinked) {
  const auto log = render();
  const auto& run = log["runs"][0];
  const auto& r = rule(run, "CVE-2023-<9>");
  // Plain text fields carry the text as is (JSON escaping is nlohmann's).
  EXPECT_EQ(r["shortDescription"]["text"].get<std::string>().substr(0, 8), "<script>");
  // Markdown: no raw HTML, no live link or heading from the advisory.
  const auto markdown = r["help"]["markdown"].get<std::string>();
  EXPECT_EQ(markdown.find("<script>"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("&lt;script&gt;"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("\\[link\\]\\(javascript:alert\\(1\\)\\)"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("\\# heading"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("&lt;9&gt;"), std::string::npos) << markdown;
  // Neither reference is a safe http(s) URL: the help link falls back to OSV, percent-encoded.
  EXPECT_EQ(r["helpUri"], "https://osv.dev/vulnerability/CVE-2023-%3C9%3E");
  // Invalid UTF-8 was replaced, the control byte escaped: the document parsed back.
  EXPECT_NE(r["fullDescription"]["text"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
  const auto dumped = log.dump();
  EXPECT_EQ(dumped.find('\x01'), std::string::npos);
}

TEST(Sarif, NoFindingsIsAValidEmptyRun) {
  auto report = testing::sample_report();
  report.findings.clear();
  const auto log = round_trip(render_sarif(report));
  EXPECT_TRUE(log["runs"][0]["results"].is_array());
  EXPECT_TRUE(log["runs"][0]["results"].empty());
  EXPECT_TRUE(log["runs"][0]["tool"]["driver"]["rules"].empty());
}

}  // namespace
}  // namespace regscand::server::reports
