#include "server/http/response.hpp"

#include <gtest/gtest.h>

namespace regscand::server::http {
namespace {

nlohmann::json body_of(const Response& res) {
  return nlohmann::json::parse(res.body());
}

// The envelope is exactly {"error": {"code": <string>, "message": <string>}}.
void expect_envelope(const Response& res, std::string_view code, std::string_view message) {
  EXPECT_EQ(res[Field::content_type], "application/json");
  auto body = body_of(res);
  ASSERT_TRUE(body.is_object());
  ASSERT_EQ(body.size(), 1U) << body.dump();
  ASSERT_TRUE(body.contains("error"));
  const auto& error = body["error"];
  ASSERT_EQ(error.size(), 2U) << body.dump();
  EXPECT_EQ(error["code"], code);
  EXPECT_EQ(error["message"], message);
  EXPECT_EQ(res[Field::content_length], std::to_string(res.body().size()));
}

TEST(StatusFor, MapsEveryErrorCode) {
  EXPECT_EQ(status_for(ErrorCode::InvalidArgument), Status::bad_request);
  EXPECT_EQ(status_for(ErrorCode::NotFound), Status::not_found);
  EXPECT_EQ(status_for(ErrorCode::AlreadyExists), Status::conflict);
  EXPECT_EQ(status_for(ErrorCode::FailedPrecondition), Status::conflict);
  EXPECT_EQ(status_for(ErrorCode::Unauthenticated), Status::unauthorized);
  EXPECT_EQ(status_for(ErrorCode::PermissionDenied), Status::forbidden);
  EXPECT_EQ(status_for(ErrorCode::ResourceExhausted), Status::too_many_requests);
  EXPECT_EQ(status_for(ErrorCode::DeadlineExceeded), Status::gateway_timeout);
  EXPECT_EQ(status_for(ErrorCode::Unavailable), Status::service_unavailable);
  EXPECT_EQ(status_for(ErrorCode::Unimplemented), Status::not_implemented);
  EXPECT_EQ(status_for(ErrorCode::Internal), Status::internal_server_error);
}

TEST(ErrorResponse, EnvelopeForEachServerStatus) {
  struct Case {
    Status status;
    std::string_view code;
  };
  for (auto [status, code] :
       {Case{Status::bad_request, "invalid_argument"}, Case{Status::unauthorized, "unauthenticated"},
        Case{Status::forbidden, "permission_denied"}, Case{Status::not_found, "not_found"},
        Case{Status::method_not_allowed, "method_not_allowed"},
        Case{Status::request_timeout, "request_timeout"},
        Case{Status::payload_too_large, "payload_too_large"},
        Case{Status::unsupported_media_type, "unsupported_media_type"},
        Case{Status::request_header_fields_too_large, "headers_too_large"},
        Case{Status::internal_server_error, "internal"}, Case{Status::service_unavailable, "unavailable"}}) {
    SCOPED_TRACE(static_cast<int>(status));
    Response res = error_response(status, "something went wrong");
    EXPECT_EQ(res.result(), status);
    expect_envelope(res, code, "something went wrong");
  }
}

TEST(ErrorResponse, UnauthorizedCarriesBearerChallenge) {
  EXPECT_EQ(error_response(Status::unauthorized, "no")[Field::www_authenticate],
            R"(Bearer realm="regscand")");
  EXPECT_EQ(error_response(Error{ErrorCode::Unauthenticated, "no"})[Field::www_authenticate],
            R"(Bearer realm="regscand")");
  EXPECT_EQ(error_response(Status::forbidden, "no").count(Field::www_authenticate), 0U);
}

TEST(ErrorResponse, FromErrorUsesCodeName) {
  Response res = error_response(Error{ErrorCode::NotFound, "image sha256:abc not found"});
  EXPECT_EQ(res.result(), Status::not_found);
  expect_envelope(res, "not_found", "image sha256:abc not found");
  Response conflict = error_response(Error{ErrorCode::AlreadyExists, "exists"});
  EXPECT_EQ(conflict.result(), Status::conflict);
  expect_envelope(conflict, "already_exists", "exists");
}

TEST(ErrorResponse, InternalErrorHidesItsMessage) {
  Response res =
      error_response(Error{ErrorCode::Internal, "pqxx: relation \"secret_table\" does not exist"}, "req-1");
  EXPECT_EQ(res.result(), Status::internal_server_error);
  expect_envelope(res, "internal", "internal error");
  EXPECT_EQ(res.body().find("secret_table"), std::string::npos);
}

TEST(ErrorResponse, InvalidUtf8InMessageDoesNotThrow) {
  Response res = error_response(Status::bad_request, std::string("bad \xff\xfe byte"));
  auto body = body_of(res);
  EXPECT_EQ(body["error"]["code"], "invalid_argument");
}

TEST(JsonResponse, SetsTypeAndLength) {
  Response res = json_response(Status::created, {{"id", 7}});
  EXPECT_EQ(res.result(), Status::created);
  EXPECT_EQ(res[Field::content_type], "application/json");
  EXPECT_EQ(res.body(), R"({"id":7})");
  EXPECT_EQ(res[Field::content_length], "8");
}

}  // namespace
}  // namespace regscand::server::http
