#include "server/api/images.hpp"

#include "server/api/query_params.hpp"
#include "server/http/request_context.hpp"
#include "server/http/response.hpp"

namespace regscand::server::api {
namespace {

using http::Response;
using http::Status;

Result<storage::FindingSort> parse_sort(std::string_view text) {
  if (text == "severity") return storage::FindingSort::Severity;
  if (text == "cvss") return storage::FindingSort::Cvss;
  if (text == "vulnerability") return storage::FindingSort::Vulnerability;
  if (text == "package") return storage::FindingSort::Package;
  return fail(ErrorCode::InvalidArgument, "sort: must be severity, cvss, vulnerability or package");
}

Result<std::string> registry_param(const QueryParams& params) {
  auto registry = params.get("registry");
  if (!registry) return std::string();
  return parse_name("registry", *registry);
}

Result<storage::ImageFindingFilter> vulnerability_filter(const QueryParams& params) {
  storage::ImageFindingFilter filter;
  if (auto v = params.get("severity")) {
    auto severities = parse_severities("severity", *v);
    if (!severities) return std::unexpected(severities.error());
    filter.severities = std::move(*severities);
  }
  if (auto v = params.get("fixable")) {
    auto fixable = parse_bool("fixable", *v);
    if (!fixable) return std::unexpected(fixable.error());
    filter.fixable = *fixable;
  }
  if (auto v = params.get("package")) {
    auto package = parse_name("package", *v);
    if (!package) return std::unexpected(package.error());
    filter.package = std::move(*package);
  }
  if (auto v = params.get("type")) {
    auto type = parse_package_type("type", *v);
    if (!type) return std::unexpected(type.error());
    filter.type = *type;
  }
  if (auto v = params.get("sort")) {
    auto sort = parse_sort(*v);
    if (!sort) return std::unexpected(sort.error());
    filter.sort = *sort;
  }
  return filter;
}

Result<storage::PackageFilter> package_filter(const QueryParams& params) {
  storage::PackageFilter filter;
  if (auto v = params.get("type")) {
    auto type = parse_package_type("type", *v);
    if (!type) return std::unexpected(type.error());
    filter.type = *type;
  }
  if (auto v = params.get("package")) {
    auto package = parse_name("package", *v);
    if (!package) return std::unexpected(package.error());
    filter.name = std::move(*package);
  }
  return filter;
}

// The inventory of an image by digest, 0 when the image is known but not inventoried yet (inventory 0 holds
// nothing, so its sub-resources are empty pages); NotFound for an unknown image.
Result<std::int64_t> inventory_of(storage::CatalogQuery& catalog, const std::string& digest) {
  auto ref = catalog.resolve_image(digest);
  if (!ref) return std::unexpected(ref.error());
  if (!ref->known) return fail(ErrorCode::NotFound, "no image " + digest);
  return ref->inventory_id.value_or(0);
}

}  // namespace

void add_image_routes(http::Router& router, storage::CatalogQuery& catalog,
                      storage::FindingsQuery& findings) {
  const http::RouteOptions reader{config::Role::Reader, {}};

  router.add(http::Verb::get, "/v1/repositories", reader,
             [&catalog](http::RequestContext& ctx) -> net::awaitable<Response> {
               auto params = QueryParams::parse(ctx.query(), {"registry", "limit", "cursor"});
               if (!params) co_return ctx.error(params.error());
               auto registry = registry_param(*params);
               if (!registry) co_return ctx.error(registry.error());
               auto page = page_params(*params);
               if (!page) co_return ctx.error(page.error());
               auto result = co_await run_blocking(ctx.blocking_pool(), [&] {
                 return catalog.repositories(*registry, page->cursor, page->limit);
               });
               if (!result) co_return ctx.error(result.error());
               co_return page_response(std::move(*result));
             });

  router.add(http::Verb::get, "/v1/repositories/{name...}/images", reader,
             [&catalog](http::RequestContext& ctx) -> net::awaitable<Response> {
               auto params = QueryParams::parse(ctx.query(), {"registry", "limit", "cursor"});
               if (!params) co_return ctx.error(params.error());
               auto name = parse_name("name", ctx.param("name"));
               if (!name) co_return ctx.error(name.error());
               auto registry = registry_param(*params);
               if (!registry) co_return ctx.error(registry.error());
               auto page = page_params(*params);
               if (!page) co_return ctx.error(page.error());
               auto result = co_await run_blocking(ctx.blocking_pool(), [&] {
                 return catalog.repository_images(*registry, *name, page->cursor, page->limit);
               });
               if (!result) co_return ctx.error(result.error());
               if (result->items.empty() && page->cursor.empty())
                 co_return ctx.error(Error{ErrorCode::NotFound, "no repository " + *name});
               co_return page_response(std::move(*result));
             });

  router.add(http::Verb::get, "/v1/images/{digest}", reader,
             [&catalog](http::RequestContext& ctx) -> net::awaitable<Response> {
               if (auto params = QueryParams::parse(ctx.query(), {}); !params)
                 co_return ctx.error(params.error());
               auto digest = parse_digest("digest", ctx.param("digest"));
               if (!digest) co_return ctx.error(digest.error());
               auto image =
                   co_await run_blocking(ctx.blocking_pool(), [&] { return catalog.image(*digest); });
               if (!image) co_return ctx.error(image.error());
               if (!*image) co_return ctx.error(Error{ErrorCode::NotFound, "no image " + *digest});
               co_return json_with_etag(ctx, **image);
             });

  router.add(http::Verb::get, "/v1/images/{digest}/vulnerabilities", reader,
             [&catalog, &findings](http::RequestContext& ctx) -> net::awaitable<Response> {
               auto params = QueryParams::parse(
                   ctx.query(), {"severity", "fixable", "package", "type", "sort", "limit", "cursor"});
               if (!params) co_return ctx.error(params.error());
               auto digest = parse_digest("digest", ctx.param("digest"));
               if (!digest) co_return ctx.error(digest.error());
               auto filter = vulnerability_filter(*params);
               if (!filter) co_return ctx.error(filter.error());
               auto page = page_params(*params);
               if (!page) co_return ctx.error(page.error());
               auto result = co_await run_blocking(ctx.blocking_pool(), [&]() -> Result<storage::Page> {
                 auto inventory = inventory_of(catalog, *digest);
                 if (!inventory) return std::unexpected(inventory.error());
                 return findings.image_findings(*inventory, *filter, page->cursor, page->limit);
               });
               if (!result) co_return ctx.error(result.error());
               co_return page_response(std::move(*result));
             });

  router.add(http::Verb::get, "/v1/images/{digest}/packages", reader,
             [&catalog](http::RequestContext& ctx) -> net::awaitable<Response> {
               auto params = QueryParams::parse(ctx.query(), {"type", "package", "limit", "cursor"});
               if (!params) co_return ctx.error(params.error());
               auto digest = parse_digest("digest", ctx.param("digest"));
               if (!digest) co_return ctx.error(digest.error());
               auto filter = package_filter(*params);
               if (!filter) co_return ctx.error(filter.error());
               auto page = page_params(*params);
               if (!page) co_return ctx.error(page.error());
               auto result = co_await run_blocking(ctx.blocking_pool(), [&]() -> Result<storage::Page> {
                 auto inventory = inventory_of(catalog, *digest);
                 if (!inventory) return std::unexpected(inventory.error());
                 return catalog.image_packages(*inventory, *filter, page->cursor, page->limit);
               });
               if (!result) co_return ctx.error(result.error());
               co_return page_response(std::move(*result));
             });
}

}  // namespace regscand::server::api
