#include "server/webhooks/webhook_routes.hpp"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "config/base/base64.hpp"
#include "config/base/text.hpp"
#include "server/http/auth.hpp"
#include "server/http/request_context.hpp"
#include "server/http/response.hpp"
#include "server/webhooks/acr.hpp"
#include "server/webhooks/distribution.hpp"
#include "server/webhooks/harbor.hpp"
#include "server/webhooks/own_pulls.hpp"

namespace regscand::server::webhooks {
namespace {

using http::Response;
using http::Status;

constexpr std::string_view kDistributionTypes[] = {"application/vnd.docker.distribution.events.v1+json",
                                                   "application/vnd.docker.distribution.events.v2+json",
                                                   "application/json"};
constexpr std::string_view kAcrTypes[] = {"application/json"};
constexpr std::string_view kHarborTypes[] = {"application/json", "application/cloudevents+json"};

constexpr std::size_t kMaxBasicCredentials = 4096;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool content_type_allowed(config::RegistryKind kind, std::string_view header) {
  const std::string bare = text::lower_case(trim(header.substr(0, header.find(';'))));
  auto allowed = [&](auto& list) {
    return std::find(std::begin(list), std::end(list), bare) != std::end(list);
  };
  switch (kind) {
    case config::RegistryKind::Distribution:
      return allowed(kDistributionTypes);
    case config::RegistryKind::Acr:
      return allowed(kAcrTypes);
    case config::RegistryKind::Harbor:
      return allowed(kHarborTypes);
  }
  return false;
}

Result<ParsedWebhook> parse_for(config::RegistryKind kind, std::string_view body) {
  switch (kind) {
    case config::RegistryKind::Distribution:
      return parse_distribution(body);
    case config::RegistryKind::Acr:
      return parse_acr(body);
    case config::RegistryKind::Harbor:
      return parse_harbor(body);
  }
  return fail(ErrorCode::Internal, "unknown registry kind");
}

// Every configured token is compared, with no early exit.
bool token_matches(const std::vector<std::string>& tokens, std::string_view presented) {
  bool match = false;
  for (const auto& token : tokens) match |= http::constant_time_equals(token, presented);
  return match;
}

class WebhookMetrics {
 public:
  explicit WebhookMetrics(http::Metrics& metrics)
      : events_(prometheus::BuildCounter()
                    .Name("regscand_webhook_events_total")
                    .Help("Registry webhook events by registry, action and outcome")
                    .Register(metrics.registry())) {}

  void count(const std::string& registry, std::string_view action, std::string_view outcome, double n) {
    if (n <= 0) return;
    events_.Add({{"registry", registry}, {"action", std::string(action)}, {"outcome", std::string(outcome)}})
        .Increment(n);
  }

 private:
  prometheus::Family<prometheus::Counter>& events_;
};

}  // namespace

std::string presented_webhook_token(std::string_view authorization) {
  const auto value = trim(authorization);
  const auto space = value.find(' ');
  if (space != std::string_view::npos) {
    const std::string scheme = text::lower_case(value.substr(0, space));
    const auto credentials = trim(value.substr(space + 1));
    if (scheme == "bearer") return std::string(credentials);
    if (scheme == "basic") {
      if (credentials.size() > kMaxBasicCredentials) return {};
      const std::string decoded = text::base64_decode(credentials).value_or("");
      const auto colon = decoded.find(':');
      return colon == std::string::npos ? std::string() : decoded.substr(colon + 1);
    }
  }
  return std::string(value);
}

void add_webhook_routes(http::Router& router, const config::Config& config, InboxWriter& writer,
                        http::Metrics& metrics) {
  auto counters = std::make_shared<WebhookMetrics>(metrics);
  http::RouteOptions options;  // open route: the registry's webhook token is checked below
  router.add(
      http::Verb::post, "/v1/webhooks/{registry}", options,
      [&config, &writer, counters](http::RequestContext& ctx) -> net::awaitable<Response> {
        const std::string name(ctx.param("registry"));
        const config::RegistryConfig* registry = config.find_registry(name);
        if (registry == nullptr) {
          co_return http::error_response(Status::not_found, "not_found",
                                         "no registry named \"" + name + "\"");
        }
        const auto tokens = config.webhook_tokens_for(*registry);
        if (!tokens.empty()) {
          const auto header = ctx.request().find(http::Field::authorization);
          const std::string presented = header == ctx.request().end()
                                            ? std::string()
                                            : presented_webhook_token(http::to_std(header->value()));
          if (presented.empty() || !token_matches(tokens, presented)) {
            counters->count(name, "any", "unauthenticated", 1);
            co_return http::error_response(Status::unauthorized, "unauthenticated",
                                           "missing or unknown webhook token for registry \"" + name + "\"");
          }
        }
        const auto content_type = http::to_std(ctx.request()[http::Field::content_type]);
        if (!content_type_allowed(registry->kind, content_type)) {
          co_return http::error_response(Status::unsupported_media_type, "unsupported_media_type",
                                         "content type \"" + std::string(content_type.substr(0, 100)) +
                                             "\" is not a " + std::string(config::to_string(registry->kind)) +
                                             " notification");
        }
        auto parsed = parse_for(registry->kind, ctx.body());
        if (!parsed) {
          counters->count(name, "any", "rejected", 1);
          co_return http::error_response(Status::bad_request, "invalid_argument", parsed.error().message);
        }
        counters->count(name, "any", "ignored", static_cast<double>(parsed->ignored));
        nlohmann::json body{{"events", parsed->events.size()}, {"ignored", parsed->ignored}};
        const std::size_t own_pulls = drop_own_pulls(parsed->events, *registry);
        counters->count(name, "any", "own_pull", static_cast<double>(own_pulls));
        if (parsed->events.empty()) {
          body["applied"] = 0;
          body["duplicates"] = 0;
          body["dropped"] = own_pulls;
          body["jobs_enqueued"] = 0;
          co_return http::json_response(Status::accepted, body);
        }
        storage::InboxBatch batch{name, std::move(parsed->events), registry->include_head_pulls};
        auto outcome = co_await writer.submit(batch);
        if (!outcome) {
          counters->count(name, "any", "failed", 1);
          if (outcome.error().code != ErrorCode::Unavailable) co_return ctx.error(outcome.error());
          co_return http::error_response(Status::service_unavailable, "unavailable",
                                         "events not stored: " + outcome.error().message + "; retry later");
        }
        counters->count(name, "any", "applied", static_cast<double>(outcome->applied));
        counters->count(name, "any", "duplicate", static_cast<double>(outcome->duplicates));
        counters->count(name, "any", "dropped", static_cast<double>(outcome->dropped));
        body["applied"] = outcome->applied;
        body["duplicates"] = outcome->duplicates;
        body["dropped"] = outcome->dropped + own_pulls;
        body["jobs_enqueued"] = outcome->jobs_enqueued;
        co_return http::json_response(Status::accepted, body);
      });
}

}  // namespace regscand::server::webhooks
