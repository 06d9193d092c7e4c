// Job handlers by kind: the one list of what the workers can run. A handler does the work of one
// claimed job and returns its result as JSON text, or an error: a permanent one (the job can never
// succeed: unsupported, invalid, gone) fails the job at once; any other is retried with backoff.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/base/error.hpp"
#include "storage/job_queue.hpp"

namespace regscand::server::jobs {

using JobHandler = std::function<Result<std::string>(const storage::Job&)>;

// InvalidArgument, FailedPrecondition, Unimplemented and PermissionDenied are not worth retrying, nor is
// ResourceExhausted: an input over one of regscand's caps (a manifest, blob or list over its byte cap, a
// layer over max_uncompressed_bytes or max_ratio), which a retry would read again.
bool is_permanent(const Error& error);

class JobHandlers {
 public:
  // Aborts on a duplicate kind (a programming error at startup).
  void add(std::string kind, JobHandler handler);
  const JobHandler* find(const std::string& kind) const;
  std::vector<std::string> kinds() const;

 private:
  std::map<std::string, JobHandler> handlers_;
};

}  // namespace regscand::server::jobs
