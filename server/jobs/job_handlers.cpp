#include "server/jobs/job_handlers.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace regscand::server::jobs {

bool is_permanent(const Error& error) {
  switch (error.code) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::FailedPrecondition:
    case ErrorCode::Unimplemented:
    case ErrorCode::PermissionDenied:
    case ErrorCode::ResourceExhausted:
      return true;
    default:
      return false;
  }
}

void JobHandlers::add(std::string kind, JobHandler handler) {
  if (handlers_.contains(kind)) {
    spdlog::critical("job handler for kind \"{}\" registered twice", kind);
    std::abort();
  }
  handlers_.emplace(std::move(kind), std::move(handler));
}

const JobHandler* JobHandlers::find(const std::string& kind) const {
  const auto it = handlers_.find(kind);
  return it == handlers_.end() ? nullptr : &it->second;
}

std::vector<std::string> JobHandlers::kinds() const {
  std::vector<std::string> out;
  for (const auto& [kind, handler] : handlers_) out.push_back(kind);
  return out;
}

}  // namespace regscand::server::jobs
