// Wakes idle workers when a job is enqueued: LISTEN regscand_jobs (kJobsChannel) on a dedicated
// connection outside the pool. Notifications are a hint, never the only signal: a caller still polls
// the queue after a timeout, since NOTIFYs sent while the connection was down are lost.
// Not thread-safe: one thread calls wait().
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "config/base/error.hpp"

namespace regscand::storage {

class JobNotifier {
 public:
  // Connects and listens. `conninfo_or_url`: libpq URL or key=value string (e.g.
  // Database::conninfo()); a secret. InvalidArgument for a malformed string, Unavailable when the
  // server cannot be reached.
  [[nodiscard]] static Result<std::unique_ptr<JobNotifier>> create(std::string conninfo_or_url);

  ~JobNotifier();
  JobNotifier(const JobNotifier&) = delete;
  JobNotifier& operator=(const JobNotifier&) = delete;

  // Blocks up to `timeout` for a notification. true: one arrived (all pending ones are consumed);
  // false: timeout, or the connection was lost, in which case it reconnects (waiting out `timeout`
  // when the server is still unreachable) and the caller should poll the queue.
  bool wait(std::chrono::milliseconds timeout);

 private:
  struct Listener;
  explicit JobNotifier(std::string conninfo);
  [[nodiscard]] static Result<std::unique_ptr<Listener>> listen(const std::string& conninfo);

  std::string conninfo_;                // secret
  std::unique_ptr<Listener> listener_;  // null while disconnected
};

}  // namespace regscand::storage
