// The read API (issue 6) over seeded PostgreSQL through the real HTTP server: every endpoint, every filter
// and a bad value for it (400 naming it), keyset pages that walk every row exactly once while rows are
// inserted, the reader role (401 without a token), SQL injection strings in every parameter, ETag / 304.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "server/api/findings.hpp"
#include "server/api/images.hpp"
#include "server/api/vulnerabilities.hpp"
#include "tests/server/api/seeded_catalog.hpp"

namespace regscand::testing {
namespace {

using nlohmann::json;

// Images A and B in local/team/app, C in local/team/sub/deep (a name with slashes); Debian 12 with
// openssl and libc6, a PyPI django. A: CVE-2023-0001 (critical, fixed), CVE-2023-0002 (high, not fixed),
// GHSA-aaaa (medium, fixed, alias CVE-2023-0003); B: CVE-2023-0001 and a resolved CVE-2022-9999;
// C: GHSA-aaaa.
constexpr const char* kSeed = R"sql(
INSERT INTO manifests (registry, repository, digest, media_type, first_pushed_at, last_pushed_at, last_pulled_at)
VALUES ('local', 'team/app', '%A%', 'application/vnd.oci.image.manifest.v1+json', now() - interval '3 days',
        now() - interval '3 days', now() - interval '1 day'),
       ('local', 'team/app', '%B%', 'application/vnd.oci.image.manifest.v1+json', now() - interval '2 days',
        now() - interval '2 days', NULL),
       ('local', 'team/sub/deep', '%C%', 'application/vnd.oci.image.manifest.v1+json', now(), now(), NULL);
INSERT INTO tags (registry, repository, tag, digest) VALUES
  ('local', 'team/app', 'v1', '%A%'), ('local', 'team/app', 'latest', '%B%'), ('local', 'team/sub/deep', 'main', '%C%');
INSERT INTO distributions (did, version_id, version_codename, pretty_name)
VALUES ('debian', '12', 'bookworm', 'Debian GNU/Linux 12 (bookworm)');
INSERT INTO packages (ecosystem, name, version, arch, source_name, source_version, module) VALUES
  ('dpkg', 'openssl', '3.0.11-1', 'amd64', 'openssl', '3.0.11-1', ''),
  ('dpkg', 'libc6', '2.36-9', 'amd64', 'glibc', '2.36-9', ''),
  ('pypi', 'django', '4.2.0', '', 'django', '4.2.0', '');
INSERT INTO image_inventories (registry, repository, digest, analyzers, platform, distribution_id, package_count)
SELECT 'local', r, d, 'dpkg/1', 'linux/amd64', (SELECT id FROM distributions), 3
FROM (VALUES ('team/app', '%A%'), ('team/app', '%B%'), ('team/sub/deep', '%C%')) v(r, d);
INSERT INTO image_layers (inventory_id, position, digest)
SELECT i.id, l.p, 'sha256:' || repeat(l.p::text, 64) FROM image_inventories i, (VALUES (0), (1)) l(p);
INSERT INTO image_packages (inventory_id, package_id, path, layer)
SELECT i.id, p.id, CASE p.ecosystem WHEN 'pypi' THEN 'usr/lib/python3/site-packages/Django.dist-info/METADATA'
                   ELSE 'var/lib/dpkg/status' END, CASE p.name WHEN 'django' THEN 1 ELSE 0 END
FROM image_inventories i, packages p;
SELECT seed_finding('%A%', 'openssl', 'CVE-2023-0001', 'Critical', 'fixed', '3.0.12-1', 9.8, '[]', false);
SELECT seed_finding('%A%', 'libc6', 'CVE-2023-0002', 'High', 'not-fixed', '', 7.5, '[]', false);
SELECT seed_finding('%A%', 'django', 'GHSA-aaaa', 'Medium', 'fixed', '4.2.1', NULL, '["CVE-2023-0003"]', false);
SELECT seed_finding('%B%', 'openssl', 'CVE-2023-0001', 'Critical', 'fixed', '3.0.12-1', 9.8, '[]', false);
SELECT seed_finding('%B%', 'libc6', 'CVE-2022-9999', 'Low', 'fixed', '2.36-10', 3.1, '[]', true);
SELECT seed_finding('%C%', 'django', 'GHSA-aaaa', 'Medium', 'fixed', '4.2.1', NULL, '["CVE-2023-0003"]', false);
INSERT INTO finding_events (kind, registry, repository, digest, package_id, vulnerability, severity, created_at)
SELECT 'new', i.registry, i.repository, i.digest, f.package_id, f.vulnerability, f.severity, now() - interval '1 hour'
FROM findings f JOIN image_inventories i ON i.id = f.inventory_id ORDER BY i.id, f.vulnerability;
INSERT INTO finding_events (kind, registry, repository, digest, package_id, vulnerability, severity)
SELECT 'resolved', i.registry, i.repository, i.digest, f.package_id, f.vulnerability, f.severity
FROM findings f JOIN image_inventories i ON i.id = f.inventory_id WHERE f.resolved_at IS NOT NULL;
INSERT INTO feed_sources (source, kind, record_count, last_attempt_at, last_success_at)
VALUES ('/feeds/osv', 'osv-dir', 2, now() - interval '2 hours', now() - interval '2 hours');
INSERT INTO advisories (source, advisory_id, fingerprint, doc) VALUES
  ('/feeds/osv', 'CVE-2023-0001', 'f1', '{"source": "osv", "id": "CVE-2023-0001", "aliases": [], "summary": "openssl overflow",
    "details": "", "published": "2023-01-02T00:00:00Z", "modified": "2023-02-01T00:00:00Z", "withdrawn": "",
    "cvss": [{"vector": "CVSS:3.1/AV:N", "score": 9.8, "severity": "Critical"}], "severity": null, "severity_source": "",
    "references": ["https://example.test/CVE-2023-0001"], "affected": []}'),
  ('/feeds/osv', 'GHSA-aaaa', 'f2', '{"source": "osv", "id": "GHSA-aaaa", "aliases": ["CVE-2023-0003"], "summary": "django bug",
    "details": "", "published": "2023-03-04T00:00:00Z", "modified": "", "withdrawn": "", "cvss": [], "severity": "Medium",
    "severity_source": "osv", "references": [], "affected": []}');
INSERT INTO scans (registry, repository, digest, analyzers, state, finished_at)
SELECT registry, repository, digest, 'dpkg/1', 'succeeded', now() - interval '1 hour' FROM manifests;
INSERT INTO jobs (kind, registry, repository, digest) VALUES ('scan', 'local', 'team/app', 'sha256:queued');
)sql";

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':' || c == ',') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

