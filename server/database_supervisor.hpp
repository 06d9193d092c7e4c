// Keeps the embedded PostgreSQL cluster up while the daemon serves: every `interval` it checks that the
// cluster's postmaster lives and, when it died, starts it again, waiting `initial_backoff` doubling to
// `max_backoff` between failed attempts. Each step is logged; restarts are counted in /metrics as
// regscand_embedded_postgres_restarts_total. The pool's broken connections are replaced on their next use.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include <prometheus/counter.h>

#include "server/http/metrics.hpp"
#include "storage/embedded_postgres.hpp"

namespace regscand::server {

struct SupervisorOptions {
  std::chrono::milliseconds interval{1'000};
  std::chrono::milliseconds initial_backoff{1'000};
  std::chrono::milliseconds max_backoff{30'000};
};

class DatabaseSupervisor {
 public:
  // `cluster` and `metrics` must outlive this object.
  DatabaseSupervisor(storage::EmbeddedPostgres& cluster, http::Metrics& metrics,
                     SupervisorOptions options = {});
  ~DatabaseSupervisor();
  DatabaseSupervisor(const DatabaseSupervisor&) = delete;
  DatabaseSupervisor& operator=(const DatabaseSupervisor&) = delete;

  void start();
  // Returns once the supervising thread has ended; a restart in progress completes first.
  void stop();

  std::uint64_t restarts() const;

 private:
  void run();
  // Waits `delay` unless stop() comes first; false when stopping.
  bool wait(std::chrono::milliseconds delay);

  storage::EmbeddedPostgres& cluster_;
  SupervisorOptions options_;
  prometheus::Counter& restarts_counter_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t restarts_ = 0;
  std::thread thread_;
};

}  // namespace regscand::server
