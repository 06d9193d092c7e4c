#include "server/database_supervisor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace regscand::server {

DatabaseSupervisor::DatabaseSupervisor(storage::EmbeddedPostgres& cluster, http::Metrics& metrics,
                                       SupervisorOptions options)
    : cluster_(cluster),
      options_(options),
      restarts_counter_(prometheus::BuildCounter()
                            .Name("regscand_embedded_postgres_restarts_total")
                            .Help("Times the daemon restarted its embedded PostgreSQL after it died")
                            .Register(metrics.registry())
                            .Add({})) {}

DatabaseSupervisor::~DatabaseSupervisor() {
  stop();
}

void DatabaseSupervisor::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void DatabaseSupervisor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t DatabaseSupervisor::restarts() const {
  std::lock_guard lock(mutex_);
  return restarts_;
}

bool DatabaseSupervisor::wait(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, delay, [this] { return stopping_; });
}

void DatabaseSupervisor::run() {
  while (wait(options_.interval)) {
    if (cluster_.alive()) continue;
    const pid_t pid = cluster_.postmaster_pid();
    spdlog::error("embedded PostgreSQL: the server (PID {}) is gone; starting it again", pid);
    auto backoff = options_.initial_backoff;
    for (int attempt = 1;; ++attempt) {
      const auto began = std::chrono::steady_clock::now();
      if (auto restarted = cluster_.restart_after_crash()) {
        const auto took =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
        {
          std::lock_guard lock(mutex_);
          ++restarts_;
        }
        restarts_counter_.Increment();
        spdlog::warn("embedded PostgreSQL: running again after {} attempt(s) ({} ms)", attempt, took.count());
        break;
      } else {
        spdlog::error("embedded PostgreSQL: restart attempt {} failed: {}; next in {} ms", attempt,
                      restarted.error().message, backoff.count());
      }
      if (!wait(backoff)) return;
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

}  // namespace regscand::server