class ReadApi : public SeededCatalog {
 protected:
  std::string seed() const override { return kSeed; }
  void add_routes(http::Router& router) override {
    server::api::add_finding_routes(router, *catalog_, *findings_);
    server::api::add_image_routes(router, *catalog_, *findings_);
    server::api::add_vulnerability_routes(router, *findings_);
  }

  // Every item of a listing, page by page.
  std::vector<json> walk(const std::string& target, int limit, const std::function<void()>& between = {}) {
    std::vector<json> all;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      const char sep = target.find('?') == std::string::npos ? '?' : '&';
      const auto page = get_ok(target + sep + "limit=" + std::to_string(limit) +
                               (cursor.empty() ? "" : "&cursor=" + url_encode(cursor)));
      for (const auto& item : page["items"]) all.push_back(item);
      if (!page["next_cursor"].is_string()) break;
      cursor = page["next_cursor"].get<std::string>();
      if (between) between();
    }
    return all;
  }
};

const std::vector<std::string>& endpoints() {
  static const std::vector<std::string> kAll{"/v1/summary",
                                             "/v1/repositories",
                                             "/v1/repositories/team/app/images",
                                             "/v1/images/" + digest('a'),
                                             "/v1/images/" + digest('a') + "/vulnerabilities",
                                             "/v1/images/" + digest('a') + "/packages",
                                             "/v1/vulnerabilities/CVE-2023-0001",
                                             "/v1/vulnerabilities/CVE-2023-0001/images",
                                             "/v1/findings",
                                             "/v1/events"};
  return kAll;
}

TEST_F(ReadApi, Summary) {
  const auto s = get_ok("/v1/summary");
  EXPECT_TRUE(s["as_of"].is_string());
  EXPECT_EQ(s["images"]["total"], 3);
  EXPECT_EQ(s["images"]["inventoried"], 3);
  EXPECT_EQ(s["images"]["with_findings"], 3);
  EXPECT_EQ(s["images"]["scanned_last_24h"], 3);
  EXPECT_EQ(s["findings"]["total"], 5);
  EXPECT_EQ(s["findings"]["fixable"], 4);
  EXPECT_EQ(s["findings"]["by_severity"]["critical"]["total"], 2);
  EXPECT_EQ(s["findings"]["by_severity"]["high"]["fixable"], 0);
  EXPECT_EQ(s["queue"]["queued"], 1);
  ASSERT_EQ(s["feeds"].size(), 1u);
  EXPECT_EQ(s["feeds"][0]["source"], "/feeds/osv");
  EXPECT_TRUE(s["feeds"][0]["last_success_at"].is_string());
  EXPECT_EQ(s["oldest_scan_of_recently_pulled"]["digest"], digest('a'));
}

