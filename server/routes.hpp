// The daemon's HTTP routes, in one place: serve builds its router with build_router(), and
// tests/server/api/openapi_pgtest builds the same router to check it against docs/openapi.json. A new
// route is added here (and to docs/openapi.json), never in serve.cpp.
#pragma once

#include <atomic>

#include "config/config.hpp"
#include "server/api/tag_resolver.hpp"
#include "server/http/metrics.hpp"
#include "server/http/router.hpp"
#include "server/webhooks/inbox_writer.hpp"
#include "storage/catalog_query.hpp"
#include "storage/database.hpp"
#include "storage/findings_query.hpp"
#include "storage/job_queue.hpp"
#include "storage/rescan_store.hpp"
#include "storage/scan_store.hpp"

namespace regscand::server {

// Everything the routes use; each must outlive the server the router is moved into.
struct RouteDeps {
  const config::Config& config;
  storage::Database& db;
  http::Metrics& metrics;
  storage::JobQueue& queue;
  webhooks::InboxWriter& inbox_writer;
  storage::CatalogQuery& catalog;
  storage::FindingsQuery& findings;
  storage::RescanStore& rescans;
  storage::ScanStore& scans;
  api::TagResolver& tag_resolver;
  const std::atomic<bool>* shutting_down = nullptr;  // once true, /readyz answers 503 "shutting down"
};

http::Router build_router(const RouteDeps& deps);

}  // namespace regscand::server
