#include "server/http/response.hpp"

#include <spdlog/spdlog.h>

namespace regscand::server::http {

Status status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument:
      return Status::bad_request;
    case ErrorCode::NotFound:
      return Status::not_found;
    case ErrorCode::AlreadyExists:
      return Status::conflict;
    case ErrorCode::FailedPrecondition:
      return Status::conflict;
    case ErrorCode::Unauthenticated:
      return Status::unauthorized;
    case ErrorCode::PermissionDenied:
      return Status::forbidden;
    case ErrorCode::ResourceExhausted:
      return Status::too_many_requests;
    case ErrorCode::DeadlineExceeded:
      return Status::gateway_timeout;
    case ErrorCode::Unavailable:
      return Status::service_unavailable;
    case ErrorCode::Unimplemented:
      return Status::not_implemented;
    case ErrorCode::Internal:
      return Status::internal_server_error;
  }
  return Status::internal_server_error;
}

std::string_view error_code_for(Status status) {
  switch (status) {
    case Status::bad_request:
      return to_string(ErrorCode::InvalidArgument);
    case Status::unauthorized:
      return to_string(ErrorCode::Unauthenticated);
    case Status::forbidden:
      return to_string(ErrorCode::PermissionDenied);
    case Status::not_found:
      return to_string(ErrorCode::NotFound);
    case Status::method_not_allowed:
      return "method_not_allowed";
    case Status::request_timeout:
      return "request_timeout";
    case Status::conflict:
      return to_string(ErrorCode::AlreadyExists);
    case Status::payload_too_large:
      return "payload_too_large";
    case Status::unsupported_media_type:
      return "unsupported_media_type";
    case Status::too_many_requests:
      return to_string(ErrorCode::ResourceExhausted);
    case Status::request_header_fields_too_large:
      return "headers_too_large";
    case Status::not_implemented:
      return to_string(ErrorCode::Unimplemented);
    case Status::service_unavailable:
      return to_string(ErrorCode::Unavailable);
    case Status::gateway_timeout:
      return to_string(ErrorCode::DeadlineExceeded);
    default:
      break;
  }
  return to_string(ErrorCode::Internal);
}

Response json_response(Status status, const nlohmann::json& body) {
  return text_response(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       kJsonContentType);
}

Response text_response(Status status, std::string body, std::string_view content_type) {
  Response res{status, 11};
  res.set(Field::content_type, to_beast(content_type));
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response error_response(Status status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  Response res = json_response(status, body);
  if (status == Status::unauthorized) {
    res.set(Field::www_authenticate, R"(Bearer realm="regscand")");
  }
  return res;
}

Response error_response(Status status, std::string_view message) {
  return error_response(status, error_code_for(status), message);
}

Response error_response(const Error& error, std::string_view request_id) {
  if (error.code == ErrorCode::Internal) {
    spdlog::error("http: internal error request_id={}: {}", request_id.empty() ? "-" : request_id,
                  error.message);
    return error_response(Status::internal_server_error, to_string(error.code), "internal error");
  }
  return error_response(status_for(error.code), to_string(error.code), error.message);
}

}  // namespace regscand::server::http
