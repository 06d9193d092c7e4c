#include <signal.h>

#include <prometheus/gauge.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <random>
#include <stop_token>

#include "server/api/health.hpp"
#include "server/api/jobs.hpp"
#include "server/api/metrics.hpp"
#include "server/api/version.hpp"
#include "server/commands.hpp"
#include "server/database_setup.hpp"
#include "server/database_supervisor.hpp"
#include "server/feeds/feed_metrics.hpp"
#include "server/feeds/feed_refresher.hpp"
#include "server/feeds/feed_service.hpp"
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"
#include "server/http/server.hpp"
#include "server/jobs/catalog_handler.hpp"
#include "server/jobs/rescan_handler.hpp"
#include "server/jobs/scan_handler.hpp"
#include "server/jobs/scheduler.hpp"
#include "server/jobs/worker_pool.hpp"
#include "server/routes.hpp"
#include "server/webhooks/inbox_writer.hpp"
#include "server/webhooks/webhook_routes.hpp"
#include "storage/advisory_store.hpp"
#include "storage/event_inbox.hpp"
#include "storage/finding_store.hpp"
#include "storage/inventory_store.hpp"
#include "storage/job_notifier.hpp"
#include "storage/job_queue.hpp"
#include "storage/manifest_store.hpp"
#include "storage/migrate.hpp"
#include "storage/rescan_store.hpp"
#include "storage/scan_store.hpp"

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

// host:pid:random: unique per process, readable in /v1/jobs.
std::string lease_owner() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::mt19937 rng{std::random_device{}()};
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(rng() % 1'000'000);
}

jobs::WorkerOptions worker_options(const config::ScannerConfig& scanner) {
  jobs::WorkerOptions options;
  options.workers = scanner.workers;
  options.lease = scanner.lease;
  options.poll_interval = scanner.poll_interval;
  options.retry_backoff = scanner.retry_backoff;
  options.retry_backoff_max = scanner.retry_backoff_max;
  options.owner = lease_owner();
  return options;
}

void warn_about_open_webhooks(const config::Config& config) {
  for (const auto& registry : config.registries) {
    if (config.webhook_tokens_for(registry).empty()) {
      spdlog::warn("webhooks from registry \"{}\" are not authenticated (no webhook token; dev mode only)",
                   registry.name);
    }
  }
}

// After SIGTERM: /readyz fails for drain_delay (a second signal cuts it short) while requests are still
// served, so load balancers stop routing here before the listener closes.
void drain(const config::ServerConfig& server, const sigset_t& signals) {
  if (server.drain_delay.count() <= 0) return;
  spdlog::info("readiness off; serving {} ms more before stopping", server.drain_delay.count());
  const auto ms = server.drain_delay.count();
  const timespec timeout{static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1'000'000};
  sigtimedwait(&signals, nullptr, &timeout);
}

