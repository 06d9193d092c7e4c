// The rescan scheduler: one leader across every replica. The leader holds the scheduler's advisory lock
// (storage/advisory_lock.hpp) on a session of its own for as long as it lives; when its process or connection
// dies the lock goes with the session and another replica takes it at its next attempt (every min(tick,
// retry) while not leading). Every tick the leader lists the live images due (pulled within `pulled_within`,
// or pushed within `pushed_within` when set, and with no scan attempt since `rescan_every`; none with a
// queued or running job) as of the injected clock, and queues a "rescan" job for each at priority
// kRescanPriority (below pushes), spread over the tick: at most `max_per_minute` per minute. What does not
// fit waits for the next tick. Stopping in the middle of a tick loses nothing: the images not yet queued are
// still due.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config/base/error.hpp"
#include "config/config.hpp"
#include "storage/advisory_lock.hpp"
#include "storage/rescan_store.hpp"

namespace regscand::server::jobs {

using Clock = std::function<std::chrono::system_clock::time_point()>;

struct SchedulerOptions {
  std::chrono::milliseconds tick{std::chrono::hours(1)};
  std::chrono::milliseconds pulled_within{std::chrono::days(30)};
  std::chrono::milliseconds rescan_every{std::chrono::days(7)};
  std::chrono::milliseconds pushed_within{0};  // 0 = off
  unsigned max_per_minute = 600;
  int max_attempts = 5;
  std::chrono::milliseconds leader_retry{std::chrono::seconds(30)};  // how often a follower tries the lock
  Clock now = {};                                                    // empty = system_clock::now
  std::string conninfo;  // for the lock connection (the pool's conninfo)

  static SchedulerOptions from(const config::SchedulerConfig& config, const config::ScannerConfig& scanner,
                               std::string conninfo);
};

struct TickReport {
  bool leader = false;
  std::size_t due = 0;       // images listed as due
  std::size_t queued = 0;    // rescan jobs created
  bool interrupted = false;  // stopped before every due image was queued
};

class Scheduler {
 public:
  Scheduler(storage::RescanStore& store, SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs the loop on a thread of its own: run_once(), then wait a tick (leader) or min(tick, leader_retry).
  void start();
  // Interrupts a tick in progress (between two enqueues), joins the thread and releases the lock.
  void stop();

  // Takes (or confirms) the leadership, then, when leading, queues the due images, spacing the enqueues
  // by 60s / max_per_minute. Called by the loop; tests call it directly (without start()).
  [[nodiscard]] Result<TickReport> run_once();

  bool leader() const;
  // Drops the lock connection as a dead leader's would be (tests).
  void drop_connection_for_test();

 private:
  Result<bool> try_lead();
  // Waits `delay` unless stopping; false when stopping.
  bool pause(std::chrono::milliseconds delay);

  storage::RescanStore& store_;
  SchedulerOptions options_;
  std::mutex mutex_;  // stopping_
  std::condition_variable wake_;
  bool stopping_ = false;
  mutable std::mutex lock_mutex_;                    // lock_
  std::unique_ptr<storage::HeldAdvisoryLock> lock_;  // AdvisoryLock::Scheduler, held while leading
  std::thread thread_;
};

}  // namespace regscand::server::jobs
