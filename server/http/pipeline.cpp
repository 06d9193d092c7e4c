#include "server/http/pipeline.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstring>
#include <exception>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "config/base/text.hpp"
#include "server/http/request_context.hpp"

namespace regscand::server::http {
namespace {

constexpr std::size_t kMaxLoggedPath = 256;

std::string_view view(boost::beast::string_view s) {
  return {s.data(), s.size()};
}

std::optional<std::string_view> header_value(const Request& request, Field field) {
  auto it = request.find(field);
  if (it == request.end()) {
    return std::nullopt;
  }
  return view(it->value());
}

std::string media_type(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
    type.remove_suffix(1);
  }
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) {
    type.remove_prefix(1);
  }
  return text::lower_case(type);
}

// 16 random bytes as 32 hex digits.
std::string random_request_id() {
  std::array<unsigned char, 16> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    // Only when the CSPRNG cannot be seeded; request ids need uniqueness, not secrecy.
    static std::atomic<std::uint64_t> fallback{0};
    std::uint64_t n = fallback.fetch_add(1) ^
                      static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    std::memcpy(raw.data(), &n, sizeof n);
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char byte : raw) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xf]);
  }
  return out;
}

}  // namespace

bool is_valid_request_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxRequestIdLength && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

std::string request_id_for(std::optional<std::string_view> incoming) {
  if (incoming && is_valid_request_id(*incoming)) {
    return std::string(*incoming);
  }
  return random_request_id();
}

std::string method_label(Verb method) {
  if (method == Verb::unknown) {
    return "OTHER";
  }
  return std::string(view(regscand::http::to_string(method)));
}

Pipeline::Pipeline(Router router, Authenticator authenticator, Metrics& metrics)
    : router_(std::move(router)), authenticator_(std::move(authenticator)), metrics_(metrics) {}

Admission Pipeline::unparsed() {
  Admission a;
  a.request_id = request_id_for(std::nullopt);
  return a;
}

Admission Pipeline::admit(const Request& header, bool body_follows) const {
  Admission a;
  auto incoming = header.find("X-Request-Id");
  a.request_id =
      request_id_for(incoming == header.end() ? std::nullopt : std::optional(view(incoming->value())));
  a.method_label = method_label(header.method());
  std::string_view target = view(header.target());
  std::string_view path = target.substr(0, target.find('?'));
  a.log_path = std::string(path.substr(0, kMaxLoggedPath));

  RouteMatch match = router_.match(header.method(), path);
  switch (match.kind) {
    case RouteMatch::Kind::NotFound:
      a.rejection = error_response(Status::not_found, "no route for " + a.log_path);
      return a;
    case RouteMatch::Kind::BadPath:
      a.rejection = error_response(Status::bad_request, match.error);
      return a;
    case RouteMatch::Kind::MethodNotAllowed:
      a.rejection =
          error_response(Status::method_not_allowed, "method " + a.method_label + " not allowed here");
      a.rejection->set(Field::allow, match.allow);
      return a;
    case RouteMatch::Kind::Found:
      break;
  }
  a.route = match.route;
  a.route_label = match.route->pattern;
  a.params = std::move(match.params);

  const RouteOptions& options = match.route->options;
  if (options.min_role) {
    auto principal = authenticator_.check(header_value(header, Field::authorization), *options.min_role);
    if (!principal) {
      a.rejection = error_response(principal.error(), a.request_id);
      return a;
    }
    a.principal = std::move(*principal);
  } else if (!authenticator_.enabled()) {
    a.principal = Principal{"anonymous", config::Role::Admin};
  }

  if (body_follows && !options.content_types.empty()) {
    std::string type = media_type(header_value(header, Field::content_type).value_or(""));
    if (std::find(options.content_types.begin(), options.content_types.end(), type) ==
        options.content_types.end()) {
      std::string accepted;
      for (const std::string& t : options.content_types) {
        accepted += accepted.empty() ? t : ", " + t;
      }
      a.rejection = error_response(Status::unsupported_media_type, "content type '" + type.substr(0, 100) +
                                                                       "' not accepted; use " + accepted);
    }
  }
  return a;
}

net::awaitable<Response> Pipeline::call(Admission& admission, Request& request,
                                        net::thread_pool& blocking_pool) const {
  std::string failure;
  try {
    RequestContext ctx(request, *admission.route, std::move(admission.params), admission.request_id,
                       admission.principal, blocking_pool);
    co_return co_await admission.route->handler(ctx);
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "non-standard exception";
  }
  spdlog::error("http: handler for {} {} threw request_id={}: {}", admission.method_label,
                admission.route_label, admission.request_id, failure);
  co_return error_response(Status::internal_server_error, "internal error");
}

void Pipeline::decorate(Response& response, const Admission& admission, unsigned version, bool keep_alive) {
  response.version(version);
  response.keep_alive(keep_alive);
  response.set(Field::server, "regscand");
  response.set("X-Request-Id", admission.request_id);
  response.set("X-Content-Type-Options", "nosniff");
  if (response.find(Field::cache_control) == response.end()) {
    response.set(Field::cache_control, "no-store");
  }
  response.prepare_payload();
}

void Pipeline::record(const Admission& admission, unsigned status, std::size_t bytes,
                      std::chrono::steady_clock::duration elapsed, std::string_view remote) const {
  metrics_.observe_request(admission.route_label, admission.method_label, status, elapsed);
  double ms = std::chrono::duration<double, std::milli>(elapsed).count();
  spdlog::info(
      "http: {} {} status={} bytes={} duration_ms={:.1f} route={} request_id={} principal={} remote={}",
      admission.method_label, admission.log_path, status, bytes, ms, admission.route_label,
      admission.request_id, admission.principal ? admission.principal->name : "-", remote);
}

}  // namespace regscand::server::http
