// HTTP responses and the one JSON error envelope: {"error": {"code": "...", "message": "..."}}.
// status_for() is the only mapping from ErrorCode to an HTTP status; error codes in bodies are the
// ErrorCode names (to_string) or, for statuses with no ErrorCode, the names in error_code_for().
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/base/asio.hpp"
#include "config/base/error.hpp"

namespace regscand::server::http {

using Request = regscand::http::request<regscand::http::string_body>;
using Response = regscand::http::response<regscand::http::string_body>;
using Status = regscand::http::status;
using Field = regscand::http::field;
using Verb = regscand::http::verb;

inline constexpr std::string_view kJsonContentType = "application/json";

// Boost 1.74's Beast speaks boost::string_view; these convert at the boundary.
inline beast::string_view to_beast(std::string_view s) {
  return {s.data(), s.size()};
}
inline std::string_view to_std(beast::string_view s) {
  return {s.data(), s.size()};
}

// InvalidArgument 400, Unauthenticated 401, PermissionDenied 403, NotFound 404, AlreadyExists and
// FailedPrecondition 409, ResourceExhausted 429, Internal 500, Unimplemented 501, Unavailable 503,
// DeadlineExceeded 504.
Status status_for(ErrorCode code);

// The "code" string for an error response with this status: the ErrorCode name where one fits
// (404 "not_found", 503 "unavailable", ...), else "method_not_allowed", "request_timeout",
// "payload_too_large", "unsupported_media_type", "headers_too_large".
std::string_view error_code_for(Status status);

// 200-style JSON body; dumps with invalid UTF-8 replaced, never throws on content.
Response json_response(Status status, const nlohmann::json& body);

// A plain body with the given content type.
Response text_response(Status status, std::string body, std::string_view content_type);

// The error envelope. A 401 also carries `WWW-Authenticate: Bearer realm="regscand"`.
Response error_response(Status status, std::string_view code, std::string_view message);
Response error_response(Status status, std::string_view message);

// Maps error.code through status_for(). Internal errors are logged (with request_id when given) and
// answered with a generic message, so SQL or file paths never reach the client.
Response error_response(const Error& error, std::string_view request_id = {});

}  // namespace regscand::server::http
