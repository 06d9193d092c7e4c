// bench/match: feeds and matching, in one run, each figure beside its target.
//   import   load_feed() of every feed in tests/data (OSV Go and PyPI all.zip, Alpine secdb v3.3-v3.11,
//   Debian
//            tracker samples): wall time, records, peak RSS growth
//   match    match_inventory() of a 1,000-package Alpine 3.11 inventory (names from secdb, so most have
//            advisories): mean of 200 runs (target < 5 ms)
//   re-match INVENTORIES (default 10,000) stored inventories (100 packages each out of 2,000) in a throwaway
//            PostgreSQL, then an import that changes the advisories of 1% of the package names: wall time of
//            the import plus the re-match (target < 5 s at 100,000), with no registry anywhere. The
//            inventories are stored one by one through the stores, which is slow at 100,000.
// Usage: regscand_bench_match TEST_DATA_DIR (tests/data) [INVENTORIES]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>

#include "scanner/ecosystems/builtin.hpp"
#include "scanner/feeds/load.hpp"
#include "scanner/matching/match.hpp"
#include "server/feeds/feed_service.hpp"
#include "storage/embedded_postgres.hpp"
#include "storage/migrate.hpp"

namespace {

using namespace regscand;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

void row(const char* what, const std::string& value, const char* target) {
  std::printf("%-52s %12s   %s\n", what, value.c_str(), target);
}

std::string fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  const int images = argc == 3 ? std::atoi(argv[2]) : 10000;
  if (argc < 2 || argc > 3 || images <= 0) {
    std::fprintf(stderr, "usage: %s TEST_DATA_DIR [INVENTORIES]\n", argv[0]);
    return 2;
  }
  const fs::path data = argv[1];
  std::vector<fs::path> sources = {data / "feeds/osv/Go/all.zip", data / "feeds/osv/PyPI/all.zip"};
  for (int minor = 3; minor <= 11; ++minor) {
    for (const char* repo : {"main", "community"}) {
      const auto p = data / "feeds/alpine-secdb/alpinelinux-alpine-secdb-json" /
                     ("v3." + std::to_string(minor)) / (std::string(repo) + ".json");
      if (fs::exists(p)) sources.push_back(p);
    }
  }
  for (const auto& entry : fs::directory_iterator(data / "feeds/debian/security-tracker-json")) {
    if (entry.path().extension() == ".json") sources.push_back(entry.path());
  }

  std::printf("%-52s %12s   %s\n", "", "value", "target");
  const long rss_before = peak_rss_mb();
  const auto import_start = Clock::now();
  std::vector<scanner::feeds::Advisory> all;
  std::size_t rejected = 0;
  std::size_t unreadable = 0;
  for (const auto& source : sources) {
    auto feed = scanner::feeds::load_feed(source);
    if (!feed && feed.error().code == ErrorCode::Unimplemented) {
      std::fprintf(stderr, "skipped %s: %s\n", source.c_str(), feed.error().message.c_str());
      ++unreadable;
      continue;
    }
    if (!feed) {
      std::fprintf(stderr, "%s: %s\n", source.c_str(), feed.error().message.c_str());
      return 1;
    }
    rejected += feed->result.rejected.size();
    std::move(feed->result.advisories.begin(), feed->result.advisories.end(), std::back_inserter(all));
  }
  const double import_ms = ms_since(import_start);
  const auto advisories = all.size();
  const auto index_start = Clock::now();
  scanner::matching::AdvisoryIndex index(std::move(all));
  const double index_ms = ms_since(index_start);
  row(("import " + std::to_string(sources.size()) + " feeds (ms)").c_str(), fixed2(import_ms), "-");
  row("  advisories / rejected records", std::to_string(advisories) + "/" + std::to_string(rejected), "-");
  row("  sources this build cannot read (skipped)", std::to_string(unreadable), "0");
  row("  index build (ms)", fixed2(index_ms), "-");
  row("  peak RSS growth (MB)", std::to_string(peak_rss_mb() - rss_before), "-");

  // 1,000 Alpine 3.11 packages named after secdb packages (with advisories), the rest unknown to the feeds.
  std::set<std::string> names;
  for (const auto& a : index.advisories()) {
    for (const auto& affected : a.affected) {
      if (affected.ecosystem == "Alpine:v3.11") names.insert(affected.name);
    }
  }
  scanner::pipeline::ImageInventory inventory;
  inventory.distribution = scanner::Distribution{"alpine", "3.11.5", "", "Alpine Linux v3.11"};
  std::size_t i = 0;
  for (const auto& name : names) {
    if (i == 1000) break;
    inventory.packages.push_back(
        {{"apk", name, "0.1-r0", "x86_64", name, "0.1-r0", "lib/apk/db/installed"}, 0});
    ++i;
  }
  for (; i < 1000; ++i) {
    const auto name = "pkg" + std::to_string(i);
    inventory.packages.push_back(
        {{"apk", name, "1.0-r0", "x86_64", name, "1.0-r0", "lib/apk/db/installed"}, 0});
  }
  const auto matchers = scanner::ecosystems::builtin_matchers();
  std::size_t findings = 0;
  const int runs = 200;
  const auto match_start = Clock::now();
  for (int r = 0; r < runs; ++r)
    findings = scanner::matching::match_inventory(index, inventory, matchers).size();
  row("match 1,000 packages, mean of 200 (ms)", fixed2(ms_since(match_start) / runs), "< 5");
  row("  findings", std::to_string(findings), "-");

