#include <spdlog/spdlog.h>

#include <iostream>

#include "server/commands.hpp"
#include "server/database_setup.hpp"
#include "server/feeds/feed_lock.hpp"
#include "server/feeds/feed_service.hpp"
#include "storage/migrate.hpp"

namespace regscand::server {

int run_feeds_import(const config::Config& config, std::vector<std::string> sources, bool force) {
  if (sources.empty()) sources = config.feeds.sources;
  if (sources.empty()) {
    std::cerr << "regscand feeds import: no sources (give paths, or set feeds.sources)\n";
    return 2;
  }
  auto opened = open_database(config);
  if (!opened) {
    spdlog::critical("database: {}", opened.error().message);
    return 1;
  }
  int code = 0;
  {
    storage::Database& db = *opened->db;
    if (auto migrated = storage::migrate(db); !migrated) {
      spdlog::critical("migrations failed: {}", migrated.error().message);
      opened->close();
      return 1;
    }
    storage::AdvisoryStore advisories(db);
    storage::InventoryStore inventories(db);
    storage::FindingStore findings(db);
    feeds::FeedService service(advisories, inventories, findings, feeds::fetch_options(config));
    feeds::ImportReport report;
    auto locked = feeds::with_feed_lock(db, true, [&] { report = service.import(sources, force); });
    if (!locked) {
      spdlog::critical("feeds: {}", locked.error().message);
      code = 1;
    }
    for (const auto& s : report.sources) {
      std::cout << s.source << ": ";
      if (!s.error.empty()) {
        std::cout << "error: " << s.error << "\n";
        code = 1;
      } else if (s.skipped) {
        std::cout << "unchanged, skipped\n";
      } else {
        std::cout << s.kind << ", " << s.diff.added << " added, " << s.diff.changed << " changed, "
                  << s.diff.removed << " removed, " << s.diff.unchanged << " unchanged, " << s.rejected
                  << " rejected\n";
      }
    }
    if (!report.error.empty()) {
      std::cout << "error: " << report.error << "\n";
      code = 1;
    }
    std::cout << "re-matched " << report.rematch.images << " images: " << report.rematch.new_findings
              << " new findings, " << report.rematch.resolved_findings << " resolved\n";
  }
  opened->close();
  return code;
}

}  // namespace regscand::server