TEST_F(ReadApi, Repositories) {
  const auto all = walk("/v1/repositories", 1);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["repository"], "team/app");
  EXPECT_EQ(all[0]["images"], 2);
  EXPECT_EQ(all[0]["tags"], 2);
  EXPECT_EQ(all[0]["worst_severity"], "critical");
  EXPECT_EQ(all[0]["counts"]["critical"], 2);
  EXPECT_EQ(all[0]["counts"]["low"], 0);  // resolved
  EXPECT_EQ(all[1]["repository"], "team/sub/deep");
  EXPECT_EQ(all[1]["worst_severity"], "medium");
  EXPECT_EQ(get_ok("/v1/repositories?registry=local")["items"].size(), 2u);
  EXPECT_EQ(get_ok("/v1/repositories?registry=other")["items"].size(), 0u);
}

TEST_F(ReadApi, RepositoryImagesNewestFirstAndNamesWithSlashes) {
  const auto app = walk("/v1/repositories/team/app/images", 1);
  ASSERT_EQ(app.size(), 2u);
  EXPECT_EQ(app[0]["digest"], digest('b'));
  EXPECT_EQ(app[0]["tags"], json::array({"latest"}));
  EXPECT_EQ(app[1]["digest"], digest('a'));
  EXPECT_EQ(app[1]["os"], "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(app[1]["platform"], "linux/amd64");
  EXPECT_EQ(app[1]["scan"]["state"], "succeeded");
  EXPECT_EQ(app[1]["counts"]["critical"], 1);
  EXPECT_EQ(app[1]["counts"]["medium"], 1);
  const auto deep = get_ok("/v1/repositories/team/sub/deep/images");
  ASSERT_EQ(deep["items"].size(), 1u);
  EXPECT_EQ(deep["items"][0]["digest"], digest('c'));
  EXPECT_EQ(get_ok("/v1/repositories/team%2Fsub%2Fdeep/images")["items"].size(), 1u);
  EXPECT_EQ(get("/v1/repositories/team/nothing/images").status, 404);
}

TEST_F(ReadApi, ImageDetailWithETag) {
  const auto res = get("/v1/images/" + digest('a'));
  ASSERT_EQ(res.status, 200) << res.body;
  const auto image = json::parse(res.body);
  EXPECT_EQ(image["digest"], digest('a'));
  ASSERT_EQ(image["references"].size(), 1u);
  EXPECT_EQ(image["references"][0]["tags"], json::array({"v1"}));
  EXPECT_EQ(image["distribution"]["id"], "debian");
  EXPECT_EQ(image["layers"].size(), 2u);
  EXPECT_EQ(image["layers"][1]["packages"], 1);
  EXPECT_EQ(image["scans"].size(), 1u);
  EXPECT_EQ(image["counts"]["high"], 1);
  EXPECT_TRUE(image["last_matched_at"].is_string());
  EXPECT_EQ(image["feeds"][0]["imported_before_last_match"], true);

  const auto etag = res.header("ETag");
  ASSERT_TRUE(etag);
  const auto again =
      get("/v1/images/" + digest('a'), {{"Authorization", "Bearer reader-token"}, {"If-None-Match", *etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(
      get("/v1/images/" + digest('a'), {{"Authorization", "Bearer reader-token"}, {"If-None-Match", "\"x\""}})
          .status,
      200);
  exec("UPDATE findings SET resolved_at = now() WHERE vulnerability = 'CVE-2023-0002'");
  EXPECT_EQ(
      get("/v1/images/" + digest('a'), {{"Authorization", "Bearer reader-token"}, {"If-None-Match", *etag}})
          .status,
      200);

  EXPECT_EQ(get("/v1/images/" + digest('f')).status, 404);
  EXPECT_NE(bad_request("/v1/images/latest").find("digest"), std::string::npos);
}

TEST_F(ReadApi, ImageVulnerabilitiesFiltersAndSorts) {
  const std::string base = "/v1/images/" + digest('a') + "/vulnerabilities";
  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    for (const auto& item : walk(base + query, 2)) out.push_back(item["vulnerability"].get<std::string>());
    return out;
  };
  EXPECT_EQ(ids(""), (std::vector<std::string>{"CVE-2023-0001", "CVE-2023-0002", "GHSA-aaaa"}));
  EXPECT_EQ(ids("?severity=high,critical"), (std::vector<std::string>{"CVE-2023-0001", "CVE-2023-0002"}));
  EXPECT_EQ(ids("?severity=MEDIUM"), (std::vector<std::string>{"GHSA-aaaa"}));
  EXPECT_EQ(ids("?fixable=true"), (std::vector<std::string>{"CVE-2023-0001", "GHSA-aaaa"}));
  EXPECT_EQ(ids("?fixable=false"), (std::vector<std::string>{"CVE-2023-0002"}));
  EXPECT_EQ(ids("?package=openssl"), (std::vector<std::string>{"CVE-2023-0001"}));
  EXPECT_EQ(ids("?package=glibc"), (std::vector<std::string>{"CVE-2023-0002"}));  // source name
  EXPECT_EQ(ids("?type=language"), (std::vector<std::string>{"GHSA-aaaa"}));
  EXPECT_EQ(ids("?type=os"), (std::vector<std::string>{"CVE-2023-0001", "CVE-2023-0002"}));
  EXPECT_EQ(ids("?sort=cvss"), (std::vector<std::string>{"CVE-2023-0001", "CVE-2023-0002", "GHSA-aaaa"}));
  EXPECT_EQ(ids("?sort=vulnerability"),
            (std::vector<std::string>{"CVE-2023-0001", "CVE-2023-0002", "GHSA-aaaa"}));
  EXPECT_EQ(ids("?sort=package"), (std::vector<std::string>{"GHSA-aaaa", "CVE-2023-0002", "CVE-2023-0001"}));
  const auto first = get_ok(base + "?package=openssl")["items"][0];
  EXPECT_EQ(first["severity"], "critical");
  EXPECT_EQ(first["fixable"], true);
  EXPECT_EQ(first["fixed_version"], "3.0.12-1");
  EXPECT_EQ(first["package"]["type"], "os");
  EXPECT_EQ(first["package"]["layer"]["position"], 0);
  EXPECT_EQ(first["package"]["layer"]["digest"], "sha256:" + std::string(64, '0'));
  EXPECT_FLOAT_EQ(first["cvss"]["score"].get<float>(), 9.8f);

  EXPECT_NE(bad_request(base + "?severity=urgent").find("severity"), std::string::npos);
  EXPECT_NE(bad_request(base + "?severity=").find("severity"), std::string::npos);
  EXPECT_NE(bad_request(base + "?fixable=yes").find("fixable"), std::string::npos);
  EXPECT_NE(bad_request(base + "?type=binary").find("type"), std::string::npos);
  EXPECT_NE(bad_request(base + "?sort=name").find("sort"), std::string::npos);
  EXPECT_NE(bad_request(base + "?package=").find("package"), std::string::npos);
  // A cursor of one order does not continue another.
  const auto page = get_ok(base + "?limit=1");
  const auto cursor = url_encode(page["next_cursor"].get<std::string>());
  EXPECT_EQ(get(base + "?limit=1&cursor=" + cursor).status, 200);
  EXPECT_NE(bad_request(base + "?limit=1&sort=cvss&cursor=" + cursor).find("cursor"), std::string::npos);
  EXPECT_EQ(get("/v1/images/" + digest('f') + "/vulnerabilities").status, 404);
}

TEST_F(ReadApi, ImagePackagesWithIntroducingLayer) {
  const std::string base = "/v1/images/" + digest('a') + "/packages";
  const auto all = walk(base, 2);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["name"], "django");
  EXPECT_EQ(all[0]["type"], "language");
  EXPECT_EQ(all[0]["layer"]["position"], 1);
  EXPECT_EQ(all[0]["vulnerabilities"], 1);
  EXPECT_EQ(all[2]["name"], "openssl");
  EXPECT_EQ(get_ok(base + "?type=os")["items"].size(), 2u);
  EXPECT_EQ(get_ok(base + "?package=libc6")["items"].size(), 1u);
  EXPECT_NE(bad_request(base + "?type=x").find("type"), std::string::npos);
  EXPECT_EQ(get("/v1/images/" + digest('f') + "/packages").status, 404);
}

TEST_F(ReadApi, VulnerabilityDetailByIdOrAlias) {
  const auto res = get("/v1/vulnerabilities/CVE-2023-0003");
  ASSERT_EQ(res.status, 200) << res.body;
  const auto v = json::parse(res.body);
  EXPECT_EQ(v["id"], "CVE-2023-0003");
  EXPECT_EQ(v["aliases"], json::array({"GHSA-aaaa"}));
  EXPECT_EQ(v["summary"], "django bug");
  EXPECT_EQ(v["exposure"]["images"], 2);
  ASSERT_EQ(v["advisories"].size(), 1u);
  EXPECT_EQ(v["advisories"][0]["source"], "/feeds/osv");
  const auto cve = get_ok("/v1/vulnerabilities/CVE-2023-0001");
  EXPECT_EQ(cve["published"], "2023-01-02T00:00:00Z");
  EXPECT_EQ(cve["cvss"].size(), 1u);
  EXPECT_EQ(cve["exposure"]["findings"], 2);
  // Known only through a finding (no advisory stored).
  EXPECT_EQ(get_ok("/v1/vulnerabilities/CVE-2023-0002")["exposure"]["images"], 1);
  EXPECT_EQ(get("/v1/vulnerabilities/CVE-1999-0001").status, 404);

  const auto etag = res.header("ETag");
  ASSERT_TRUE(etag);
  EXPECT_EQ(get("/v1/vulnerabilities/CVE-2023-0003",
                {{"Authorization", "Bearer reader-token"}, {"If-None-Match", *etag}})
                .status,
            304);
  EXPECT_EQ(get("/v1/vulnerabilities/CVE-2023-0003",
                {{"Authorization", "Bearer reader-token"}, {"If-None-Match", "W/" + *etag + ", \"other\""}})
                .status,
            304);
}

TEST_F(ReadApi, ImagesAffectedByAVulnerability) {
  const auto direct = walk("/v1/vulnerabilities/CVE-2023-0001/images", 1);
  ASSERT_EQ(direct.size(), 2u);
  EXPECT_EQ(direct[0]["digest"], digest('a'));
  EXPECT_EQ(direct[0]["tags"], json::array({"v1"}));
  EXPECT_EQ(direct[0]["severity"], "critical");
  EXPECT_EQ(direct[0]["packages"][0]["name"], "openssl");
  EXPECT_EQ(direct[1]["digest"], digest('b'));
  const auto alias = walk("/v1/vulnerabilities/CVE-2023-0003/images", 5);
  ASSERT_EQ(alias.size(), 2u);
  EXPECT_EQ(alias[1]["repository"], "team/sub/deep");
  EXPECT_EQ(alias[1]["packages"][0]["vulnerability"], "GHSA-aaaa");
  EXPECT_EQ(get_ok("/v1/vulnerabilities/CVE-2022-9999/images")["items"].size(), 0u);  // resolved
}

TEST_F(ReadApi, FindingsFeedInDefenderShape) {
  const auto all = walk("/v1/findings", 2);
  ASSERT_EQ(all.size(), 5u);
  const auto& f = all[0];
  EXPECT_EQ(f["status"], "open");
  EXPECT_EQ(f["artifactDetails"]["registry"], "local");
  EXPECT_EQ(f["artifactDetails"]["digest"], digest('a'));
  EXPECT_EQ(f["artifactDetails"]["tags"], json::array({"v1"}));
  EXPECT_TRUE(f["artifactDetails"]["pushedAt"].is_string());
  EXPECT_EQ(f["softwareDetails"]["os"], "Debian GNU/Linux 12 (bookworm)");
  EXPECT_TRUE(f["softwareDetails"]["layer"].is_string());
  EXPECT_TRUE(f["vulnerabilityDetails"]["references"].is_array());
  EXPECT_TRUE(f["remediation"].is_string());
  std::set<std::string> published;
  for (const auto& item : all) {
    if (item["vulnerabilityDetails"]["id"] == "CVE-2023-0001") {
      EXPECT_EQ(item["vulnerabilityDetails"]["published"], "2023-01-02T00:00:00Z");
      EXPECT_EQ(item["softwareDetails"]["fixedVersion"], "3.0.12-1");
      EXPECT_EQ(item["softwareDetails"]["fixStatus"], "fixed");
    }
  }
  EXPECT_EQ(walk("/v1/findings?severity=critical", 1).size(), 2u);
  EXPECT_EQ(walk("/v1/findings?repository=team/sub/deep", 1).size(), 1u);
  EXPECT_EQ(walk("/v1/findings?registry=local&repository=team/app", 1).size(), 4u);
  EXPECT_EQ(walk("/v1/findings?since=2999-01-01T00:00:00Z", 1).size(), 0u);
  EXPECT_EQ(walk("/v1/findings?since=2000-01-01T00:00:00%2B02:00", 1).size(), 5u);
  const auto resolved = walk("/v1/findings?status=resolved", 5);
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0]["status"], "resolved");
  EXPECT_EQ(walk("/v1/findings?status=any", 5).size(), 6u);
  EXPECT_NE(bad_request("/v1/findings?severity=bad").find("severity"), std::string::npos);
  EXPECT_NE(bad_request("/v1/findings?since=yesterday").find("since"), std::string::npos);
  EXPECT_NE(bad_request("/v1/findings?since=2024-13-01T00:00:00Z").find("since"), std::string::npos);
  EXPECT_NE(bad_request("/v1/findings?status=closed").find("status"), std::string::npos);
  EXPECT_NE(bad_request("/v1/findings?repository=").find("repository"), std::string::npos);
  EXPECT_NE(bad_request("/v1/findings?registry=").find("registry"), std::string::npos);
}

