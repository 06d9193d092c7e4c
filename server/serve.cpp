#include <signal.h>

#include <prometheus/gauge.h>
#include <spdlog/spdlog.h>

#include "server/api/health.hpp"
#include "server/api/metrics.hpp"
#include "server/api/version.hpp"
#include "server/commands.hpp"
#include "server/database_setup.hpp"
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"
#include "server/http/server.hpp"
#include "storage/migrate.hpp"

namespace regscand::server {
namespace {

// SIGINT and SIGTERM are blocked in every thread and taken by sigwait() in main's thread.
sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void publish_pool_gauges(http::Metrics& metrics, storage::Database& db) {
  auto& family = prometheus::BuildGauge()
                     .Name("regscand_db_pool_connections")
                     .Help("Database pool connections by state, and the configured maximum")
                     .Register(metrics.registry());
  auto& idle = family.Add({{"state", "idle"}});
  auto& in_use = family.Add({{"state", "in_use"}});
  auto& max = family.Add({{"state", "max"}});
  auto& waiting = family.Add({{"state", "waiting"}});
  metrics.add_collector_hook([&db, &idle, &in_use, &max, &waiting] {
    const auto stats = db.stats();
    idle.Set(static_cast<double>(stats.idle));
    in_use.Set(static_cast<double>(stats.in_use));
    max.Set(static_cast<double>(stats.max));
    waiting.Set(static_cast<double>(stats.waiting));
  });
}

int serve_with(const config::Config& config, storage::Database& db) {
  auto migrated = storage::migrate(db);
  if (!migrated) {
    spdlog::critical("migrations failed: {}", migrated.error().message);
    return 1;
  }
  if (!migrated->applied.empty()) {
    spdlog::info("database schema migrated from version {} to {}", migrated->from_version,
                 migrated->to_version);
  }

  http::Metrics metrics;
  publish_pool_gauges(metrics, db);
  http::Router router;
  api::add_health_routes(router, [&db] { return check_ready(db); });
  api::add_metrics_routes(router, metrics);
  api::add_version_routes(router);

  auto server = http::Server::create(config.server, config.auth, std::move(router), metrics,
                                     std::max(4u, config.database.pool_size));
  if (!server) {
    spdlog::critical("cannot serve HTTP: {}", server.error().message);
    return 1;
  }
  (*server)->start();
  spdlog::info("regscand {} serving on {}://{}:{}", api::version(),
               config.server.tls.enabled() ? "https" : "http", config.server.host, (*server)->port());

  const sigset_t signals = shutdown_signals();
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->shutdown();
  (*server)->wait();
  server->reset();
  return 0;
}

}  // namespace

int run_serve(const config::Config& config) {
  const sigset_t signals = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts, so all inherit it

  if (!config.auth_enabled()) {
    spdlog::warn(
        "auth is OFF: no auth.tokens configured; allowed only in local dev mode (embedded database on {})",
        config.server.host);
  }
  auto opened = open_database(config);
  if (!opened) {
    spdlog::critical("database: {}", opened.error().message);
    return 1;
  }
  const int code = serve_with(config, *opened->db);
  opened->close();
  spdlog::info("stopped");
  return code;
}

int run_migrate(const config::Config& config) {
  auto opened = open_database(config);
  if (!opened) {
    spdlog::critical("database: {}", opened.error().message);
    return 1;
  }
  auto report = storage::migrate(*opened->db);
  opened->close();
  if (!report) {
    spdlog::critical("migrations failed: {}", report.error().message);
    return 1;
  }
  if (report->applied.empty()) {
    spdlog::info("database schema is up to date at version {}", report->to_version);
  } else {
    spdlog::info("database schema migrated from version {} to {}", report->from_version, report->to_version);
  }
  return 0;
}

}  // namespace regscand::server
