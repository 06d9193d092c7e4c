#include "config/base/error.hpp"

namespace regscand {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument:
      return "invalid_argument";
    case ErrorCode::NotFound:
      return "not_found";
    case ErrorCode::AlreadyExists:
      return "already_exists";
    case ErrorCode::FailedPrecondition:
      return "failed_precondition";
    case ErrorCode::Unauthenticated:
      return "unauthenticated";
    case ErrorCode::PermissionDenied:
      return "permission_denied";
    case ErrorCode::ResourceExhausted:
      return "resource_exhausted";
    case ErrorCode::DeadlineExceeded:
      return "deadline_exceeded";
    case ErrorCode::Unavailable:
      return "unavailable";
    case ErrorCode::Unimplemented:
      return "unimplemented";
    case ErrorCode::Internal:
      return "internal";
  }
  return "internal";
}

}  // namespace regscand
