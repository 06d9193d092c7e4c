// The fixture of the server's end-to-end tests: a throwaway PostgreSQL cluster, the real CNCF distribution
// (docker-registry) sending its notifications to a real `regscand serve`, and helpers to read what the
// daemon stored. A test picks the registry's auth by overriding registry_options().
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "tests/support/daemon.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/oci_image.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/registry.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::testing {

inline constexpr char kHookToken[] = "hook-token-e2e-0123456789";
inline constexpr char kReaderToken[] = "reader-token-e2e-0123456789";

// The body docker-registry POSTs for one push of repository@digest (tag `tag`), event id `id`.
inline std::string push_event_body(const std::string& id, const std::string& repository,
                                   const std::string& digest, const std::string& tag) {
  const nlohmann::json body{{"events",
                             {{{"id", id},
                               {"timestamp", "2026-12-07T20:00:00Z"},
                               {"action", "push"},
                               {"target",
                                {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                 {"digest", digest},
                                 {"size", 1000},
                                 {"repository", repository},
                                 {"tag", tag}}},
                               {"request", {{"method", "PUT"}, {"useragent", "skopeo/1.9.3"}}}}}}};
  return body.dump();
}

// Conditions the registry and the daemon make true; polled gently (each poll opens a connection).
template <class F>
bool within_a_minute(F&& done, std::chrono::seconds deadline = std::chrono::seconds(60)) {
  return eventually(std::forward<F>(done), deadline, std::chrono::milliseconds(100));
}

class DaemonE2E : public ::testing::Test {
 protected:
  // The registry to start; SetUp points its notifications at the daemon.
  virtual TestRegistry::Options registry_options() const { return {}; }
  // The URL the daemon pulls from: the registry's, unless a test serves another.
  virtual std::string registry_url() const { return registry_->url(); }
  // The daemon's `scanner:` and `feeds:` settings (YAML flow maps).
  virtual std::string scanner_config() const {
    return "{workers: 2, poll_interval: 1s, retry_backoff: 1s, lease: 3s}";
  }
  // The default sources are upstream URLs: no test reaches the internet.
  virtual std::string feeds_config() const { return "{sources: []}"; }

  void SetUp() override {
    auto cluster = PgCluster::create();
    ASSERT_TRUE(cluster) << cluster.error().message;
    cluster_ = std::move(*cluster);
    port_ = free_port();
    TestRegistry::Options options = registry_options();
    options.notify_url = "http://127.0.0.1:" + std::to_string(port_) + "/v1/webhooks/local";
    options.notify_token = kHookToken;
    options.notify_timeout = std::chrono::milliseconds(1000);
    options.notify_backoff = std::chrono::milliseconds(500);
    registry_ = std::make_unique<TestRegistry>(options);
    write_config();
  }

  void write_config() {
    std::ofstream out(dir_.path() / "regscand.yaml");
    out << "server: {listen: \"127.0.0.1:" << port_ << "\", drain_delay: 0s}\n"
        << "database: {url: \"" << cluster_->url() << "\"}\n"
        << "data_dir: \"" << (dir_.path() / "var").string() << "\"\n"
        << "auth:\n  tokens:\n    - {name: e2e, role: reader, token: \"" << kReaderToken << "\"}\n"
        << "logging: {level: info}\n"
        << "registries:\n  - name: local\n    kind: distribution\n    url: \"" << registry_url() << "\"\n"
        << "    webhook_tokens: [\"" << kHookToken << "\"]\n";
    if (const auto& basic = registry_->options().basic_auth) {
      out << "    auth: {type: basic, username: \"" << basic->username << "\", password: \""
          << basic->password << "\"}\n";
    } else {
      out << "    auth: {type: anonymous}\n";
    }
    out << "scanner: " << scanner_config() << "\n"
        << "feeds: " << feeds_config() << "\n";
  }

  std::unique_ptr<Daemon> start_daemon() {
    auto daemon = std::make_unique<Daemon>(
        REGSCAND_BINARY,
        std::vector<std::string>{"serve", "--config", (dir_.path() / "regscand.yaml").string()},
        std::map<std::string, std::string>{}, dir_.path() / ("daemon-" + std::to_string(++starts_) + ".log"));
    EXPECT_TRUE(daemon->wait_for_status(port_, "/readyz", 200, std::chrono::seconds(60))) << daemon->log();
    return daemon;
  }

  pqxx::result query(const std::string& sql) {
    pqxx::connection conn(cluster_->url());
    pqxx::work tx(conn);
    auto rows = tx.exec(sql);
    tx.commit();
    return rows;
  }
  std::int64_t count(const std::string& sql) { return query(sql)[0][0].as<std::int64_t>(); }

  nlohmann::json jobs_api(const std::string& query = "") {
    const auto res =
        http_get(port_, "/v1/jobs" + query, {{"Authorization", std::string("Bearer ") + kReaderToken}});
    EXPECT_EQ(res.status, 200) << res.body;
    return nlohmann::json::parse(res.body);
  }

  TempDir dir_;
  std::unique_ptr<PgCluster> cluster_;
  std::uint16_t port_ = 0;
  std::unique_ptr<TestRegistry> registry_;
  int starts_ = 0;
};

}  // namespace regscand::testing
