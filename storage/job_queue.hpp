// The durable job queue (table jobs): enqueue, claim with a lease (FOR UPDATE SKIP LOCKED), renew,
// succeed, fail with backoff, hand back at shutdown, and read back for the API and /metrics. A subject (kind,
// registry, repository, digest) has at most one queued-or-running job. Every call is one transaction.
// Blocking (libpqxx): never call on an I/O thread. Errors: Unavailable when the database is down,
// InvalidArgument for bad arguments, Internal otherwise.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"
#include "storage/database.hpp"

namespace regscand::storage {

// NOTIFY channel signalled in the transaction that enqueues a job (payload: the job kind).
inline constexpr std::string_view kJobsChannel = "regscand_jobs";

// Stored in jobs.state as the lower-case names to_string returns. Succeeded, Failed (permanent error),
// Dead (attempts exhausted or lease expired on the last attempt) and Cancelled are final.
enum class JobState { Queued, Running, Succeeded, Failed, Dead, Cancelled };
std::string_view to_string(JobState state);
std::optional<JobState> parse_job_state(std::string_view text);

struct Job {
  std::int64_t id = 0;
  std::string kind, registry, repository, digest;
  int priority = 0;
  JobState state = JobState::Queued;
  int attempts = 0;  // claims so far, the current one included
  int max_attempts = 0;
  // RFC 3339 UTC with microseconds ("2024-05-01T12:00:00.123456Z"); "" when null.
  std::string run_after, lease_owner, lease_expires_at, last_error, created_at, updated_at, started_at,
      finished_at;
  std::string result_json;  // "" when null
};

struct NewJob {
  std::string kind, registry, repository, digest;
  int priority = 100;
  int max_attempts = 5;
};

struct JobPage {
  std::vector<Job> jobs;
  std::string next_cursor;  // "" at the end
};

class JobQueue {
 public:
  // Registers its statements on `db`, which must outlive the queue.
  explicit JobQueue(Database& db);

  // The new job's id, or nullopt when a queued or running job for the subject exists. Sends NOTIFY
  // with the commit. InvalidArgument on an empty field or max_attempts < 1.
  [[nodiscard]] Result<std::optional<std::int64_t>> enqueue(const NewJob& job);

  // Claims the next runnable job of one of `kinds` (highest priority, then oldest run_after, then
  // id): queued with run_after <= now(), or running with an expired lease (its worker died). Sets
  // state running, attempts += 1, started_at, lease_owner = owner, lease_expires_at = now() + lease.
  // Running jobs with an expired lease and no attempts left become dead first (last_error "lease
  // expired ..."). nullopt: nothing to do.
  [[nodiscard]] Result<std::optional<Job>> claim(std::string_view owner, std::chrono::milliseconds lease,
                                                 std::span<const std::string> kinds);

  // Extends the lease to now() + lease. false: the job is no longer running under `owner` (the
  // lease expired and another worker claimed it, or it was finished): stop and do not record a result.
  [[nodiscard]] Result<bool> renew(std::int64_t id, std::string_view owner, std::chrono::milliseconds lease);

  // Marks the job succeeded with `result_json` (a JSON document; "" stores null). false: lease lost,
  // nothing recorded.
  [[nodiscard]] Result<bool> succeed(std::int64_t id, std::string_view owner, std::string_view result_json);

  // Records `error` in last_error and returns the new state: Failed when `permanent`, Dead when the
  // attempts are exhausted, else Queued with run_after = now() + backoff. FailedPrecondition when the
  // job is no longer running under `owner` (lease lost; nothing recorded).
  [[nodiscard]] Result<JobState> fail(std::int64_t id, std::string_view owner, std::string_view error,
                                      std::chrono::milliseconds backoff, bool permanent = false);

  // A worker that stops before its job ends hands the lease back: the job is queued again at once with
  // this attempt uncounted, and NOTIFY wakes the other replicas' workers. false: the job is no longer
  // running under `owner`.
  [[nodiscard]] Result<bool> release(std::int64_t id, std::string_view owner);

  [[nodiscard]] Result<std::optional<Job>> get(std::int64_t id);

  // Newest first (by id), optionally only jobs in `state`. `cursor` is "" for the first page, else the
  // next_cursor of the previous page (the last id it returned: pages stay stable while jobs are
  // added). `limit` 1..500. InvalidArgument for a malformed cursor or limit.
  [[nodiscard]] Result<JobPage> list(std::optional<JobState> state, std::string_view cursor, int limit);

  // Number of jobs in each state (every state present, 0 when none), for /metrics.
  [[nodiscard]] Result<std::map<JobState, std::int64_t>> depth();

 private:
  Database& db_;
};

}  // namespace regscand::storage