  // Re-match: a throwaway cluster, `images` inventories, then a feed change touching 1% of the names.
  const auto dir = fs::temp_directory_path() / ("regscand-bench-match-" + std::to_string(getpid()));
  storage::EmbeddedPostgres::Options pg_options;
  pg_options.dir = dir;
  pg_options.durable = false;
  auto pg = storage::EmbeddedPostgres::start(pg_options);
  if (!pg) {
    std::fprintf(stderr, "postgres: %s\n", pg.error().message.c_str());
    return 1;
  }
  storage::Database::Options db_options;
  db_options.url = (*pg)->url();
  auto db = storage::Database::create(db_options);
  if (!db || !storage::migrate(**db)) {
    std::fprintf(stderr, "database setup failed\n");
    return 1;
  }
  storage::AdvisoryStore advisory_store(**db);
  storage::InventoryStore inventory_store(**db);
  storage::FindingStore finding_store(**db);
  server::feeds::FeedService service(advisory_store, inventory_store, finding_store);

  // The feed: one advisory per package name of a 2,000-name pool, Alpine 3.11.
  std::vector<std::string> pool;
  for (int n = 0; n < 2000; ++n) pool.push_back("pool-" + std::to_string(n));
  const auto feed_of = [&](const std::string& fixed_for_touched) {
    std::vector<scanner::feeds::Advisory> feed;
    for (std::size_t n = 0; n < pool.size(); ++n) {
      scanner::feeds::Advisory a;
      a.source = "alpine-secdb";
      a.id = "CVE-2099-" + std::to_string(10000 + n);
      scanner::feeds::Affected affected;
      affected.ecosystem = "Alpine:v3.11";
      affected.name = pool[n];
      affected.fix_state = scanner::feeds::FixState::Fixed;
      const std::string fixed = n % 100 == 0 ? fixed_for_touched : "2.0-r0";
      affected.ranges = {{scanner::feeds::Range::Type::Ecosystem,
                          {{scanner::feeds::RangeEvent::Kind::Introduced, "0"},
                           {scanner::feeds::RangeEvent::Kind::Fixed, fixed}}}};
      a.affected = {affected};
      feed.push_back(std::move(a));
    }
    return feed;
  };
  auto first = advisory_store.replace({"bench-feed", "alpine-secdb", "v1", feed_of("2.0-r0"), 0});
  if (!first || !service.load()) {
    std::fprintf(stderr, "seeding the feed failed\n");
    return 1;
  }
  std::mt19937 rng(7);
  const auto seed_start = Clock::now();
  for (int image = 0; image < images; ++image) {
    scanner::pipeline::ImageInventory inv;
    inv.distribution = inventory.distribution;
    std::set<std::size_t> picked;
    while (picked.size() < 100) picked.insert(rng() % pool.size());
    for (const auto n : picked) {
      inv.packages.push_back(
          {{"apk", pool[n], "1.0-r0", "x86_64", pool[n], "1.0-r0", "lib/apk/db/installed"}, 0});
    }
    char digest[80];
    std::snprintf(digest, sizeof digest, "sha256:%064x", image);
    const storage::ManifestKey key{"bench", "repo/" + std::to_string(image % 100), digest};
    if (!inventory_store.put_inventory(key, "bench", "linux/amd64", "", inv, {digest}) ||
        !service.match(key, inv)) {
      std::fprintf(stderr, "seeding inventory %d failed\n", image);
      return 1;
    }
  }
  row(("  seed " + std::to_string(images) + " inventories with findings (s)").c_str(),
      fixed2(ms_since(seed_start) / 1000), "-");
  const auto rematch_start = Clock::now();
  auto diff = advisory_store.replace({"bench-feed", "alpine-secdb", "v2", feed_of("0.5-r0"), 0});
  if (!diff || !service.load()) {
    std::fprintf(stderr, "the feed update failed\n");
    return 1;
  }
  auto rematched = service.rematch(diff->names);
  if (!rematched) {
    std::fprintf(stderr, "re-match failed: %s\n", rematched.error().message.c_str());
    return 1;
  }
  row("re-match after a 1% feed change (s)", fixed2(ms_since(rematch_start) / 1000), "< 5 at 100,000");
  row("  advisories changed / images re-matched",
      std::to_string(diff->changed) + "/" + std::to_string(rematched->images), "-");
  row("  findings resolved", std::to_string(rematched->resolved_findings), "-");
  db->reset();
  pg->reset();
  fs::remove_all(dir);
  return 0;
}
