// GET /v1/images/{digest}/report over seeded PostgreSQL through the real HTTP server: SARIF and CycloneDX
// with their content types, advisory texts joined in, an image with more findings and packages than one
// storage page (1,200 of each), a known image without inventory, 400 for the format and other parameters,
// 404 for an unknown digest, 401 without a token.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "server/api/reports.hpp"
#include "tests/server/api/seeded_catalog.hpp"

namespace regscand::testing {
namespace {

using nlohmann::json;

// A: Debian 12 with openssl (an epoch), libc6 and a scoped npm package; CVE-2023-0001 critical on openssl,
// CVE-2023-0002 high on libc6 (no fix), GHSA-aaaa medium on the npm package, a resolved one. B: 1,200
// packages, each with one finding. C: pushed, not scanned.
constexpr const char* kSeed = R"sql(
INSERT INTO manifests (registry, repository, digest, media_type, first_pushed_at, last_pushed_at)
VALUES ('local', 'team/app', '%A%', 'application/vnd.oci.image.manifest.v1+json', now(), now()),
       ('local', 'team/big', '%B%', 'application/vnd.oci.image.manifest.v1+json', now(), now()),
       ('local', 'team/new', '%C%', 'application/vnd.oci.image.manifest.v1+json', now(), now());
INSERT INTO tags (registry, repository, tag, digest) VALUES ('local', 'team/app', 'v1', '%A%');
INSERT INTO distributions (did, version_id, version_codename, pretty_name)
VALUES ('debian', '12', 'bookworm', 'Debian GNU/Linux 12 (bookworm)');
INSERT INTO packages (ecosystem, name, version, arch, source_name, source_version, module) VALUES
  ('dpkg', 'openssl', '1:3.0.11-1', 'amd64', 'openssl', '1:3.0.11-1', ''),
  ('dpkg', 'libc6', '2.36-9', 'amd64', 'glibc', '2.36-9', ''),
  ('npm', '@scope/pkg', '1.0.0', '', '@scope/pkg', '1.0.0', '');
INSERT INTO packages (ecosystem, name, version, arch, source_name, source_version, module)
SELECT 'pypi', 'pkg' || n, '1.' || n, '', 'pkg' || n, '1.' || n, '' FROM generate_series(1, 1200) n;
INSERT INTO image_inventories (registry, repository, digest, analyzers, platform, distribution_id, package_count)
VALUES ('local', 'team/app', '%A%', 'dpkg/1', 'linux/amd64', (SELECT id FROM distributions), 3),
       ('local', 'team/big', '%B%', 'pypi/1', 'linux/amd64', NULL, 1200);
INSERT INTO image_layers (inventory_id, position, digest)
SELECT i.id, l.p, 'sha256:' || repeat(l.p::text, 64) FROM image_inventories i, (VALUES (0), (1)) l(p);
INSERT INTO image_packages (inventory_id, package_id, path, layer)
SELECT i.id, p.id, CASE p.ecosystem WHEN 'npm' THEN 'app/node_modules/@scope/pkg/package.json'
                   ELSE 'var/lib/dpkg/status' END, CASE p.ecosystem WHEN 'npm' THEN 1 ELSE 0 END
FROM image_inventories i, packages p WHERE i.digest = '%A%' AND p.ecosystem <> 'pypi';
INSERT INTO image_packages (inventory_id, package_id, path, layer)
SELECT i.id, p.id, 'usr/lib/python3/site-packages/' || p.name || '.dist-info/METADATA', 1
FROM image_inventories i, packages p WHERE i.digest = '%B%' AND p.ecosystem = 'pypi';
SELECT seed_finding('%A%', 'openssl', 'CVE-2023-0001', 'Critical', 'fixed', '1:3.0.12-1', 9.8, '[]', false);
SELECT seed_finding('%A%', 'libc6', 'CVE-2023-0002', 'High', 'not-fixed', '', 7.5, '[]', false);
SELECT seed_finding('%A%', '@scope/pkg', 'GHSA-aaaa', 'Medium', 'fixed', '1.0.1', NULL, '[]', false);
SELECT seed_finding('%A%', 'libc6', 'CVE-2022-9999', 'Low', 'fixed', '2.36-10', 3.1, '[]', true);
-- What seed_finding() records, for B's 1,200 packages in one statement (1,200 calls took 4 s).
INSERT INTO findings (inventory_id, package_id, path, vulnerability, severity, severity_source, cvss_score,
                      cvss_vector, fix_state, fixed_version, remediation, aliases, refs, sources, resolved_at)
SELECT i.id, p.id, ip.path, v.id, 'Low', 'osv', NULL, NULL, 'not-fixed', '', 'No fix yet', '[]',
       ('["https://example.test/' || v.id || '"]')::jsonb, '["osv"]', NULL
FROM image_inventories i JOIN image_packages ip ON ip.inventory_id = i.id JOIN packages p ON p.id = ip.package_id,
     LATERAL (SELECT 'CVE-2024-' || lpad(substr(p.name, 4), 4, '0') AS id) v
WHERE i.digest = '%B%' AND p.ecosystem = 'pypi';
INSERT INTO feed_sources (source, kind, record_count, last_attempt_at, last_success_at)
VALUES ('/feeds/osv', 'osv-dir', 1, now(), now());
INSERT INTO advisories (source, advisory_id, fingerprint, doc) VALUES
  ('/feeds/osv', 'CVE-2023-0001', 'f1', '{"source": "osv", "id": "CVE-2023-0001", "aliases": [], "summary": "openssl overflow",
    "details": "Details of the overflow.", "published": "2023-01-02T00:00:00Z", "modified": "", "withdrawn": "",
    "cvss": [], "severity": null, "severity_source": "", "references": [], "affected": []}');
)sql";

class ReportApi : public SeededCatalog {
 protected:
  std::string seed() const override { return kSeed; }
  void add_routes(http::Router& router) override {
    server::api::add_report_routes(router, *catalog_, *findings_, *db_);
  }

