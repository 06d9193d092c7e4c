// Shared by the API's handlers: the one query string parser (an unknown, repeated or badly encoded parameter
// or a bad value is InvalidArgument naming the parameter), pages as {"items": [...], "next_cursor":
// "..."|null}, and strong ETags with If-None-Match -> 304 for detail resources.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/base/error.hpp"
#include "scanner/feeds/advisory.hpp"
#include "server/http/request_context.hpp"
#include "server/http/response.hpp"
#include "storage/catalog_query.hpp"
#include "storage/page_cursor.hpp"

namespace regscand::server::api {

// A query string (no '?'), decoded: names and values percent-decoded ('+' is a space) into UTF-8 text without
// NUL. Fails when a name is not one of `known`, a name is given twice, or a name or value is malformed.
// Empty names ("&&", "=x") are skipped.
class QueryParams {
 public:
  [[nodiscard]] static Result<QueryParams> parse(std::string_view query,
                                                 std::initializer_list<std::string_view> known);
  // The decoded value of `name` ("" for "?name" or "?name="); nullopt when absent.
  std::optional<std::string_view> get(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

// ?limit= (1..500, default 50) and ?cursor= (opaque, not empty; checked by the storage query).
struct PageParams {
  int limit = 50;
  std::string cursor;
};
[[nodiscard]] Result<PageParams> page_params(const QueryParams& params);

// A comma-separated list of severity names, any case: "high,critical". Empty list is an error.
[[nodiscard]] Result<std::vector<scanner::feeds::Severity>> parse_severities(std::string_view name,
                                                                             std::string_view text);
// "true" or "false".
[[nodiscard]] Result<bool> parse_bool(std::string_view name, std::string_view text);
// "os" or "language".
[[nodiscard]] Result<storage::PackageType> parse_package_type(std::string_view name, std::string_view text);
// RFC 3339: 2024-05-01T12:00:00Z, with optional fraction and a Z or +hh:mm offset; returned unchanged.
[[nodiscard]] Result<std::string> parse_time(std::string_view name, std::string_view text);
// algorithm:hex, as OCI digests are ("sha256:" + 64 hex digits).
[[nodiscard]] Result<std::string> parse_digest(std::string_view name, std::string_view text);
// A free-text filter value (a repository, a package or vulnerability id): 1..512 bytes, no control bytes.
[[nodiscard]] Result<std::string> parse_name(std::string_view name, std::string_view text);

// 200 {"items": [...], "next_cursor": "..." | null}, the items spliced in as they are.
http::Response page_response(storage::Page&& page);

// 200 with `body` and a strong ETag over its bytes, or 304 when If-None-Match names that ETag (or is *).
http::Response json_with_etag(const http::RequestContext& ctx, const nlohmann::json& body);

}  // namespace regscand::server::api
