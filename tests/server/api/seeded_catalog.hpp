// A PgTest fixture for the read API's *_pgtest.cpp (read_api, reports): SetUp() runs the derived fixture's
// seed() on its migrated database, then serves the routes add_routes() registers over catalog_, findings_
// and db_ through the real HTTP server with the test tokens (test_server.hpp). Each test keeps its own rows;
// what they share is here: the image digests, a seed_finding() SQL function and reader requests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>
#include <string_view>

#include "storage/catalog_query.hpp"
#include "storage/findings_query.hpp"
#include "tests/server/test_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg_test.hpp"

namespace regscand::testing {

// The digest of seeded image `c` ('a', 'b', 'c'; any other letter is an unknown image).
inline std::string digest(char c) {
  return "sha256:" + std::string(64, c);
}

// Created before a fixture's seed runs: seed_finding(digest, package name, vulnerability, severity,
// fix_state, fixed version, cvss score, aliases, resolved) records one finding on that package of that image,
// at the package's path, with a remediation naming the fixed version and one example.test reference.
inline constexpr std::string_view kSeedFindingFunction = R"sql(
CREATE FUNCTION seed_finding(d text, pkg text, vuln text, sev text, fix text, fixed text, cvss real, aliases jsonb,
                             resolved boolean) RETURNS void LANGUAGE sql AS $$
  INSERT INTO findings (inventory_id, package_id, path, vulnerability, severity, severity_source, cvss_score,
                        cvss_vector, fix_state, fixed_version, remediation, aliases, refs, sources, resolved_at)
  SELECT i.id, p.id, ip.path, vuln, sev, 'osv', cvss, CASE WHEN cvss IS NULL THEN NULL ELSE 'CVSS:3.1/AV:N' END,
         fix, fixed, CASE WHEN fixed = '' THEN 'No fix yet' ELSE 'Upgrade ' || pkg || ' to ' || fixed END,
         aliases, ('["https://example.test/' || vuln || '"]')::jsonb, '["osv"]', CASE WHEN resolved THEN now() END
  FROM image_inventories i JOIN image_packages ip ON ip.inventory_id = i.id JOIN packages p ON p.id = ip.package_id
  WHERE i.digest = d AND p.name = pkg
$$;
)sql";

class SeededCatalog : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    exec(with_digests(std::string(kSeedFindingFunction) + seed()));
    catalog_ = std::make_unique<storage::CatalogQuery>(*db_);
    findings_ = std::make_unique<storage::FindingsQuery>(*db_);
    add_routes(server_.router);
    server_.start(test_server_config(), test_auth_config());
  }

  // The fixture's rows: SQL in which %A%, %B% and %C% stand for digest('a'), digest('b') and digest('c').
  virtual std::string seed() const = 0;
  // Registers the routes under test (over catalog_, findings_ and db_).
  virtual void add_routes(http::Router& router) = 0;

  void exec(const std::string& sql) const {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
  }

  HttpResponse get(const std::string& target, Headers headers = {{"Authorization", "Bearer reader-token"}}) {
    return http_get(server_.port(), target, headers);
  }
  // The JSON body of a 200 answer (an empty object otherwise), with `content_type` when given.
  nlohmann::json get_ok(const std::string& target,
                        std::optional<std::string_view> content_type = std::nullopt) {
    const auto res = get(target);
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    if (content_type) {
      EXPECT_EQ(res.header("Content-Type").value_or(""), *content_type) << target;
    }
    return res.status == 200 ? nlohmann::json::parse(res.body) : nlohmann::json::object();
  }
  // The message of a 400 invalid_argument answer ("" when the answer is another).
  std::string bad_request(const std::string& target) {
    const auto res = get(target);
    EXPECT_EQ(res.status, 400) << target << ": " << res.body;
    if (res.status != 400) return "";
    const auto body = nlohmann::json::parse(res.body);
    EXPECT_EQ(body["error"]["code"], "invalid_argument");
    return body["error"]["message"].get<std::string>();
  }

  std::unique_ptr<storage::CatalogQuery> catalog_;
  std::unique_ptr<storage::FindingsQuery> findings_;
  TestServer server_;

 private:
  static std::string with_digests(std::string sql) {
    for (const char image : {'a', 'b', 'c'}) {
      const std::string from = {'%', static_cast<char>(image - 'a' + 'A'), '%'};
      const std::string to = digest(image);
      for (auto at = sql.find(from); at != std::string::npos; at = sql.find(from, at + to.size())) {
        sql.replace(at, from.size(), to);
      }
    }
    return sql;
  }
};

}  // namespace regscand::testing