  std::string report(char image, std::string_view format) {
    return "/v1/images/" + digest(image) + "/report?format=" + std::string(format);
  }
};

TEST_F(ReportApi, Sarif) {
  const auto log = get_ok(report('a', "sarif"), "application/sarif+json");
  EXPECT_EQ(log["version"], "2.1.0");
  const auto& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "regscand");
  EXPECT_FALSE(run["tool"]["driver"]["version"].get<std::string>().empty());
  ASSERT_EQ(run["results"].size(), 3u);  // open findings only
  std::map<std::string, json> results;
  for (const auto& r : run["results"]) results[r["ruleId"]] = r;
  EXPECT_EQ(results["CVE-2023-0001"]["level"], "error");
  EXPECT_EQ(results["CVE-2023-0002"]["level"], "error");
  EXPECT_EQ(results["GHSA-aaaa"]["level"], "warning");
  EXPECT_EQ(results["CVE-2023-0001"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "var/lib/dpkg/status");
  const auto message = results["CVE-2023-0001"]["message"]["text"].get<std::string>();
  EXPECT_NE(message.find("1:3.0.12-1"), std::string::npos) << message;
  for (const auto& r : run["tool"]["driver"]["rules"]) {
    if (r["id"] != "CVE-2023-0001") continue;
    EXPECT_EQ(r["shortDescription"]["text"], "openssl overflow");  // from the advisory
    EXPECT_EQ(r["fullDescription"]["text"], "Details of the overflow.");
    EXPECT_EQ(r["helpUri"], "https://example.test/CVE-2023-0001");
    EXPECT_EQ(r["properties"]["security-severity"], "9.8");
  }
  EXPECT_EQ(run["properties"]["imageReference"], "local/team/app@" + digest('a'));
}

TEST_F(ReportApi, CycloneDx) {
  const auto bom = get_ok(report('a', "cyclonedx"), "application/vnd.cyclonedx+json;version=1.5");
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.5");
  EXPECT_TRUE(bom["serialNumber"].get<std::string>().starts_with("urn:uuid:"));
  EXPECT_EQ(bom["metadata"]["component"]["name"], "team/app");
  EXPECT_EQ(bom["metadata"]["component"]["version"], digest('a'));
  EXPECT_EQ(bom["metadata"]["tools"]["components"][0]["name"], "regscand");
  std::set<std::string> purls;
  for (const auto& c : bom["components"]) {
    if (c.contains("purl")) purls.insert(c["purl"].get<std::string>());
  }
  EXPECT_EQ(bom["components"].size(), 4u);  // debian + 3 packages
  EXPECT_TRUE(purls.contains("pkg:deb/debian/openssl@1%3A3.0.11-1?arch=amd64&distro=debian-12"));
  EXPECT_TRUE(purls.contains("pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12"));
  EXPECT_TRUE(purls.contains("pkg:npm/%40scope/pkg@1.0.0"));
  ASSERT_EQ(bom["vulnerabilities"].size(), 3u);
  for (const auto& v : bom["vulnerabilities"]) {
    ASSERT_EQ(v["affects"].size(), 1u) << v["id"];
    EXPECT_TRUE(purls.contains(v["affects"][0]["ref"].get<std::string>())) << v["id"];
    if (v["id"] == "CVE-2023-0001") {
      EXPECT_EQ(v["ratings"][0]["severity"], "critical");
      EXPECT_NEAR(v["ratings"][0]["score"].get<double>(), 9.8, 1e-4);
      EXPECT_EQ(v["ratings"][0]["method"], "CVSSv31");
      EXPECT_EQ(v["description"], "openssl overflow");
      EXPECT_EQ(v["published"], "2023-01-02T00:00:00Z");
      EXPECT_NE(v["recommendation"].get<std::string>().find("1:3.0.12-1"), std::string::npos);
    }
  }
}

TEST_F(ReportApi, MoreRowsThanOnePage) {
  const auto log = get_ok(report('b', "sarif"), "application/sarif+json");
  EXPECT_EQ(log["runs"][0]["results"].size(), 1200u);
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["rules"].size(), 1200u);
  const auto bom = get_ok(report('b', "cyclonedx"), "application/vnd.cyclonedx+json;version=1.5");
  EXPECT_EQ(bom["components"].size(), 1200u);  // no distribution
  EXPECT_EQ(bom["vulnerabilities"].size(), 1200u);
  std::set<std::string> refs;
  for (const auto& c : bom["components"]) refs.insert(c["bom-ref"].get<std::string>());
  EXPECT_EQ(refs.size(), 1200u);
}

