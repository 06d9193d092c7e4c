// The "rescan" job the scheduler queues: matches the image's stored inventories (the image, or the platform
// images of an index) against the current advisories and stores the findings, with no registry request and
// no blob download. When the image has no stored inventory, or was scanned by other analyzers than the
// current ones, it runs `full_scan` (the "scan" handler, which re-analyzes only the layers that need it)
// instead. Either way the attempt is a row in `scans` with kind "rescan".
#pragma once

#include "server/feeds/feed_service.hpp"
#include "server/jobs/job_handlers.hpp"
#include "storage/inventory_store.hpp"
#include "storage/manifest_store.hpp"
#include "storage/rescan_store.hpp"
#include "storage/scan_store.hpp"

namespace regscand::server::jobs {

struct RescanStores {
  storage::ManifestStore& manifests;
  storage::ScanStore& scans;
  storage::InventoryStore& inventory;
  storage::RescanStore& rescans;
};

// The stores and `feeds` (nullptr: nothing is matched) must outlive the handler.
JobHandler make_rescan_handler(RescanStores stores, feeds::FeedService* feeds, JobHandler full_scan);

}  // namespace regscand::server::jobs