TEST_F(ReadApi, EventsForPollers) {
  const auto all = walk("/v1/events", 2);
  ASSERT_EQ(all.size(), 7u);
  EXPECT_LT(all[0]["id"].get<std::int64_t>(), all[6]["id"].get<std::int64_t>());
  EXPECT_EQ(all[6]["kind"], "resolved");
  EXPECT_EQ(all[6]["package"]["name"], "libc6");
  EXPECT_EQ(walk("/v1/events?kind=new", 3).size(), 6u);
  EXPECT_EQ(walk("/v1/events?kind=resolved&repository=team/app&registry=local", 3).size(), 1u);
  // The 'new' events are an hour old.
  EXPECT_EQ(walk("/v1/events?since=" + url_encode(all[6]["created_at"].get<std::string>()), 3).size(), 1u);
  EXPECT_NE(bad_request("/v1/events?kind=changed").find("kind"), std::string::npos);
  EXPECT_NE(bad_request("/v1/events?since=1").find("since"), std::string::npos);
}

TEST_F(ReadApi, PagingAndUnknownParametersAreValidatedEverywhere) {
  for (const auto& endpoint : endpoints()) {
    EXPECT_NE(bad_request(endpoint + "?bogus=1").find("bogus"), std::string::npos) << endpoint;
    const bool listing = endpoint != "/v1/summary" && endpoint.find("/images/") == std::string::npos
                             ? endpoint != "/v1/vulnerabilities/CVE-2023-0001"
                             : endpoint.ends_with("vulnerabilities") || endpoint.ends_with("packages");
    if (!listing) continue;
    EXPECT_NE(bad_request(endpoint + "?limit=0").find("limit"), std::string::npos) << endpoint;
    EXPECT_NE(bad_request(endpoint + "?limit=501").find("limit"), std::string::npos) << endpoint;
    EXPECT_NE(bad_request(endpoint + "?limit=x").find("limit"), std::string::npos) << endpoint;
    EXPECT_NE(bad_request(endpoint + "?cursor=garbage").find("cursor"), std::string::npos) << endpoint;
    EXPECT_NE(bad_request(endpoint + "?cursor=").find("cursor"), std::string::npos) << endpoint;
    EXPECT_NE(bad_request(endpoint + "?limit=1&limit=2").find("limit"), std::string::npos) << endpoint;
  }
}

