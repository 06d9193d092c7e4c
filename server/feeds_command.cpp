#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <map>

#include "scanner/feeds/default_sources.hpp"
#include "scanner/feeds/mirror.hpp"
#include "server/commands.hpp"
#include "server/database_setup.hpp"
#include "server/feeds/feed_service.hpp"
#include "storage/advisory_lock.hpp"
#include "storage/migrate.hpp"

namespace regscand::server {

namespace {

// Runs f(db) on the migrated database; 1 when it cannot be opened or migrated, else f's code.
template <class F>
int with_database(const config::Config& config, F&& f) {
  auto opened = open_database(config);
  if (!opened) {
    spdlog::critical("{}", opened.error().message);
    return 1;
  }
  int code = 1;
  if (auto migrated = storage::migrate(*opened->db); !migrated) {
    spdlog::critical("migrations failed: {}", migrated.error().message);
  } else {
    code = f(*opened->db);
  }
  opened->close();
  return code;
}

std::string or_never(const std::string& time) {
  return time.empty() ? "never" : time;
}

void print_status(const storage::FeedSourceStatus& s) {
  std::cout << s.source << ": " << (s.kind.empty() ? "unknown" : s.kind) << ", " << s.record_count
            << " advisories, last success " << or_never(s.last_success_at) << ", last checked "
            << or_never(s.last_checked_at) << ", last attempt " << or_never(s.last_attempt_at);
  if (!s.last_error.empty()) std::cout << ", error: " << s.last_error;
  std::cout << "\n";
}

// Downloads one upstream URL (from `mirror` when set) into dir/<host>/<path>; the bytes written.
Result<std::uintmax_t> mirror_one(const std::string& url, const std::string& mirror,
                                  const std::filesystem::path& dir,
                                  const scanner::feeds::FetchOptions& options) {
  auto relative = scanner::feeds::mirror_file(url);
  if (!relative) return std::unexpected(std::move(relative).error());
  auto location = scanner::feeds::mirror_source(url, mirror);
  if (!location) return std::unexpected(std::move(location).error());
  const auto target = dir / *relative;
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec)
    return std::unexpected(Error{ErrorCode::Internal, target.parent_path().string() + ": " + ec.message()});
  if (!scanner::feeds::is_url_source(*location)) {  // a directory mirror
    std::filesystem::copy_file(*location, target, std::filesystem::copy_options::overwrite_existing, ec);
  } else {
    auto fetched = scanner::feeds::fetch_feed(*location, {}, options);
    if (!fetched) return std::unexpected(std::move(fetched).error());
    std::filesystem::rename(fetched->file->path(), target, ec);
  }
  if (ec) return std::unexpected(Error{ErrorCode::Internal, target.string() + ": " + ec.message()});
  return std::filesystem::file_size(target, ec);
}

}  // namespace

int run_feeds_status(const config::Config& config) {
  return with_database(config, [&](storage::Database& db) {
    storage::AdvisoryStore advisories(db);
    auto stored = advisories.sources();
    if (!stored) {
      spdlog::critical("feeds: {}", stored.error().message);
      return 1;
    }
    std::map<std::string, const storage::FeedSourceStatus*> by_source;
    for (const auto& s : *stored) by_source[s.source] = &s;
    int code = 0;
    for (const auto& source : feeds::effective_sources(config)) {
      const auto shown = scanner::feeds::redact_source(source);
      const auto found = by_source.find(shown);
      if (found == by_source.end()) {
        std::cout << shown << ": never attempted\n";
        code = 1;
        continue;
      }
      print_status(*found->second);
      if (!found->second->last_error.empty() || found->second->last_success_at.empty()) code = 1;
      by_source.erase(found);
    }
    for (const auto& [source, s] : by_source) {
      std::cout << "(not configured) ";
      print_status(*s);
    }
    return code;
  });
}

int run_feeds_mirror(const config::Config& config, const std::filesystem::path& dir) {
  auto options = feeds::fetch_options(config);
  options.scratch_dir = dir / ".partial";
  int code = 0;
  for (const auto& source : feeds::effective_sources(config)) {
    const auto shown = scanner::feeds::redact_source(source);
    if (!scanner::feeds::is_url_source(source)) {
      std::cout << shown << ": a path, not mirrored\n";
      continue;
    }
    auto written = mirror_one(source, config.feeds.mirror, dir, options);
    if (!written) {
      std::cout << shown << ": error: " << written.error().message << "\n";
      code = 1;
      continue;
    }
    std::cout << shown << ": " << *written << " bytes -> "
              << (dir / *scanner::feeds::mirror_file(source)).string() << "\n";
  }
  std::error_code ec;
  std::filesystem::remove(options.scratch_dir, ec);  // only when empty
  return code;
}

int run_feeds_import(const config::Config& config, std::vector<std::string> sources, bool force) {
  sources = sources.empty() ? feeds::effective_sources(config) : scanner::feeds::expand_sources(sources);
  if (sources.empty()) {
    std::cerr << "regscand feeds import: no sources (give paths, or set feeds.sources)\n";
    return 2;
  }
  return with_database(config, [&](storage::Database& db) {
    int code = 0;
    storage::AdvisoryStore advisories(db);
    storage::InventoryStore inventories(db);
    storage::FindingStore findings(db);
    feeds::FeedService service(advisories, inventories, findings, feeds::fetch_options(config),
                               config.feeds.mirror);
    feeds::ImportReport report;
    auto locked = storage::with_advisory_lock(db, storage::AdvisoryLock::FeedImport, storage::LockWait::Wait,
                                              [&] { report = service.import(sources, force); });
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
                  << " rejected, " << s.warnings << " taken with a warning\n";
      }
    }
    if (!report.error.empty()) {
      std::cout << "error: " << report.error << "\n";
      code = 1;
    }
    std::cout << "re-matched " << report.rematch.images << " images: " << report.rematch.new_findings
              << " new findings, " << report.rematch.resolved_findings << " resolved\n";
    return code;
  });
}

}  // namespace regscand::server
