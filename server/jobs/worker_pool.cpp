#include "server/jobs/worker_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace regscand::server::jobs {
namespace {

using Clock = std::chrono::steady_clock;

// How long cancelled handlers get to return once their leases are handed back.
constexpr std::chrono::seconds kCancelWait{2};

double random_unit() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

std::chrono::milliseconds retry_delay(const WorkerOptions& options, int attempt, double jitter01) {
  const double base = static_cast<double>(options.retry_backoff.count());
  const double cap = static_cast<double>(options.retry_backoff_max.count());
  const double exp = std::min(cap, base * std::pow(2.0, std::clamp(attempt - 1, 0, 30)));
  const double jittered = exp * (0.5 + 0.5 * std::clamp(jitter01, 0.0, 1.0));
  return std::chrono::milliseconds(static_cast<std::int64_t>(jittered));
}

WorkerPool::WorkerPool(storage::JobQueue& queue, storage::JobNotifier* notifier, JobHandlers handlers,
                       WorkerOptions options, http::Metrics& metrics)
    : queue_(queue),
      notifier_(notifier),
      handlers_(std::move(handlers)),
      options_(std::move(options)),
      kinds_(handlers_.kinds()),
      depth_(prometheus::BuildGauge()
                 .Name("regscand_jobs")
                 .Help("Jobs in the queue by state (all replicas)")
                 .Register(metrics.registry())),
      durations_(prometheus::BuildHistogram()
                     .Name("regscand_job_duration_seconds")
                     .Help("Time spent running jobs, by kind and outcome")
                     .Register(metrics.registry())) {}

WorkerPool::~WorkerPool() {
  stop();
}

void WorkerPool::start() {
  for (unsigned i = 0; i < options_.workers; ++i) threads_.emplace_back([this, i] { work(i); });
  threads_.emplace_back([this] { keep_leases(); });
  if (notifier_ != nullptr) threads_.emplace_back([this] { listen(); });
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

std::size_t WorkerPool::hand_back(std::chrono::milliseconds grace) {
  std::map<std::int64_t, std::string> running;
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
    idle_.wait_for(lock, grace, [&] { return running_.empty(); });
    running.swap(running_);
  }
  wake_.notify_all();
  std::size_t handed_back = 0;
  for (const auto& [id, owner] : running) {
    auto released = queue_.release(id, owner);
    if (!released) {
      spdlog::warn("jobs: handing back #{} failed: {}; it runs again when its lease expires", id,
                   released.error().message);
    } else if (*released) {
      ++handed_back;
    }
  }
  if (!running.empty()) {
    spdlog::info("jobs: {} running job(s) handed back to the queue; cancelling them", handed_back);
    options_.cancel.request_stop();
    std::unique_lock lock(mutex_);
    if (!idle_.wait_for(lock, kCancelWait, [&] { return active_ == 0; })) return active_;
  }
  stop();
  return 0;
}

void WorkerPool::listen() {
  const auto slice = std::min(options_.poll_interval, std::chrono::milliseconds(1000));
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (!notifier_->wait(slice)) continue;
    {
      std::lock_guard lock(mutex_);
      ++wake_generation_;
    }
    wake_.notify_all();
  }
}

void WorkerPool::work(unsigned index) {
  const std::string owner = options_.owner + "/w" + std::to_string(index);
  while (true) {
    std::uint64_t seen_generation = 0;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      seen_generation = wake_generation_;
    }
    auto claimed = queue_.claim(owner, options_.lease, kinds_);
    if (claimed && *claimed) {
      run_one(**claimed);
      continue;
    }
    if (!claimed) spdlog::warn("jobs: claim failed: {}", claimed.error().message);
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.poll_interval,
                   [&] { return stopping_ || wake_generation_ != seen_generation; });
  }
}

void WorkerPool::run_one(const storage::Job& job) {
  bool stopping = false;
  {
    std::lock_guard lock(mutex_);
    stopping = stopping_;
    if (!stopping) {
      running_[job.id] = job.lease_owner;
      ++active_;
    }
  }
  if (stopping) {  // claimed while hand_back began: give it back unrun
    if (auto released = queue_.release(job.id, job.lease_owner); !released) {
      spdlog::warn("jobs: handing back #{} failed: {}; it runs again when its lease expires", job.id,
                   released.error().message);
    }
    return;
  }
  const auto started = Clock::now();
  Result<std::string> result = fail(ErrorCode::Internal, "no handler for job kind \"" + job.kind + "\"");
  if (const JobHandler* handler = handlers_.find(job.kind)) {
    try {
      result = (*handler)(job);
    } catch (const std::exception& e) {
      result = fail(ErrorCode::Internal, std::string("job handler threw: ") + e.what());
    } catch (...) {
      result = fail(ErrorCode::Internal, "job handler threw");
    }
  }
  bool handed_back = false;
  {
    std::lock_guard lock(mutex_);
    handed_back = running_.erase(job.id) == 0;
    --active_;
  }
  idle_.notify_all();
  wake_.notify_all();
  std::string outcome;
  if (handed_back) {
    outcome = "handed_back";
    spdlog::info("jobs: {} #{} {} ended after its lease was handed back ({}); not recorded", job.kind, job.id,
                 job.digest, result ? "succeeded" : result.error().message);
  } else if (result) {
    auto done = queue_.succeed(job.id, job.lease_owner, *result);
    outcome = done && *done ? "succeeded" : "lease_lost";
  } else {
    const bool permanent = is_permanent(result.error());
    const auto delay = retry_delay(options_, job.attempts, random_unit());
    auto state = queue_.fail(job.id, job.lease_owner, result.error().message, delay, permanent);
    outcome = state ? std::string(storage::to_string(*state)) : "error";
    spdlog::warn("jobs: {} #{} {} attempt {}/{} failed: {} -> {}", job.kind, job.id, job.digest, job.attempts,
                 job.max_attempts, result.error().message, outcome);
  }
  const std::chrono::duration<double> elapsed = Clock::now() - started;
  durations_
      .Add({{"kind", job.kind}, {"outcome", outcome}},
           prometheus::Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300})
      .Observe(elapsed.count());
  ++finished_;
}

void WorkerPool::keep_leases() {
  const auto period = std::max(std::chrono::milliseconds(100), options_.lease / 3);
  auto next_gauges = Clock::now();
  while (true) {
    std::map<std::int64_t, std::string> running;
    {
      // Leases are kept while handlers run, during a shutdown's grace too.
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, period, [&] { return stopping_ && running_.empty(); });
      if (stopping_ && running_.empty()) return;
      running = running_;
    }
    for (const auto& [id, owner] : running) {
      auto renewed = queue_.renew(id, owner, options_.lease);
      if (!renewed) spdlog::warn("jobs: lease renewal for #{} failed: {}", id, renewed.error().message);
      if (renewed && !*renewed) spdlog::warn("jobs: lease of #{} was lost; its result will be discarded", id);
    }
    if (Clock::now() >= next_gauges) {
      refresh_gauges();
      next_gauges = Clock::now() + std::chrono::seconds(5);
    }
  }
}

void WorkerPool::refresh_gauges() {
  auto depth = queue_.depth();
  if (!depth) return;
  for (const auto state :
       {storage::JobState::Queued, storage::JobState::Running, storage::JobState::Succeeded,
        storage::JobState::Failed, storage::JobState::Dead, storage::JobState::Cancelled}) {
    const auto it = depth->find(state);
    depth_.Add({{"state", std::string(storage::to_string(state))}})
        .Set(it == depth->end() ? 0.0 : static_cast<double>(it->second));
  }
}

}  // namespace regscand::server::jobs