TEST_F(ReadApi, MalformedPercentEncodingIs400NamingTheParameterEverywhere) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"/v1/findings?severity=%ZZ", "severity"},
      {"/v1/findings?since=%ZZ", "since"},
      {"/v1/findings?status=%ZZ", "status"},
      {"/v1/events?kind=%ZZ", "kind"},
      {"/v1/repositories?registry=%ZZ", "registry"},
      {"/v1/images/" + digest('a') + "/vulnerabilities?fixable=%ZZ", "fixable"},
      {"/v1/images/" + digest('a') + "/vulnerabilities?sort=%4", "sort"},
      {"/v1/images/" + digest('a') + "/packages?type=%00", "type"},
  };
  for (const auto& [target, name] : cases) {
    EXPECT_EQ(bad_request(target), name + ": malformed percent-encoding") << target;
  }
  for (const auto& endpoint : endpoints()) {
    if (endpoint == "/v1/summary" || endpoint == "/v1/vulnerabilities/CVE-2023-0001" ||
        endpoint == "/v1/images/" + digest('a')) {
      continue;
    }
    EXPECT_EQ(bad_request(endpoint + "?limit=%ZZ"), "limit: malformed percent-encoding") << endpoint;
    EXPECT_EQ(bad_request(endpoint + "?cursor=%ZZ"), "cursor: malformed percent-encoding") << endpoint;
    EXPECT_EQ(bad_request(endpoint + "?limit=1&li%6Dit=2"), "limit: given more than once") << endpoint;
  }
}

