#include "server/api/version.hpp"

#include "server/api/query_params.hpp"
#include "server/http/request_context.hpp"

namespace regscand::server::api {

std::string_view version() {
  return REGSCAND_VERSION;
}

void add_version_routes(http::Router& router, std::optional<std::string> git_commit) {
  http::RouteOptions options;
  options.min_role = config::Role::Reader;
  router.add(http::Verb::get, "/v1/version", std::move(options),
             [git = std::move(git_commit)](http::RequestContext& ctx) -> net::awaitable<http::Response> {
               if (auto params = QueryParams::parse(ctx.query(), {}); !params)
                 co_return ctx.error(params.error());
               nlohmann::json body = {{"name", "regscand"}, {"version", version()}};
               if (git) {
                 body["git"] = *git;
               }
               co_return http::json_response(http::Status::ok, body);
             });
}

}  // namespace regscand::server::api
