// Error values for every fallible public function: Result<T> = std::expected<T, Error>.
// Codes follow Abseil's canonical set; server/http/response.cpp maps them to HTTP statuses.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace regscand {

enum class ErrorCode {
  InvalidArgument,
  NotFound,
  AlreadyExists,
  FailedPrecondition,
  Unauthenticated,
  PermissionDenied,
  ResourceExhausted,
  DeadlineExceeded,
  Unavailable,
  Unimplemented,
  Internal,
};

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

// Stable snake_case name of a code, used as the JSON error code ("invalid_argument").
std::string_view to_string(ErrorCode code);

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

}  // namespace regscand
