#include "server/api/jobs.hpp"

#include <charconv>

#include "server/api/query_params.hpp"
#include "server/http/request_context.hpp"
#include "server/http/response.hpp"

namespace regscand::server::api {
namespace {

using http::Response;
using http::Status;

nlohmann::json to_json(const storage::Job& job) {
  auto nullable = [](const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
  };
  nlohmann::json out{{"id", job.id},
                     {"kind", job.kind},
                     {"registry", job.registry},
                     {"repository", job.repository},
                     {"digest", job.digest},
                     {"priority", job.priority},
                     {"state", storage::to_string(job.state)},
                     {"attempts", job.attempts},
                     {"max_attempts", job.max_attempts},
                     {"run_after", nullable(job.run_after)},
                     {"lease_owner", nullable(job.lease_owner)},
                     {"lease_expires_at", nullable(job.lease_expires_at)},
                     {"last_error", nullable(job.last_error)},
                     {"created_at", nullable(job.created_at)},
                     {"updated_at", nullable(job.updated_at)},
                     {"started_at", nullable(job.started_at)},
                     {"finished_at", nullable(job.finished_at)}};
  out["result"] = nullptr;
  if (!job.result_json.empty()) {
    auto parsed = nlohmann::json::parse(job.result_json, nullptr, false);
    if (!parsed.is_discarded()) out["result"] = std::move(parsed);
  }
  return out;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

void add_job_routes(http::Router& router, storage::JobQueue& queue) {
  const http::RouteOptions reader{config::Role::Reader, {}};
  router.add(
      http::Verb::get, "/v1/jobs", reader, [&queue](http::RequestContext& ctx) -> net::awaitable<Response> {
        auto params = QueryParams::parse(ctx.query(), {"state", "limit", "cursor"});
        if (!params) co_return ctx.error(params.error());
        std::optional<storage::JobState> state;
        if (auto s = params->get("state")) {
          state = storage::parse_job_state(*s);
          if (!state) {
            co_return ctx.error(Error{ErrorCode::InvalidArgument,
                                      "state: must be queued|running|succeeded|failed|dead|cancelled"});
          }
        }
        auto paging = page_params(*params);
        if (!paging) co_return ctx.error(paging.error());
        auto page = co_await run_blocking(ctx.blocking_pool(), [&queue, state, &paging] {
          return queue.list(state, paging->cursor, paging->limit);
        });
        if (!page) co_return ctx.error(page.error());
        nlohmann::json items = nlohmann::json::array();
        for (const auto& job : page->jobs) items.push_back(to_json(job));
        co_return http::json_response(
            Status::ok, {{"items", std::move(items)},
                         {"next_cursor", page->next_cursor.empty() ? nlohmann::json(nullptr)
                                                                   : nlohmann::json(page->next_cursor)}});
      });
  router.add(http::Verb::get, "/v1/jobs/{id}", reader,
             [&queue](http::RequestContext& ctx) -> net::awaitable<Response> {
               if (auto params = QueryParams::parse(ctx.query(), {}); !params)
                 co_return ctx.error(params.error());
               const auto id = parse_int(ctx.param("id"));
               if (!id || *id <= 0)
                 co_return ctx.error(Error{ErrorCode::InvalidArgument, "id: must be a positive integer"});
               const std::int64_t job_id = *id;
               auto job =
                   co_await run_blocking(ctx.blocking_pool(), [&queue, job_id] { return queue.get(job_id); });
               if (!job) co_return ctx.error(job.error());
               if (!*job) co_return ctx.error(Error{ErrorCode::NotFound, "no job " + std::to_string(job_id)});
               co_return http::json_response(Status::ok, to_json(**job));
             });
}

}  // namespace regscand::server::api
