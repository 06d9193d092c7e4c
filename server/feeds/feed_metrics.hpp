// The feeds on /metrics, one series per configured source (labelled as redact_source() shows it):
//   regscand_feed_age_seconds{source}   since the source was last imported or found unchanged; +Inf if never
//   regscand_feed_advisories{source}    advisories stored from it
//   regscand_feed_failing{source}       1 when its last attempt failed, else 0
// update() takes the stored state (the refresher calls it on every check); ages are computed at each scrape.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include <prometheus/gauge.h>

#include "server/http/metrics.hpp"
#include "storage/advisory_store.hpp"

namespace regscand::server::feeds {

class FeedMetrics {
 public:
  // `metrics` must outlive this; `sources` as configured (credentials are never shown).
  FeedMetrics(http::Metrics& metrics, const std::vector<std::string>& sources);
  FeedMetrics(const FeedMetrics&) = delete;
  FeedMetrics& operator=(const FeedMetrics&) = delete;

  void update(const std::vector<storage::FeedSourceStatus>& stored);

 private:
  struct Series {
    std::string source;
    double last_checked_unix = 0;  // 0 = never
    prometheus::Gauge* age;
    prometheus::Gauge* advisories;
    prometheus::Gauge* failing;
  };
  void set_ages();

  std::mutex mutex_;
  std::vector<Series> series_;
};

}  // namespace regscand::server::feeds
