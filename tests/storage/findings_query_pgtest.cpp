// FindingsQuery::events under concurrent writers: transactions commit out of id order, and a poller that
// follows next_cursor must still see every event exactly once.
#include "storage/findings_query.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>
#include <thread>
#include <vector>

#include "tests/support/pg_test.hpp"

namespace regscand::testing {
namespace {

class EventsFeed : public PgTest {
 protected:
  unsigned pool_size() const override { return 2; }

  std::int64_t package_id() const {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    const auto id =
        tx.exec1(
              "INSERT INTO packages (ecosystem, name, version, arch, source_name, source_version, "
              "module) VALUES ('dpkg', 'libc6', '2.36', 'amd64', 'glibc', '2.36', '') RETURNING id")[0]
            .as<std::int64_t>();
    tx.commit();
    return id;
  }
};

TEST_F(EventsFeed, APollerSeesEveryEventOnceWhileWritersCommitOutOfOrder) {
  storage::FindingsQuery query(*db_);
  const std::int64_t package = package_id();
  constexpr int kWriters = 4;
  constexpr int kEventsEach = 60;
  std::atomic<int> writers_left{kWriters};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      pqxx::connection conn(url_);
      std::mt19937 rng(static_cast<unsigned>(w));
      for (int i = 0; i < kEventsEach; ++i) {
        pqxx::work tx(conn);
        tx.exec_params(
            "INSERT INTO finding_events (kind, registry, repository, digest, package_id, vulnerability, "
            "severity)"
            " VALUES ('new', 'local', 'app', 'sha256:' || repeat('a', 64), $1, $2, 'High')",
            package, "CVE-" + std::to_string(w) + "-" + std::to_string(i));
        // Hold the transaction open a while: others take later ids and commit first.
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 8));
        tx.commit();
      }
      --writers_left;
    });
  }

  std::map<std::int64_t, int> seen;
  std::string cursor;
  int quiet_polls = 0;
  while (quiet_polls < 2) {
    const bool writers_done = writers_left.load() == 0;
    auto page = query.events({}, cursor, 7);
    ASSERT_TRUE(page) << page.error().message;
    for (const auto& item : page->items) ++seen[nlohmann::json::parse(item)["id"].get<std::int64_t>()];
    if (!page->next_cursor.empty()) cursor = page->next_cursor;
    quiet_polls = writers_done && page->items.empty() ? quiet_polls + 1 : 0;
  }
  for (auto& t : writers) t.join();

  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kWriters * kEventsEach)) << "events skipped";
  for (const auto& [id, times] : seen) EXPECT_EQ(times, 1) << "event " << id;
  EXPECT_EQ(count("SELECT count(*) FROM finding_events"), kWriters * kEventsEach);
}

TEST_F(EventsFeed, TheLastPageCarriesTheCursorToPollFromAndAnEmptyPageNone) {
  storage::FindingsQuery query(*db_);
  const std::int64_t package = package_id();
  {
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    for (int i = 0; i < 3; ++i) {
      tx.exec_params(
          "INSERT INTO finding_events (kind, registry, repository, digest, package_id, vulnerability, "
          "severity)"
          " VALUES ('new', 'local', 'app', 'sha256:' || repeat('a', 64), $1, $2, 'Low')",
          package, "CVE-x-" + std::to_string(i));
    }
    tx.commit();
  }
  auto first = query.events({}, "", 10);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->items.size(), 3u);
  ASSERT_FALSE(first->next_cursor.empty());
  auto empty = query.events({}, first->next_cursor, 10);
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_TRUE(empty->items.empty());
  EXPECT_TRUE(empty->next_cursor.empty());
  auto old_cursor = query.events({}, "WyJldmVudHMiLCIxIl0", 10);  // ["events","1"], before migration 0014
  ASSERT_FALSE(old_cursor);
  EXPECT_EQ(old_cursor.error().code, ErrorCode::InvalidArgument);
}

}  // namespace
}  // namespace regscand::testing