int serve_with(const config::Config& config, OpenDatabase& opened) {
  storage::Database& db = *opened.db;
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
  std::optional<DatabaseSupervisor> supervisor;
  if (opened.embedded) {
    supervisor.emplace(*opened.embedded, metrics);
    supervisor->start();
  }
  storage::EventInbox inbox(db, jobs::current_analyzers(), static_cast<int>(config.scanner.max_attempts));
  webhooks::InboxWriter inbox_writer(inbox);
  storage::JobQueue queue(db);
  storage::ManifestStore manifests(db);
  storage::ScanStore scans(db);
  storage::InventoryStore inventory(db);
  storage::AdvisoryStore advisories(db);
  storage::FindingStore findings(db);
  // Stopping the refresher cancels its download; handing jobs back cancels theirs.
  std::stop_source feed_downloads, job_downloads;
  auto fetch = feeds::fetch_options(config);
  fetch.stop = feed_downloads.get_token();
  feeds::FeedService feed_service(advisories, inventory, findings, std::move(fetch), config.feeds.mirror);
  if (auto loaded = feed_service.load()) {
    spdlog::info("feeds: {} advisories loaded", *loaded);
  } else {
    spdlog::critical("feeds: loading the advisories failed: {}", loaded.error().message);
    return 1;
  }

  storage::CatalogQuery catalog(db);
  storage::FindingsQuery findings_query(db);
  storage::RescanStore rescans(db);
  std::atomic<bool> shutting_down{false};
  api::TagResolver tag_resolver;
  http::Router router = build_router({config, db, metrics, queue, inbox_writer, catalog, findings_query,
                                      rescans, scans, tag_resolver, &shutting_down});
  warn_about_open_webhooks(config);

  std::unique_ptr<storage::JobNotifier> notifier;
  if (auto created = storage::JobNotifier::create(db.conninfo())) {
    notifier = std::move(*created);
  } else {
    spdlog::warn("jobs: no LISTEN connection ({}); workers poll every {} ms", created.error().message,
                 config.scanner.poll_interval.count());
  }
  jobs::JobHandlers handlers;
  const auto client = scanner::registry::ClientOptions::from(config.scanner, job_downloads.get_token());
  auto scan = jobs::make_scan_handler(config, manifests, scans, inventory,
                                      {.feeds = &feed_service, .client = client});
  handlers.add(std::string(storage::kScanJobKind), scan);
  handlers.add(std::string(storage::kImportJobKind), scan);
  handlers.add(std::string(storage::kRescanJobKind),
               jobs::make_rescan_handler({manifests, scans, inventory, rescans}, &feed_service, scan));
  handlers.add(std::string(storage::kCatalogJobKind),
               jobs::make_catalog_handler(config, rescans, {}, client));
  auto options = worker_options(config.scanner);
  options.cancel = job_downloads;
  jobs::WorkerPool workers(queue, notifier.get(), std::move(handlers), std::move(options), metrics);

  auto server = http::Server::create(config.server, config.auth, std::move(router), metrics,
                                     std::max(4u, config.database.pool_size));
  if (!server) {
    spdlog::critical("cannot serve HTTP: {}", server.error().message);
    return 1;
  }
  const auto feed_sources = feeds::effective_sources(config);
  feeds::FeedMetrics feed_metrics(metrics, feed_sources);
  feeds::FeedRefresher refresher(
      db, advisories, feed_service,
      {feed_sources, config.feeds.refresh_interval, std::chrono::seconds(10),
       [&feed_metrics](const auto& stored) { feed_metrics.update(stored); }, feed_downloads});
  jobs::Scheduler scheduler(rescans,
                            jobs::SchedulerOptions::from(config.scheduler, config.scanner, db.conninfo()));
  (*server)->start();
  if (config.scanner.workers > 0) workers.start();
  refresher.start();
  if (config.scheduler.enabled) scheduler.start();
  spdlog::info("regscand {} serving on {}://{}:{}", api::version(),
               config.server.tls.enabled() ? "https" : "http", config.server.host, (*server)->port());

  const sigset_t signals = shutdown_signals();
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
  shutting_down = true;
  if (supervisor) supervisor->stop();
  drain(config.server, signals);
  (*server)->shutdown();
  scheduler.stop();
  // Jobs get the same grace as requests in flight; the leases of those still running are handed back.
  const std::size_t abandoned = workers.hand_back(config.server.shutdown_timeout);
  (*server)->wait();
  server->reset();
  inbox_writer.stop();
  refresher.stop();
  if (abandoned > 0) {
    // Their jobs are queued again and their downloads cancelled, but they did not return (e.g. still in a
    // database call): end without waiting for them.
    spdlog::warn("exiting with {} job handler(s) still running; their jobs were handed back", abandoned);
    if (opened.embedded) (void)opened.embedded->stop();
    spdlog::info("stopped");
    spdlog::shutdown();
    std::_Exit(0);
  }
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
    spdlog::critical("{}", opened.error().message);
    return 1;
  }
  const int code = serve_with(config, *opened);
  opened->close();
  spdlog::info("stopped");
  return code;
}

int run_migrate(const config::Config& config) {
  auto opened = open_database(config);
  if (!opened) {
    spdlog::critical("{}", opened.error().message);
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
