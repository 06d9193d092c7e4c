// The job runner: `workers` threads claim jobs of the registered kinds from the durable queue, run
// their handler, and record success or failure (retry with exponential backoff and jitter, then dead;
// permanent errors fail at once). Idle workers wake on NOTIFY (JobNotifier) or every poll_interval.
// A keeper thread renews the leases of running jobs every lease/3 and refreshes the queue gauges.
// At shutdown, jobs still running after a grace period are handed back to the queue (JobQueue::release)
// and their handlers cancelled through WorkerOptions::cancel.
// This is one of the three catch-all boundaries: an exception from a handler fails that job.
#pragma once

#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "server/http/metrics.hpp"
#include "server/jobs/job_handlers.hpp"
#include "storage/job_notifier.hpp"
#include "storage/job_queue.hpp"

namespace regscand::server::jobs {

struct WorkerOptions {
  unsigned workers = 2;
  std::chrono::milliseconds lease{60'000};
  std::chrono::milliseconds poll_interval{5'000};
  std::chrono::milliseconds retry_backoff{10'000};
  std::chrono::milliseconds retry_backoff_max{600'000};
  std::string owner;  // lease owner prefix, unique per process (host:pid:random)
  // Requested by hand_back once it handed leases back: handlers watching its token (their registry
  // downloads) end early, and what they return is not recorded.
  std::stop_source cancel;
};

// Delay before retry number `attempt` (1 = first retry): backoff * 2^(attempt-1), capped, then jittered
// into [50%, 100%] of that so a burst of failures does not retry in lockstep.
std::chrono::milliseconds retry_delay(const WorkerOptions& options, int attempt, double jitter01);

class WorkerPool {
 public:
  // `notifier` may be null (poll only). All references must outlive the pool.
  WorkerPool(storage::JobQueue& queue, storage::JobNotifier* notifier, JobHandlers handlers,
             WorkerOptions options, http::Metrics& metrics);
  ~WorkerPool();  // stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  // Stops claiming, waits for running handlers to return, joins all threads. Idempotent.
  void stop();
  // Stops claiming and gives running handlers up to `grace` to return; the leases of those still
  // running are then handed back (queued again at once, the attempt uncounted; their results are
  // discarded) and `cancel` is requested, after which the handlers get up to 2 s more to return. Returns
  // how many handlers still run: 0 = every thread is joined; otherwise the pool must not be destroyed
  // before they return (serve ends the process instead; stop() then joins them).
  std::size_t hand_back(std::chrono::milliseconds grace);

  // Jobs finished (any outcome) since start: for tests.
  std::uint64_t finished_for_test() const { return finished_.load(); }

 private:
  void work(unsigned index);
  void run_one(const storage::Job& job);
  void keep_leases();
  void listen();
  void refresh_gauges();

  storage::JobQueue& queue_;
  storage::JobNotifier* notifier_;
  JobHandlers handlers_;
  WorkerOptions options_;
  std::vector<std::string> kinds_;

  prometheus::Family<prometheus::Gauge>& depth_;
  prometheus::Family<prometheus::Histogram>& durations_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;  // signalled when a handler returns
  std::uint64_t wake_generation_ = 0;
  bool stopping_ = false;
  std::map<std::int64_t, std::string> running_;  // job id -> owner, for lease renewal
  std::size_t active_ = 0;                       // handlers running, handed back or not

  std::atomic<std::uint64_t> finished_{0};
  std::vector<std::thread> threads_;
};

}  // namespace regscand::server::jobs
