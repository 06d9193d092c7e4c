#include "server/jobs/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace regscand::server::jobs {

SchedulerOptions SchedulerOptions::from(const config::SchedulerConfig& config,
                                        const config::ScannerConfig& scanner, std::string conninfo) {
  SchedulerOptions options;
  options.tick = config.tick;
  options.pulled_within = config.pulled_within;
  options.rescan_every = config.rescan_every;
  options.pushed_within = config.pushed_within;
  options.max_per_minute = config.max_per_minute;
  options.max_attempts = static_cast<int>(scanner.max_attempts);
  options.conninfo = std::move(conninfo);
  return options;
}

Scheduler::Scheduler(storage::RescanStore& store, SchedulerOptions options)
    : store_(store), options_(std::move(options)) {
  options_.max_per_minute = std::max(1u, options_.max_per_minute);
}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::start() {
  thread_ = std::thread([this] {
    while (true) {
      const auto started = std::chrono::steady_clock::now();
      auto report = run_once();
      auto wait = std::min(options_.tick, options_.leader_retry);
      if (!report) {
        spdlog::warn("scheduler: {}", report.error().message);
      } else if (report->leader) {
        wait = options_.tick;
        if (report->due > 0) {
          spdlog::info("scheduler: {} images due, {} rescans queued{}", report->due, report->queued,
                       report->interrupted ? " (interrupted)" : "");
        }
      }
      const auto elapsed =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      if (!pause(std::max(std::chrono::milliseconds(0), wait - elapsed))) return;
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(lock_mutex_);
  lock_.reset();
}

bool Scheduler::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, delay, [this] { return stopping_; });
}

bool Scheduler::leader() const {
  std::lock_guard lock(lock_mutex_);
  return lock_ != nullptr;
}

void Scheduler::drop_connection_for_test() {
  std::lock_guard lock(lock_mutex_);
  lock_.reset();
}

Result<bool> Scheduler::try_lead() {
  std::lock_guard lock(lock_mutex_);
  if (lock_) {
    auto alive = lock_->check();
    if (alive) return true;
    spdlog::warn("scheduler: lost the leader lock ({}); trying to lead again", alive.error().message);
    lock_.reset();
  }
  auto acquired = storage::HeldAdvisoryLock::try_acquire(options_.conninfo, storage::AdvisoryLock::Scheduler);
  if (!acquired) {
    return fail(acquired.error().code,
                "scheduler: taking the leader lock failed: " + acquired.error().message);
  }
  if (*acquired == nullptr) return false;
  lock_ = std::move(*acquired);
  spdlog::info("scheduler: leading the rescans");
  return true;
}

Result<TickReport> Scheduler::run_once() {
  TickReport report;
  auto lead = try_lead();
  if (!lead) return std::unexpected(std::move(lead).error());
  report.leader = *lead;
  if (!report.leader) return report;

  const storage::DueCriteria criteria{options_.now ? options_.now() : std::chrono::system_clock::now(),
                                      options_.pulled_within, options_.rescan_every, options_.pushed_within};
  // What fits in one tick at the rate; the rest waits for the next tick.
  const auto minutes = std::max<std::int64_t>(1, options_.tick.count() / 60'000);
  const int limit =
      static_cast<int>(std::clamp<std::int64_t>(minutes * options_.max_per_minute, 1, 1'000'000));
  auto due = store_.due(criteria, 0, limit);
  if (!due) return std::unexpected(std::move(due).error());
  report.due = due->size();
  const std::chrono::milliseconds spacing(60'000 / options_.max_per_minute);
  for (std::size_t i = 0; i < due->size(); ++i) {
    if (i > 0 && !pause(spacing)) {
      report.interrupted = true;
      break;
    }
    auto queued = store_.enqueue((*due)[i].key, storage::kRescanJobKind, storage::kRescanPriority,
                                 options_.max_attempts);
    if (!queued) return std::unexpected(std::move(queued).error());
    if (*queued) ++report.queued;
  }
  return report;
}

}  // namespace regscand::server::jobs
