// The process's Prometheus registry plus the HTTP metrics the server records:
//   regscand_http_requests_total{route,method,status}        counter
//   regscand_http_request_duration_seconds{route}            histogram
// `route` is the route pattern ("unmatched" when none matched), so label cardinality is bounded.
// Other components register their own families on registry(); collector hooks run before each scrape
// (e.g. to copy database pool state into gauges).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace regscand::server::http {

class Metrics {
 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  prometheus::Registry& registry() { return *registry_; }

  // Runs on the scraping thread before serialisation; keep it cheap and non-blocking.
  void add_collector_hook(std::function<void()> hook);

  void observe_request(std::string_view route, std::string_view method, unsigned status,
                       std::chrono::duration<double> elapsed);

  // Runs the hooks, then serialises the registry in the text exposition format 0.0.4.
  std::string render();

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* durations_;
  prometheus::Histogram::BucketBoundaries buckets_;
  std::mutex hooks_mutex_;
  std::vector<std::function<void()>> hooks_;
};

}  // namespace regscand::server::http
