#include "server/api/vulnerabilities.hpp"

#include <set>

#include "server/api/query_params.hpp"
#include "server/http/request_context.hpp"
#include "server/http/response.hpp"

namespace regscand::server::api {
namespace {

using http::Response;
using http::Status;

std::string text_field(const nlohmann::json& doc, const char* key) {
  const auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void add_strings(const nlohmann::json& doc, const char* key, std::set<std::string>& out) {
  const auto it = doc.find(key);
  if (it == doc.end() || !it->is_array()) return;
  for (const auto& v : *it) {
    if (v.is_string()) out.insert(v.get<std::string>());
  }
}

}  // namespace

nlohmann::json vulnerability_json(const std::string& id, const storage::VulnerabilityDetail& detail) {
  std::set<std::string> aliases, references, vectors;
  std::string summary, details, published, modified;
  nlohmann::json cvss = nlohmann::json::array();
  for (const auto& doc : detail.advisories) {
    if (const auto own = text_field(doc, "id"); !own.empty()) aliases.insert(own);
    add_strings(doc, "aliases", aliases);
    add_strings(doc, "references", references);
    if (summary.empty()) summary = text_field(doc, "summary");
    if (details.empty()) details = text_field(doc, "details");
    if (const auto p = text_field(doc, "published"); !p.empty() && (published.empty() || p < published)) {
      published = p;
    }
    if (const auto m = text_field(doc, "modified"); m > modified) modified = m;
    if (const auto it = doc.find("cvss"); it != doc.end() && it->is_array()) {
      for (const auto& c : *it) {
        if (c.is_object() && vectors.insert(text_field(c, "vector")).second) cvss.push_back(c);
      }
    }
  }
  aliases.erase(id);
  auto nullable = [](const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
  };
  return {{"id", id},
          {"aliases", aliases},
          {"summary", nullable(summary)},
          {"details", nullable(details)},
          {"published", nullable(published)},
          {"modified", nullable(modified)},
          {"cvss", std::move(cvss)},
          {"references", references},
          {"advisories", detail.advisories},
          {"exposure", {{"images", detail.images}, {"findings", detail.findings}}}};
}

void add_vulnerability_routes(http::Router& router, storage::FindingsQuery& findings) {
  const http::RouteOptions reader{config::Role::Reader, {}};

  router.add(http::Verb::get, "/v1/vulnerabilities/{id}", reader,
             [&findings](http::RequestContext& ctx) -> net::awaitable<Response> {
               if (auto params = QueryParams::parse(ctx.query(), {}); !params)
                 co_return ctx.error(params.error());
               auto id = parse_name("id", ctx.param("id"));
               if (!id) co_return ctx.error(id.error());
               auto detail =
                   co_await run_blocking(ctx.blocking_pool(), [&] { return findings.vulnerability(*id); });
               if (!detail) co_return ctx.error(detail.error());
               if (!*detail) co_return ctx.error(Error{ErrorCode::NotFound, "no vulnerability " + *id});
               co_return json_with_etag(ctx, vulnerability_json(*id, **detail));
             });

  router.add(http::Verb::get, "/v1/vulnerabilities/{id}/images", reader,
             [&findings](http::RequestContext& ctx) -> net::awaitable<Response> {
               auto params = QueryParams::parse(ctx.query(), {"limit", "cursor"});
               if (!params) co_return ctx.error(params.error());
               auto id = parse_name("id", ctx.param("id"));
               if (!id) co_return ctx.error(id.error());
               auto page = page_params(*params);
               if (!page) co_return ctx.error(page.error());
               auto result = co_await run_blocking(ctx.blocking_pool(), [&] {
                 return findings.vulnerability_images(*id, page->cursor, page->limit);
               });
               if (!result) co_return ctx.error(result.error());
               co_return page_response(std::move(*result));
             });
}

}  // namespace regscand::server::api
