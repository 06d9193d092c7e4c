// CycloneDX 1.5 JSON, checked field by field: the bom's required fields, metadata (timestamp, tools in the
// 1.5 form, the image as a container component), components (unique bom-refs, types, purls, layer
// properties) and vulnerabilities (ids, sources, ratings with enum values, affects pointing at components).
#include "server/reports/cyclonedx.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "tests/server/reports/report_fixture.hpp"

namespace regscand::server::reports {
namespace {

using nlohmann::json;

json render() {
  return json::parse(
      render_cyclonedx(testing::sample_report()).dump(-1, ' ', false, json::error_handler_t::replace));
}

const json& vulnerability(const json& bom, std::string_view id) {
  for (const auto& v : bom["vulnerabilities"]) {
    if (v["id"] == id) return v;
  }
  static const json kNone;
  ADD_FAILURE() << "no vulnerability " << id;
  return kNone;
}

const json& component(const json& bom, std::string_view name) {
  for (const auto& c : bom["components"]) {
    if (c["name"] == name) return c;
  }
  static const json kNone;
  ADD_FAILURE() << "no component " << name;
  return kNone;
}

TEST(CycloneDx, BomAndMetadata) {
  const auto bom = render();
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.5");
  EXPECT_EQ(bom["version"], 1);
  const std::regex urn("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(bom["serialNumber"].get<std::string>(), urn)) << bom["serialNumber"];
  EXPECT_EQ(bom["serialNumber"], render()["serialNumber"]);  // deterministic per image
  const auto& meta = bom["metadata"];
  EXPECT_EQ(meta["timestamp"], "2026-11-29T10:00:00Z");
  ASSERT_TRUE(meta["tools"].is_object());  // the 1.5 form, not the deprecated array
  ASSERT_EQ(meta["tools"]["components"].size(), 1u);
  EXPECT_EQ(meta["tools"]["components"][0]["type"], "application");
  EXPECT_EQ(meta["tools"]["components"][0]["name"], "regscand");
  EXPECT_EQ(meta["tools"]["components"][0]["version"], "0.1.0");
  const auto& image = meta["component"];
  EXPECT_EQ(image["type"], "container");
  EXPECT_EQ(image["name"], "team/app");
  EXPECT_EQ(image["version"], "sha256:" + std::string(64, 'a'));
  EXPECT_EQ(image["bom-ref"], "registry.example:5000/team/app@sha256:" + std::string(64, 'a'));
  EXPECT_EQ(image["purl"], "pkg:oci/app@sha256%3A" + std::string(64, 'a') +
                               "?repository_url=registry.example%3A5000%2Fteam%2Fapp");
}

TEST(CycloneDx, UuidV5MatchesRfc4122) {
  // RFC 4122 / Python: uuid.uuid5(uuid.NAMESPACE_URL, "http://python.org/")
  EXPECT_EQ(uuid_v5_urn("http://python.org/"), "urn:uuid:4c565f0d-3f5a-5890-b41b-20cf47701c5e");
}

TEST(CycloneDx, ComponentsHaveUniqueRefsTypesAndPurls) {
  const auto bom = render();
  const std::set<std::string> types{"application",
                                    "framework",
                                    "library",
                                    "container",
                                    "platform",
                                    "operating-system",
                                    "device",
                                    "device-driver",
                                    "firmware",
                                    "file",
                                    "machine-learning-model",
                                    "data"};
  std::set<std::string> refs;
  for (const auto& c : bom["components"]) {
    ASSERT_TRUE(c["name"].is_string());
    EXPECT_TRUE(types.contains(c["type"].get<std::string>())) << c["type"];
    EXPECT_TRUE(refs.insert(c["bom-ref"].get<std::string>()).second) << "duplicate " << c["bom-ref"];
  }
  EXPECT_EQ(bom["components"].size(), 6u);  // the OS and five packages
  const auto& os = bom["components"][0];
  EXPECT_EQ(os["type"], "operating-system");
  EXPECT_EQ(os["name"], "debian");
  EXPECT_EQ(os["version"], "12");
  const auto& openssl = component(bom, "openssl");
  EXPECT_EQ(openssl["type"], "library");
  EXPECT_EQ(openssl["version"], "1:3.0.11-1");
  EXPECT_EQ(openssl["purl"], "pkg:deb/debian/openssl@1%3A3.0.11-1?arch=amd64&distro=debian-12");
  EXPECT_EQ(openssl["bom-ref"], openssl["purl"]);
  std::map<std::string, std::string> props;
  for (const auto& p : openssl["properties"]) props[p["name"]] = p["value"];
  EXPECT_EQ(props["regscand:layer:position"], "0");
  EXPECT_EQ(props["regscand:layer:digest"], "sha256:" + std::string(64, '0'));
  EXPECT_EQ(props["regscand:path"], "var/lib/dpkg/status");
  EXPECT_EQ(component(bom, "Django")["purl"], "pkg:pypi/django@4.2.0");
  EXPECT_EQ(component(bom, "@scope/pkg")["purl"], "pkg:npm/%40scope/pkg@1.0.0");
}

TEST(CycloneDx, SamePurlAtTwoPathsGetsTwoRefs) {
  auto report = testing::sample_report();
  report.packages.push_back(
      testing::package("npm", "@scope/pkg", "1.0.0", "other/node_modules/@scope/pkg/package.json"));
  report.findings.clear();
  const auto bom = render_cyclonedx(report);
  std::set<std::string> refs;
  for (const auto& c : bom["components"]) EXPECT_TRUE(refs.insert(c["bom-ref"].get<std::string>()).second);
  EXPECT_TRUE(refs.contains("pkg:npm/%40scope/pkg@1.0.0#2"));
}

TEST(CycloneDx, VulnerabilitiesWithRatingsAndAffects) {
  const auto bom = render();
  ASSERT_EQ(bom["vulnerabilities"].size(), 4u);
  std::set<std::string> refs;
  for (const auto& c : bom["components"]) refs.insert(c["bom-ref"].get<std::string>());
  const std::set<std::string> severities{"critical", "high", "medium", "low", "info", "none", "unknown"};
  const std::set<std::string> methods{"CVSSv2", "CVSSv3", "CVSSv31", "CVSSv4", "OWASP", "SSVC", "other"};
  for (const auto& v : bom["vulnerabilities"]) {
    ASSERT_TRUE(v["id"].is_string());
    EXPECT_TRUE(refs.insert(v["bom-ref"].get<std::string>()).second) << "bom-ref reused " << v["bom-ref"];
    EXPECT_TRUE(v["source"]["name"].is_string());
    EXPECT_TRUE(v["source"]["url"].get<std::string>().starts_with("https://"));
    ASSERT_FALSE(v["ratings"].empty());
    for (const auto& r : v["ratings"]) {
      EXPECT_TRUE(severities.contains(r["severity"].get<std::string>())) << r["severity"];
      if (r.contains("method")) {
        EXPECT_TRUE(methods.contains(r["method"].get<std::string>())) << r["method"];
      }
      if (r.contains("score")) {
        EXPECT_TRUE(r["score"].is_number());
      }
    }
    ASSERT_FALSE(v["affects"].empty());
    for (const auto& a : v["affects"]) {
      EXPECT_TRUE(refs.contains(a["ref"].get<std::string>())) << "affects unknown ref " << a["ref"];
      for (const auto& version : a["versions"]) {
        EXPECT_TRUE(version["version"].is_string());
        EXPECT_EQ(version["status"], "affected");
      }
    }
    EXPECT_TRUE(v["recommendation"].is_string());
  }
  const auto& critical = vulnerability(bom, "CVE-2023-0001");
  EXPECT_EQ(critical["source"]["url"], "https://nvd.nist.gov/vuln/detail/CVE-2023-0001");
  EXPECT_EQ(critical["ratings"][0]["severity"], "critical");
  EXPECT_EQ(critical["ratings"][0]["score"], 9.8);
  EXPECT_EQ(critical["ratings"][0]["method"], "CVSSv31");
  EXPECT_EQ(critical["description"], "openssl overflow");
  EXPECT_EQ(critical["published"], "2023-01-02T00:00:00Z");
  EXPECT_EQ(critical["advisories"][0]["url"], "https://example.test/CVE-2023-0001");
  EXPECT_EQ(critical["affects"].size(), 2u);  // openssl and libssl3
  EXPECT_EQ(critical["affects"][0]["versions"][0]["version"], "1:3.0.11-1");
  EXPECT_NE(critical["recommendation"].get<std::string>().find("1:3.0.12-1"), std::string::npos);
  const auto& medium = vulnerability(bom, "GHSA-aaaa");
  EXPECT_EQ(medium["ratings"][0]["severity"], "medium");
  EXPECT_FALSE(medium["ratings"][0].contains("score"));
  EXPECT_FALSE(medium["ratings"][0].contains("method"));
  EXPECT_EQ(medium["references"][0]["id"], "CVE-2023-0003");
  EXPECT_EQ(medium["affects"][0]["ref"], "pkg:pypi/django@4.2.0");
  EXPECT_NE(medium["recommendation"].get<std::string>().find("4.2.1"), std::string::npos);
  EXPECT_EQ(vulnerability(bom, "OSV-2020-1")["ratings"][0]["severity"], "unknown");
  EXPECT_FALSE(medium.contains("published"));  // "2023-03-04" is no date-time
  EXPECT_EQ(vulnerability(bom, "OSV-2020-1")["published"], "2020-01-01T00:00:00.123+02:00");
}

TEST(CycloneDx, EnumMappings) {
  EXPECT_EQ(cyclonedx_severity("negligible"), "info");
  EXPECT_EQ(cyclonedx_severity(""), "unknown");
  EXPECT_EQ(cyclonedx_severity("high"), "high");
  EXPECT_EQ(cyclonedx_method("CVSS:3.0/AV:N"), "CVSSv3");
  EXPECT_EQ(cyclonedx_method("CVSS:3.1/AV:N"), "CVSSv31");
  EXPECT_EQ(cyclonedx_method("CVSS:4.0/AV:N"), "CVSSv4");
  EXPECT_EQ(cyclonedx_method("AV:N/AC:L/Au:N/C:P/I:P/A:P"), "CVSSv2");
  EXPECT_EQ(cyclonedx_method(""), "other");
}

TEST(CycloneDx, HostileTextsSurviveAsText) {
  const auto bom = render();
  const auto& v = vulnerability(bom, "CVE-2023-<9>");
  EXPECT_EQ(v["description"].get<std::string>().substr(0, 8), "<script>");
  EXPECT_NE(v["detail"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(v["source"]["url"], "https://nvd.nist.gov/vuln/detail/CVE-2023-%3C9%3E");
  EXPECT_EQ(bom.dump().find('\x01'), std::string::npos);
}

}  // namespace
}  // namespace regscand::server::reports
