#include "server/feeds/feed_metrics.hpp"

#include <chrono>
#include <limits>

#include "scanner/feeds/fetch.hpp"

namespace regscand::server::feeds {

FeedMetrics::FeedMetrics(http::Metrics& metrics, const std::vector<std::string>& sources) {
  auto& registry = metrics.registry();
  auto& age = prometheus::BuildGauge()
                  .Name("regscand_feed_age_seconds")
                  .Help("Seconds since the feed source was last imported or found unchanged (+Inf: never)")
                  .Register(registry);
  auto& advisories = prometheus::BuildGauge()
                         .Name("regscand_feed_advisories")
                         .Help("Advisories stored from the feed source")
                         .Register(registry);
  auto& failing = prometheus::BuildGauge()
                      .Name("regscand_feed_failing")
                      .Help("1 when the last attempt to read the feed source failed")
                      .Register(registry);
  for (const auto& source : sources) {
    const std::string shown = scanner::feeds::redact_source(source);
    const std::map<std::string, std::string> labels{{"source", shown}};
    series_.push_back({shown, 0, &age.Add(labels), &advisories.Add(labels), &failing.Add(labels)});
  }
  set_ages();
  metrics.add_collector_hook([this] {
    std::lock_guard lock(mutex_);
    set_ages();
  });
}

void FeedMetrics::update(const std::vector<storage::FeedSourceStatus>& stored) {
  std::lock_guard lock(mutex_);
  for (auto& s : series_) {
    for (const auto& status : stored) {
      if (status.source != s.source) continue;
      s.last_checked_unix = status.last_checked_unix;
      s.advisories->Set(static_cast<double>(status.record_count));
      s.failing->Set(status.last_error.empty() ? 0 : 1);
    }
  }
  set_ages();
}

void FeedMetrics::set_ages() {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (auto& s : series_) {
    s.age->Set(s.last_checked_unix > 0 ? now - s.last_checked_unix : std::numeric_limits<double>::infinity());
  }
}

}  // namespace regscand::server::feeds
