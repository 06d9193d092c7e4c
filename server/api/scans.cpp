#include "server/api/scans.hpp"

#include <charconv>

#include "scanner/model/digest.hpp"
#include "scanner/model/reference.hpp"
#include "server/api/query_params.hpp"
#include "server/http/request_context.hpp"
#include "server/http/response.hpp"
#include "storage/event_inbox.hpp"

namespace regscand::server::api {
namespace {

using http::Response;
using http::Status;

struct ImportRequest {
  std::string registry, repository, tag, digest;
};

Error invalid(std::string message) {
  return Error{ErrorCode::InvalidArgument, std::move(message)};
}

// The body's fields, each checked; InvalidArgument names the field.
Result<ImportRequest> parse_import(const nlohmann::json& body) {
  if (!body.is_object()) return std::unexpected(invalid("body: must be a JSON object"));
  ImportRequest r;
  for (const auto& [key, value] : body.items()) {
    std::string* target = key == "registry"     ? &r.registry
                          : key == "repository" ? &r.repository
                          : key == "tag"        ? &r.tag
                          : key == "digest"     ? &r.digest
                                                : nullptr;
    if (target == nullptr) return std::unexpected(invalid("unknown field \"" + key.substr(0, 64) + "\""));
    if (!value.is_string()) return std::unexpected(invalid(key + ": must be a string"));
    *target = value.get<std::string>();
    if (target->empty()) return std::unexpected(invalid(key + ": must not be empty"));
  }
  if (r.registry.empty()) return std::unexpected(invalid("registry: required"));
  if (r.repository.empty()) return std::unexpected(invalid("repository: required"));
  if (!scanner::is_valid_repository(r.repository)) {
    return std::unexpected(invalid("repository: not a valid repository name"));
  }
  if (r.tag.empty() == r.digest.empty())
    return std::unexpected(invalid("tag or digest: exactly one is required"));
  if (!r.tag.empty() && !scanner::is_valid_tag(r.tag))
    return std::unexpected(invalid("tag: not a valid tag"));
  if (!r.digest.empty()) {
    auto digest = scanner::Digest::parse(r.digest);
    if (!digest) return std::unexpected(invalid("digest: " + digest.error().message));
    r.digest = digest->str();
  }
  return r;
}

// {"registry": "..."}: the only field; InvalidArgument names it.
Result<std::string> parse_catalog(const nlohmann::json& body) {
  if (!body.is_object()) return std::unexpected(invalid("body: must be a JSON object"));
  std::string registry;
  for (const auto& [key, value] : body.items()) {
    if (key != "registry") return std::unexpected(invalid("unknown field \"" + key.substr(0, 64) + "\""));
    if (!value.is_string()) return std::unexpected(invalid("registry: must be a string"));
    registry = value.get<std::string>();
    if (registry.empty()) return std::unexpected(invalid("registry: must not be empty"));
  }
  if (registry.empty()) return std::unexpected(invalid("registry: required"));
  return registry;
}

Error unknown_registry(const std::string& name) {
  return Error{ErrorCode::NotFound,
               "registry: no registry named \"" + name.substr(0, 64) + "\" is configured"};
}

std::optional<std::int64_t> parse_id(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

nlohmann::json scan_json(const storage::ScanRecord& s) {
  auto nullable = [](const std::string& v) {
    return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
  };
  return {{"id", s.id},
          {"kind", s.kind},
          {"digest", s.digest},
          {"state", s.state},
          {"analyzers", s.analyzers},
          {"started_at", nullable(s.started_at)},
          {"finished_at", nullable(s.finished_at)},
          {"error", nullable(s.error)},
          {"bytes_fetched", s.figures.bytes_fetched},
          {"layers_total", s.figures.layers_total},
          {"layers_reused", s.figures.layers_reused},
          {"layers_fetched", s.figures.layers_fetched},
          {"problems", s.problems}};
}

bool is_scan_kind(std::string_view kind) {
  return kind == storage::kScanJobKind || kind == storage::kImportJobKind ||
         kind == storage::kRescanJobKind || kind == storage::kCatalogJobKind;
}

// A catalog job's subject is the whole registry: its repository and digest are shown as null.
nlohmann::json subject_field(const storage::Job& job, const std::string& value) {
  if (job.kind == storage::kCatalogJobKind) return nullptr;
  return value;
}

}  // namespace

void add_scan_routes(http::Router& router, ScanRouteDeps deps) {
  const http::RouteOptions writer{config::Role::Writer, {std::string(http::kJsonContentType)}};
  const http::RouteOptions reader{config::Role::Reader, {}};
  router.add(
      http::Verb::post, "/v1/scans", writer, [deps](http::RequestContext& ctx) -> net::awaitable<Response> {
        if (auto params = QueryParams::parse(ctx.query(), {}); !params) co_return ctx.error(params.error());
        auto body = ctx.json_body();
        if (!body) co_return ctx.error(body.error());
        auto request = parse_import(*body);
        if (!request) co_return ctx.error(request.error());
        const config::RegistryConfig* registry = deps.config.find_registry(request->registry);
        if (registry == nullptr) co_return ctx.error(unknown_registry(request->registry));
        const int max_attempts = static_cast<int>(deps.config.scanner.max_attempts);
        Result<storage::Imported> imported = std::unexpected(Error{ErrorCode::Internal, "not imported"});
        if (request->digest.empty()) {
          auto digest = co_await deps.tag_resolver.resolve(*registry, request->repository, request->tag);
          if (digest) {
            request->digest = std::move(*digest);
          } else {
            imported = std::unexpected(std::move(digest).error());
          }
        }
        if (!request->digest.empty())
          imported = co_await run_blocking(ctx.blocking_pool(), [&] {
            return deps.rescans.import({request->registry, request->repository, request->digest},
                                       request->tag, storage::kImportJobKind, storage::kImportPriority,
                                       max_attempts);
          });
        if (!imported) {
          auto error = imported.error();
          // The registry's own failures: an unknown tag stays 404; an answer regscand refuses (a manifest
          // over the size limit) is 502; the rest is the registry being unavailable (503).
          if (error.code == ErrorCode::ResourceExhausted || error.code == ErrorCode::FailedPrecondition) {
            co_return http::error_response(Status::bad_gateway, "bad_gateway", error.message);
          }
          if (error.code != ErrorCode::NotFound && error.code != ErrorCode::Internal &&
              error.code != ErrorCode::InvalidArgument) {
            error.code = ErrorCode::Unavailable;
          }
          co_return ctx.error(error);
        }
        const std::string location = "/v1/scans/" + std::to_string(imported->job_id);
        auto response = http::json_response(Status::accepted, {{"id", imported->job_id},
                                                               {"created", imported->created},
                                                               {"registry", request->registry},
                                                               {"repository", request->repository},
                                                               {"digest", request->digest},
                                                               {"location", location}});
        response.set(http::Field::location, location);
        co_return response;
      });
  router.add(http::Verb::post, "/v1/scans:catalog", writer,
             [deps](http::RequestContext& ctx) -> net::awaitable<Response> {
               if (auto params = QueryParams::parse(ctx.query(), {}); !params)
                 co_return ctx.error(params.error());
               auto body = ctx.json_body();
               if (!body) co_return ctx.error(body.error());
               auto registry = parse_catalog(*body);
               if (!registry) co_return ctx.error(registry.error());
               if (deps.config.find_registry(*registry) == nullptr)
                 co_return ctx.error(unknown_registry(*registry));
               const int max_attempts = static_cast<int>(deps.config.scanner.max_attempts);
               const storage::ManifestKey subject{*registry, std::string(storage::kCatalogSubject),
                                                  std::string(storage::kCatalogSubject)};
               auto queued = co_await run_blocking(ctx.blocking_pool(), [&] {
                 return deps.rescans.enqueue_subject(subject, storage::kCatalogJobKind,
                                                     storage::kCatalogPriority, max_attempts);
               });
               if (!queued) co_return ctx.error(queued.error());
               const std::string location = "/v1/scans/" + std::to_string(queued->job_id);
               auto response = http::json_response(Status::accepted, {{"id", queued->job_id},
                                                                      {"created", queued->created},
                                                                      {"kind", storage::kCatalogJobKind},
                                                                      {"registry", *registry},
                                                                      {"location", location}});
               response.set(http::Field::location, location);
               co_return response;
             });
  router.add(http::Verb::get, "/v1/scans/{id}", reader,
             [deps](http::RequestContext& ctx) -> net::awaitable<Response> {
               if (auto params = QueryParams::parse(ctx.query(), {}); !params)
                 co_return ctx.error(params.error());
               const auto id = parse_id(ctx.param("id"));
               if (!id) co_return ctx.error(invalid("id: must be a positive integer"));
               const std::int64_t job_id = *id;
               auto found = co_await run_blocking(
                   ctx.blocking_pool(),
                   [&]() -> Result<std::optional<std::pair<storage::Job, std::vector<storage::ScanRecord>>>> {
                     auto job = deps.queue.get(job_id);
                     if (!job) return std::unexpected(std::move(job).error());
                     if (!*job || !is_scan_kind((*job)->kind)) return std::nullopt;
                     auto scans = deps.scans.list_for_job(job_id, 50);
                     if (!scans) return std::unexpected(std::move(scans).error());
                     return std::make_pair(std::move(**job), std::move(*scans));
                   });
               if (!found) co_return ctx.error(found.error());
               if (!*found)
                 co_return ctx.error(Error{ErrorCode::NotFound, "no scan " + std::to_string(job_id)});
               const auto& [job, scans] = **found;
               nlohmann::json attempts = nlohmann::json::array();
               for (const auto& s : scans) attempts.push_back(scan_json(s));
               nlohmann::json result = nullptr;
               if (!job.result_json.empty()) {
                 auto parsed = nlohmann::json::parse(job.result_json, nullptr, false);
                 if (!parsed.is_discarded()) result = std::move(parsed);
               }
               co_return http::json_response(
                   Status::ok, {{"id", job.id},
                                {"kind", job.kind},
                                {"registry", job.registry},
                                {"repository", subject_field(job, job.repository)},
                                {"digest", subject_field(job, job.digest)},
                                {"state", storage::to_string(job.state)},
                                {"attempts", job.attempts},
                                {"last_error", job.last_error.empty() ? nlohmann::json(nullptr)
                                                                      : nlohmann::json(job.last_error)},
                                {"created_at", job.created_at},
                                {"finished_at", job.finished_at.empty() ? nlohmann::json(nullptr)
                                                                        : nlohmann::json(job.finished_at)},
                                {"result", std::move(result)},
                                {"scans", std::move(attempts)}});
             });
}

}  // namespace regscand::server::api