TEST_F(ReadApi, TextThatIsNotUtf8Is400NamingTheParameter) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"/v1/findings?repository=%ff%fe", "repository"},
      {"/v1/findings?registry=%ff%fe", "registry"},
      {"/v1/events?repository=%C0%AF", "repository"},
      {"/v1/events?registry=%ff", "registry"},
      {"/v1/repositories?registry=%ff%fe", "registry"},
      {"/v1/repositories/team/app/images?registry=%ff%fe", "registry"},
      {"/v1/images/" + digest('a') + "/vulnerabilities?package=%ff%fe", "package"},
      {"/v1/images/" + digest('a') + "/packages?package=%ED%A0%80", "package"},
      {"/v1/repositories/%ff%fe/images", "name"},
      {"/v1/repositories/team/%ff%fe/images", "name"},
      {"/v1/vulnerabilities/%ff%fe", "id"},
      {"/v1/vulnerabilities/CVE-%ff/images", "id"},
      {"/v1/images/%ff%fe", "digest"},
  };
  for (const auto& [target, name] : cases) {
    EXPECT_EQ(bad_request(target), name + ": must be valid UTF-8") << target;
  }
  EXPECT_EQ(get_ok("/v1/findings?repository=caf%C3%A9")["items"].size(), 0u);
}

