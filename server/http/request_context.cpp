#include "server/http/request_context.hpp"

#include "config/base/json_input.hpp"

#include <algorithm>

namespace regscand::server::http {
namespace {

std::string_view target_of(const Request& request) {
  auto target = request.target();
  return {target.data(), target.size()};
}

}  // namespace

RequestContext::RequestContext(Request& request, const Route& route, PathParams params,
                               std::string_view request_id, std::optional<Principal> principal,
                               net::thread_pool& blocking_pool)
    : request_(request),
      route_(route),
      params_(std::move(params)),
      request_id_(request_id),
      principal_(std::move(principal)),
      blocking_pool_(blocking_pool) {}

std::string_view RequestContext::path() const {
  std::string_view target = target_of(request_);
  return target.substr(0, target.find('?'));
}

std::string_view RequestContext::query() const {
  std::string_view target = target_of(request_);
  auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

std::string_view RequestContext::param(std::string_view name) const {
  auto it = std::find_if(params_.begin(), params_.end(), [&](const auto& p) { return p.first == name; });
  return it == params_.end() ? std::string_view{} : std::string_view(it->second);
}

Result<nlohmann::json> RequestContext::json_body(int max_depth) const {
  auto json = parse_json(body(), JsonLimits{static_cast<std::size_t>(std::max(max_depth, 0)), body().size()});
  if (!json) return fail(ErrorCode::InvalidArgument, "request body: " + json.error().message);
  return json;
}

Response RequestContext::error(const Error& error) const {
  return error_response(error, request_id_);
}

}  // namespace regscand::server::http