TEST_F(ReportApi, KnownImageWithoutInventoryIsAnEmptyReport) {
  const auto log = get_ok(report('c', "sarif"), "application/sarif+json");
  EXPECT_TRUE(log["runs"][0]["results"].empty());
  const auto bom = get_ok(report('c', "cyclonedx"), "application/vnd.cyclonedx+json;version=1.5");
  EXPECT_TRUE(bom["components"].empty());
  EXPECT_EQ(bom["metadata"]["component"]["name"], "team/new");
}

TEST_F(ReportApi, BadRequestsNameTheParameter) {
  const std::string base = "/v1/images/" + digest('a') + "/report";
  EXPECT_NE(bad_request(base).find("format"), std::string::npos);
  EXPECT_NE(bad_request(base + "?format=spdx").find("format"), std::string::npos);
  EXPECT_NE(bad_request(base + "?format=").find("format"), std::string::npos);
  EXPECT_NE(bad_request(base + "?format=SARIF").find("format"), std::string::npos);
  EXPECT_NE(bad_request(base + "?format=sarif&format=cyclonedx").find("format"), std::string::npos);
  EXPECT_NE(bad_request(base + "?format=sarif&limit=5").find("limit"), std::string::npos);
  EXPECT_NE(bad_request(base + "?format=sarif'%20OR%201=1--").find("format"), std::string::npos);
  EXPECT_NE(bad_request("/v1/images/not-a-digest/report?format=sarif").find("digest"), std::string::npos);
}

TEST_F(ReportApi, UnknownImageIsNotFound) {
  const auto res = get(report('f', "sarif"));
  EXPECT_EQ(res.status, 404) << res.body;
  EXPECT_EQ(json::parse(res.body)["error"]["code"], "not_found");
  EXPECT_EQ(get(report('f', "cyclonedx")).status, 404);
}

TEST_F(ReportApi, ReaderTokenRequired) {
  EXPECT_EQ(get(report('a', "sarif"), {}).status, 401);
  EXPECT_EQ(get(report('a', "cyclonedx"), {{"Authorization", "Bearer not-a-token"}}).status, 401);
}

}  // namespace
}  // namespace regscand::testing