TEST_F(ReadApi, ReaderTokenRequired) {
  for (const auto& endpoint : endpoints()) {
    EXPECT_EQ(get(endpoint, {}).status, 401) << endpoint;
    EXPECT_EQ(get(endpoint, {{"Authorization", "Bearer not-a-token"}}).status, 401) << endpoint;
    EXPECT_EQ(get(endpoint, {{"Authorization", "Bearer writer-token"}}).status, 200) << endpoint;
    EXPECT_EQ(get(endpoint, {{"Authorization", "Bearer admin-token"}}).status, 200) << endpoint;
  }
}

TEST_F(ReadApi, InjectionStringsChangeNothing) {
  const std::vector<std::string> attacks{"' OR 1=1 --",          "%27",
                                         ";DROP TABLE findings", "\" OR \"\"=\"",
                                         "sha256:' OR '1'='1",   "1); DELETE FROM findings; --"};
  // (target with {} for the value, a plain unknown value standing in for the attack)
  const std::vector<std::pair<std::string, std::string>> params{
      {"/v1/repositories?registry={}", "nothing"},
      {"/v1/repositories/{}/images", "nothing"},
      {"/v1/repositories/team/app/images?registry={}", "nothing"},
      {"/v1/images/{}", "nothing"},
      {"/v1/images/{}/vulnerabilities", "nothing"},
      {"/v1/images/{}/packages", "nothing"},
      {"/v1/images/" + digest('a') + "/vulnerabilities?package={}", "nothing"},
      {"/v1/images/" + digest('a') + "/vulnerabilities?severity={}", "nothing"},
      {"/v1/images/" + digest('a') + "/vulnerabilities?fixable={}", "nothing"},
      {"/v1/images/" + digest('a') + "/vulnerabilities?type={}", "nothing"},
      {"/v1/images/" + digest('a') + "/vulnerabilities?sort={}", "nothing"},
      {"/v1/images/" + digest('a') + "/packages?package={}", "nothing"},
      {"/v1/vulnerabilities/{}", "nothing"},
      {"/v1/vulnerabilities/{}/images", "nothing"},
      {"/v1/findings?severity={}", "nothing"},
      {"/v1/findings?repository={}", "nothing"},
      {"/v1/findings?registry={}", "nothing"},
      {"/v1/findings?since={}", "nothing"},
      {"/v1/findings?status={}", "nothing"},
      {"/v1/events?since={}", "nothing"},
      {"/v1/events?kind={}", "nothing"},
      {"/v1/events?repository={}", "nothing"},
      {"/v1/findings?cursor={}", "nothing"},
      {"/v1/events?limit={}", "nothing"},
  };
  const auto findings_before = count("SELECT count(*) FROM findings");
  for (const auto& [pattern, plain] : params) {
    const auto at = pattern.find("{}");
    const auto expected = get(pattern.substr(0, at) + plain + pattern.substr(at + 2));
    for (const auto& attack : attacks) {
      const auto target = pattern.substr(0, at) + url_encode(attack) + pattern.substr(at + 2);
      const auto res = get(target);
      EXPECT_EQ(res.status, expected.status) << target << ": " << res.body;
      if (res.status == 200) {
        auto body = json::parse(res.body);
        auto want = json::parse(expected.body);
        EXPECT_EQ(body.value("items", json()), want.value("items", json())) << target;
      } else {
        EXPECT_EQ(json::parse(res.body)["error"]["code"], json::parse(expected.body)["error"]["code"])
            << target;
      }
    }
  }
  EXPECT_EQ(count("SELECT count(*) FROM findings"), findings_before);
  EXPECT_EQ(count("SELECT count(*) FROM manifests"), 3);
  EXPECT_EQ(get_ok("/v1/findings")["items"].size(), 5u);
}

