// The daemon's feed loop, on a thread of its own: imports the configured sources every refresh interval
// (one replica at a time: the others skip the round while the feed lock is held) and reloads the advisory
// index whenever any replica or `regscand feeds import` has imported something since the last load.
// Downloads happen only here, never before the daemon serves: with every source unreachable it serves on.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "server/feeds/feed_service.hpp"
#include "storage/database.hpp"

namespace regscand::server::feeds {

struct RefresherOptions {
  std::vector<std::string> sources;
  std::chrono::milliseconds refresh_interval{std::chrono::hours(6)};
  std::chrono::milliseconds check_every{std::chrono::seconds(10)};  // for imports made elsewhere
  // Called with the stored per-source state on every check (e.g. FeedMetrics::update).
  std::function<void(const std::vector<storage::FeedSourceStatus>&)> on_state;
  // Requested by stop(): the FeedService's downloads (FetchOptions::stop) should watch its token.
  std::stop_source cancel;
};

class FeedRefresher {
 public:
  FeedRefresher(storage::Database& db, storage::AdvisoryStore& advisories, FeedService& service,
                RefresherOptions options);
  ~FeedRefresher();
  FeedRefresher(const FeedRefresher&) = delete;
  FeedRefresher& operator=(const FeedRefresher&) = delete;

  void start();
  // Cancels a download in progress, then waits for the import to end (the sources not yet read are left
  // for the next round).
  void stop();

 private:
  void loop();
  void refresh_if_due(std::chrono::steady_clock::time_point& next_import);
  void reload_if_changed();

  storage::Database& db_;
  storage::AdvisoryStore& advisories_;
  FeedService& service_;
  RefresherOptions options_;
  std::string loaded_state_;  // the feed_sources success times the index was built from
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace regscand::server::feeds
