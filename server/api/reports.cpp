#include "server/api/reports.hpp"

#include <chrono>
#include <ctime>
#include <set>

#include "server/api/query_params.hpp"
#include "server/api/version.hpp"
#include "server/http/request_context.hpp"
#include "server/http/response.hpp"
#include "server/reports/cyclonedx.hpp"
#include "server/reports/sarif.hpp"
#include "storage/advisory_texts.hpp"

namespace regscand::server::api {
namespace {

using http::Response;
using http::Status;
using nlohmann::json;
namespace r = reports;

enum class Format { Sarif, CycloneDx };

Result<Format> parse_format(const QueryParams& params) {
  const auto text = params.get("format");
  if (!text) return fail(ErrorCode::InvalidArgument, "format: required, sarif or cyclonedx");
  if (*text == "sarif") return Format::Sarif;
  if (*text == "cyclonedx") return Format::CycloneDx;
  return fail(ErrorCode::InvalidArgument, "format: must be sarif or cyclonedx");
}

// A string member of an API item; "" when absent, null or not a string.
std::string str(const json& item, std::string_view key) {
  const auto it = item.find(key);
  if (it == item.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// An object member of an API item; nullptr when absent, null or not an object.
const json* object(const json& item, std::string_view key) {
  const auto it = item.find(key);
  return it != item.end() && it->is_object() ? &*it : nullptr;
}

std::vector<std::string> strings(const json& item, std::string_view key) {
  std::vector<std::string> out;
  const auto it = item.find(key);
  if (it == item.end() || !it->is_array()) return out;
  for (const auto& value : *it) {
    if (value.is_string()) out.push_back(value.get<std::string>());
  }
  return out;
}

r::ReportPackage package_of(const json& item) {
  r::ReportPackage p{str(item, "ecosystem"),
                     str(item, "name"),
                     str(item, "version"),
                     str(item, "arch"),
                     str(item, "source_name"),
                     str(item, "source_version"),
                     str(item, "path"),
                     -1,
                     ""};
  if (const auto* layer = object(item, "layer")) {
    if (const auto pos = layer->find("position"); pos != layer->end() && pos->is_number_integer()) {
      p.layer = pos->get<int>();
    }
    p.layer_digest = str(*layer, "digest");
  }
  return p;
}

r::ReportFinding finding_of(const json& item) {
  r::ReportFinding f;
  f.vulnerability = str(item, "vulnerability");
  f.severity = str(item, "severity");
  if (const auto* cvss = object(item, "cvss")) {
    if (const auto score = cvss->find("score"); score != cvss->end() && score->is_number()) {
      f.cvss_score = score->get<double>();
    }
    f.cvss_vector = str(*cvss, "vector");
  }
  f.fix_state = str(item, "fix_state");
  f.fixed_version = str(item, "fixed_version");
  f.remediation = str(item, "remediation");
  f.aliases = strings(item, "aliases");
  f.references = strings(item, "references");
  f.sources = strings(item, "sources");
  if (const auto* p = object(item, "package")) f.package = package_of(*p);
  return f;
}

// The image part of a report from CatalogQuery::image(): the inventory's repository (else the first
// reference), that reference's tags, the platform and the distribution.
r::ReportImage image_of(const json& image) {
  r::ReportImage out;
  out.digest = str(image, "digest");
  out.platform = str(image, "platform");
  if (const auto* inv = object(image, "inventory")) {
    out.registry = str(*inv, "registry");
    out.repository = str(*inv, "repository");
  }
  const auto refs = image.find("references");
  if (refs != image.end() && refs->is_array()) {
    for (const auto& ref : *refs) {
      if (out.repository.empty()) {
        out.registry = str(ref, "registry");
        out.repository = str(ref, "repository");
      }
      if (str(ref, "registry") == out.registry && str(ref, "repository") == out.repository) {
        out.tags = strings(ref, "tags");
        break;
      }
    }
  }
  if (const auto* d = object(image, "distribution")) {
    out.os_id = str(*d, "id");
    out.os_version = str(*d, "version_id");
    out.os_name = str(*d, "pretty_name");
  }
  return out;
}

Result<void> add_packages(storage::CatalogQuery& catalog, std::int64_t inventory, r::ImageReport& report) {
  std::string cursor;
  do {
    auto page = catalog.image_packages(inventory, {}, cursor, storage::kMaxPageLimit);
    if (!page) return std::unexpected(page.error());
    for (const auto& item : page->items) report.packages.push_back(package_of(nlohmann::json::parse(item)));
    cursor = std::move(page->next_cursor);
  } while (!cursor.empty());
  return {};
}

Result<void> add_findings(storage::FindingsQuery& findings, storage::Database& db, std::int64_t inventory,
                          r::ImageReport& report) {
  storage::ImageFindingFilter filter;
  filter.sort = storage::FindingSort::Vulnerability;
  std::string cursor;
  do {
    auto page = findings.image_findings(inventory, filter, cursor, storage::kMaxPageLimit);
    if (!page) return std::unexpected(page.error());
    const std::size_t first = report.findings.size();
    std::set<std::string> ids;
    for (const auto& item : page->items) {
      report.findings.push_back(finding_of(nlohmann::json::parse(item)));
      ids.insert(report.findings.back().vulnerability);
    }
    auto texts = storage::advisory_texts(db, {ids.begin(), ids.end()});
    if (!texts) return std::unexpected(texts.error());
    for (std::size_t i = first; i < report.findings.size(); ++i) {
      auto& f = report.findings[i];
      const auto text = texts->find(f.vulnerability);
      if (text == texts->end()) continue;
      f.summary = text->second.summary;
      f.details = text->second.details;
      f.published = text->second.published;
    }
    cursor = std::move(page->next_cursor);
  } while (!cursor.empty());
  return {};
}

// Everything a report shows of `digest`, page by page; NotFound when no manifest or inventory has it.
Result<r::ImageReport> collect(storage::CatalogQuery& catalog, storage::FindingsQuery& findings,
                               storage::Database& db, const std::string& digest) {
  auto image = catalog.image(digest);
  if (!image) return std::unexpected(image.error());
  if (!*image) return fail(ErrorCode::NotFound, "no image " + digest);
  r::ImageReport report;
  report.image = image_of(**image);
  auto ref = catalog.resolve_image(digest);
  if (!ref) return std::unexpected(ref.error());
  if (!ref->inventory_id) return report;  // known, not inventoried yet: an empty report
  if (auto ok = add_packages(catalog, *ref->inventory_id, report); !ok) return std::unexpected(ok.error());
  if (auto ok = add_findings(findings, db, *ref->inventory_id, report); !ok)
    return std::unexpected(ok.error());
  return report;
}

std::string now_rfc3339() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

}  // namespace

void add_report_routes(http::Router& router, storage::CatalogQuery& catalog, storage::FindingsQuery& findings,
                       storage::Database& db) {
  const http::RouteOptions reader{config::Role::Reader, {}};
  router.add(http::Verb::get, "/v1/images/{digest}/report", reader,
             [&catalog, &findings, &db](http::RequestContext& ctx) -> net::awaitable<Response> {
               auto params = QueryParams::parse(ctx.query(), {"format"});
               if (!params) co_return ctx.error(params.error());
               auto digest = parse_digest("digest", ctx.param("digest"));
               if (!digest) co_return ctx.error(digest.error());
               auto format = parse_format(*params);
               if (!format) co_return ctx.error(format.error());
               auto report = co_await run_blocking(ctx.blocking_pool(),
                                                   [&] { return collect(catalog, findings, db, *digest); });
               if (!report) co_return ctx.error(report.error());
               report->tool_version = std::string(version());
               report->timestamp = now_rfc3339();
               const bool sarif = *format == Format::Sarif;
               const json body = sarif ? r::render_sarif(*report) : r::render_cyclonedx(*report);
               co_return http::text_response(Status::ok,
                                             body.dump(-1, ' ', false, json::error_handler_t::replace),
                                             sarif ? r::kSarifContentType : r::kCycloneDxContentType);
             });
}

}  // namespace regscand::server::api
