#include "server/routes.hpp"

#include "server/api/findings.hpp"
#include "server/api/health.hpp"
#include "server/api/images.hpp"
#include "server/api/jobs.hpp"
#include "server/api/metrics.hpp"
#include "server/api/openapi.hpp"
#include "server/api/reports.hpp"
#include "server/api/scans.hpp"
#include "server/api/version.hpp"
#include "server/api/vulnerabilities.hpp"
#include "server/database_setup.hpp"
#include "server/webhooks/webhook_routes.hpp"

namespace regscand::server {

http::Router build_router(const RouteDeps& deps) {
  http::Router router;
  api::add_health_routes(router, [db = &deps.db, stopping = deps.shutting_down]() -> Result<void> {
    if (stopping != nullptr && stopping->load()) return fail(ErrorCode::Unavailable, "shutting down");
    return check_ready(*db);
  });
  api::add_metrics_routes(router, deps.metrics);
  api::add_version_routes(router);
  api::add_openapi_routes(router);
  api::add_job_routes(router, deps.queue);
  api::add_finding_routes(router, deps.catalog, deps.findings);
  api::add_image_routes(router, deps.catalog, deps.findings);
  api::add_report_routes(router, deps.catalog, deps.findings, deps.db);
  api::add_vulnerability_routes(router, deps.findings);
  api::add_scan_routes(router, {deps.config, deps.queue, deps.rescans, deps.scans, deps.tag_resolver});
  webhooks::add_webhook_routes(router, deps.config, deps.inbox_writer, deps.metrics);
  return router;
}

}  // namespace regscand::server
