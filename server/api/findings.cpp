#include "server/api/findings.hpp"

#include <memory>

#include "server/api/query_params.hpp"
#include "server/api/summary_cache.hpp"
#include "server/http/request_context.hpp"
#include "server/http/response.hpp"

namespace regscand::server::api {
namespace {

using http::Response;
using http::Status;

// Sets `out` from the parameter when present; the error of `parse` otherwise.
template <class T, class Parse>
Result<void> optional_param(const QueryParams& params, std::string_view name, T& out, Parse parse) {
  auto value = params.get(name);
  if (!value) return {};
  auto parsed = parse(name, *value);
  if (!parsed) return std::unexpected(parsed.error());
  out = std::move(*parsed);
  return {};
}

Result<storage::FindingStatus> parse_status(std::string_view name, std::string_view text) {
  if (text == "open") return storage::FindingStatus::Open;
  if (text == "resolved") return storage::FindingStatus::Resolved;
  if (text == "any") return storage::FindingStatus::Any;
  return fail(ErrorCode::InvalidArgument, std::string(name) + ": must be open, resolved or any");
}

Result<std::string> parse_kind(std::string_view name, std::string_view text) {
  if (text == "new" || text == "resolved") return std::string(text);
  return fail(ErrorCode::InvalidArgument, std::string(name) + ": must be new or resolved");
}

Result<storage::FindingFeedFilter> feed_filter(const QueryParams& params) {
  storage::FindingFeedFilter f;
  for (auto ok : {optional_param(params, "severity", f.severities, parse_severities),
                  optional_param(params, "registry", f.registry, parse_name),
                  optional_param(params, "repository", f.repository, parse_name),
                  optional_param(params, "since", f.since, parse_time),
                  optional_param(params, "status", f.status, parse_status)}) {
    if (!ok) return std::unexpected(ok.error());
  }
  return f;
}

Result<storage::EventFilter> event_filter(const QueryParams& params) {
  storage::EventFilter f;
  for (auto ok : {optional_param(params, "since", f.since, parse_time),
                  optional_param(params, "kind", f.kind, parse_kind),
                  optional_param(params, "registry", f.registry, parse_name),
                  optional_param(params, "repository", f.repository, parse_name)}) {
    if (!ok) return std::unexpected(ok.error());
  }
  return f;
}

}  // namespace

void add_finding_routes(http::Router& router, storage::CatalogQuery& catalog,
                        storage::FindingsQuery& findings, std::chrono::milliseconds summary_max_age) {
  const http::RouteOptions reader{config::Role::Reader, {}};

  auto cache = std::make_shared<SummaryCache>([&catalog] { return catalog.summary(); }, summary_max_age);
  router.add(http::Verb::get, "/v1/summary", reader,
             [cache](http::RequestContext& ctx) -> net::awaitable<Response> {
               if (auto params = QueryParams::parse(ctx.query(), {}); !params)
                 co_return ctx.error(params.error());
               auto summary = co_await run_blocking(ctx.blocking_pool(), [&] { return cache->get(); });
               if (!summary) co_return ctx.error(summary.error());
               co_return http::json_response(Status::ok, *summary);
             });

  router.add(http::Verb::get, "/v1/findings", reader,
             [&findings](http::RequestContext& ctx) -> net::awaitable<Response> {
               auto params = QueryParams::parse(
                   ctx.query(), {"severity", "registry", "repository", "since", "status", "limit", "cursor"});
               if (!params) co_return ctx.error(params.error());
               auto filter = feed_filter(*params);
               if (!filter) co_return ctx.error(filter.error());
               auto page = page_params(*params);
               if (!page) co_return ctx.error(page.error());
               auto result = co_await run_blocking(ctx.blocking_pool(), [&] {
                 return findings.findings(*filter, page->cursor, page->limit);
               });
               if (!result) co_return ctx.error(result.error());
               co_return page_response(std::move(*result));
             });

  router.add(http::Verb::get, "/v1/events", reader,
             [&findings](http::RequestContext& ctx) -> net::awaitable<Response> {
               auto params = QueryParams::parse(
                   ctx.query(), {"since", "kind", "registry", "repository", "limit", "cursor"});
               if (!params) co_return ctx.error(params.error());
               auto filter = event_filter(*params);
               if (!filter) co_return ctx.error(filter.error());
               auto page = page_params(*params);
               if (!page) co_return ctx.error(page.error());
               auto result = co_await run_blocking(
                   ctx.blocking_pool(), [&] { return findings.events(*filter, page->cursor, page->limit); });
               if (!result) co_return ctx.error(result.error());
               co_return page_response(std::move(*result));
             });
}

}  // namespace regscand::server::api