TEST_F(ReadApi, PagesWalkEveryRowOnceWhileRowsAreInserted) {
  // 40 more images with findings, so the walk has many pages.
  exec(R"sql(
INSERT INTO image_inventories (registry, repository, digest, analyzers, package_count)
SELECT 'local', 'bulk/' || n, 'sha256:' || lpad(to_hex(n), 64, '0'), 'dpkg/1', 1 FROM generate_series(1, 40) n;
INSERT INTO manifests (registry, repository, digest, last_pushed_at)
SELECT registry, repository, digest, now() FROM image_inventories WHERE repository LIKE 'bulk/%';
INSERT INTO image_packages (inventory_id, package_id, path, layer)
SELECT i.id, p.id, 'var/lib/dpkg/status', 0 FROM image_inventories i, packages p
WHERE i.repository LIKE 'bulk/%' AND p.ecosystem = 'dpkg';
SELECT seed_finding(digest, 'openssl', 'CVE-2023-0001', 'Critical', 'fixed', '3.0.12-1', 9.8, '[]', false)
FROM image_inventories WHERE repository LIKE 'bulk/%';
SELECT seed_finding(digest, 'libc6', 'CVE-2023-0002', 'High', 'not-fixed', '', 7.5, '[]', false)
FROM image_inventories WHERE repository LIKE 'bulk/%';
)sql");
  auto key = [](const json& f) {
    return f["artifactDetails"]["digest"].get<std::string>() + "|" +
           f["softwareDetails"]["package"].get<std::string>() + "|" +
           f["vulnerabilityDetails"]["id"].get<std::string>();
  };
  std::set<std::string> before;
  for (const auto& f : walk("/v1/findings", 500)) before.insert(key(f));
  ASSERT_EQ(before.size(), 85u);

  int inserted = 0;
  const auto insert = [&] {
    ++inserted;
    const std::string n = std::to_string(1000 + inserted);
    exec(
        "INSERT INTO image_inventories (registry, repository, digest, analyzers, package_count) VALUES "
        "('local', 'late', 'sha256:" +
        std::string(60, 'e') + n +
        "', 'dpkg/1', 1);"
        "INSERT INTO image_packages (inventory_id, package_id, path, layer) SELECT i.id, p.id, "
        "'var/lib/dpkg/status', 0 "
        "FROM image_inventories i, packages p WHERE i.repository = 'late' AND p.name = 'openssl' ON CONFLICT "
        "DO NOTHING;"
        "INSERT INTO finding_events (kind, registry, repository, digest, package_id, vulnerability, "
        "severity) "
        "SELECT 'new', 'local', 'late', 'x', id, 'CVE-2024-" +
        n +
        "', 'Low' FROM packages WHERE name = 'openssl';"
        "SELECT seed_finding('sha256:" +
        std::string(60, 'e') + n + "', 'openssl', 'CVE-2024-" + n +
        "', 'Low', 'fixed', '9', 1.0, '[]', false);"
        // and one more finding on an image already walked past or still ahead
        "SELECT seed_finding('" +
        digest('c') + "', 'django', 'GHSA-" + n + "', 'Critical', 'fixed', '9', 9.0, '[]', false);");
  };
  std::multiset<std::string> seen;
  for (const auto& f : walk("/v1/findings", 7, insert)) seen.insert(key(f));
  for (const auto& k : before) EXPECT_EQ(seen.count(k), 1u) << k;
  for (const auto& k : seen) EXPECT_EQ(seen.count(k), 1u) << k;
  EXPECT_GT(inserted, 5);

  // The same for one image's findings (sorted by severity: inserted criticals land before the cursor)
  // and for events.
  std::multiset<std::string> vulns;
  const auto c_before = walk("/v1/images/" + digest('c') + "/vulnerabilities", 500).size();
  std::size_t c_seen = 0;
  for (const auto& f : walk("/v1/images/" + digest('c') + "/vulnerabilities", 2, insert)) {
    vulns.insert(f["vulnerability"].get<std::string>());
    ++c_seen;
  }
  EXPECT_EQ(vulns.size(), c_seen);
  EXPECT_GE(c_seen, c_before);
  std::multiset<std::int64_t> events;
  for (const auto& e : walk("/v1/events", 3, insert)) events.insert(e["id"].get<std::int64_t>());
  for (const auto id : events) EXPECT_EQ(events.count(id), 1u);
}

}  // namespace
}  // namespace regscand::testing
