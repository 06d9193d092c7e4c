#include "server/http/metrics.hpp"

#include <sstream>

#include <prometheus/text_serializer.h>

namespace regscand::server::http {
Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(&prometheus::BuildCounter()
                     .Name("regscand_http_requests_total")
                     .Help("HTTP requests answered, by route pattern, method and status")
                     .Register(*registry_)),
      durations_(&prometheus::BuildHistogram()
                      .Name("regscand_http_request_duration_seconds")
                      .Help("Time from request header to the end of the response, by route pattern")
                      .Register(*registry_)),
      buckets_{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30} {}

void Metrics::add_collector_hook(std::function<void()> hook) {
  std::lock_guard lock(hooks_mutex_);
  hooks_.push_back(std::move(hook));
}

void Metrics::observe_request(std::string_view route, std::string_view method, unsigned status,
                              std::chrono::duration<double> elapsed) {
  requests_
      ->Add({{"route", std::string(route)},
             {"method", std::string(method)},
             {"status", std::to_string(status)}})
      .Increment();
  durations_->Add({{"route", std::string(route)}}, buckets_).Observe(elapsed.count());
}

std::string Metrics::render() {
  {
    std::lock_guard lock(hooks_mutex_);
    for (auto& hook : hooks_) {
      hook();
    }
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace regscand::server::http
