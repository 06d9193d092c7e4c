// The "scan" job: resolves the job's manifest over the registry API (Accept for OCI and Docker media
// types, the registry's auth incl. the Bearer token challenge, digests verified), fans an index out to its
// platform images, inventories each (layers already analyzed are reused, the others streamed) and stores
// the inventories; then records media type, size and the analyzers fingerprint. A 404 is retried a few times
// first (distribution can notify before the manifest is readable); a manifest deleted meanwhile is skipped.
// Each attempt is a row in `scans` with its outcome and timings. With a FeedService, each stored inventory
// is matched against the current advisories and its findings stored.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "config/config.hpp"
#include "scanner/registry/options.hpp"
#include "server/feeds/feed_service.hpp"
#include "server/jobs/job_handlers.hpp"
#include "storage/inventory_store.hpp"
#include "storage/manifest_store.hpp"
#include "storage/scan_store.hpp"

namespace regscand::server::jobs {

// Fingerprint of what a scan does now; stored per manifest so a changed scanner rescans.
std::string current_analyzers();

struct ScanOptions {
  int not_found_attempts = 4;  // resolve attempts while the registry answers 404
  std::chrono::milliseconds not_found_delay{1'000};
  std::function<void(std::chrono::milliseconds)> sleep = {};  // empty = std::this_thread::sleep_for
  feeds::FeedService* feeds = nullptr;                        // no matching when null
  scanner::registry::ClientOptions client = {};               // blob limits, cancellation at shutdown
};

// `config` and the stores must outlive the handler.
JobHandler make_scan_handler(const config::Config& config, storage::ManifestStore& manifests,
                             storage::ScanStore& scans, storage::InventoryStore& inventory,
                             ScanOptions options);

}  // namespace regscand::server::jobs
