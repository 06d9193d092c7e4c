#include "storage/job_queue.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <pqxx/result>
#include <pqxx/transaction>
#include <utility>

namespace regscand::storage {
namespace {

constexpr int kMaxPage = 500;

constexpr std::array<std::pair<JobState, std::string_view>, 6> kStateNames{{
    {JobState::Queued, "queued"},
    {JobState::Running, "running"},
    {JobState::Succeeded, "succeeded"},
    {JobState::Failed, "failed"},
    {JobState::Dead, "dead"},
    {JobState::Cancelled, "cancelled"},
}};

// The columns job_from_row reads, in order, from table alias `t`. Times as RFC 3339 UTC.
std::string job_columns(std::string_view t) {
  const std::string p = std::string(t) + ".";
  auto time = [&p](std::string_view column) {
    return "to_char(" + p + std::string(column) + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
  };
  return p + "id, " + p + "kind, " + p + "registry, " + p + "repository, " + p + "digest, " + p +
         "priority, " + p + "state, " + p + "attempts, " + p + "max_attempts, " + time("run_after") + ", " +
         p + "lease_owner, " + time("lease_expires_at") + ", " + p + "last_error, " + time("created_at") +
         ", " + time("updated_at") + ", " + time("started_at") + ", " + time("finished_at") + ", " + p +
         "result::text";
}

std::string text_or_empty(const pqxx::field& field) {
  return field.is_null() ? std::string() : field.as<std::string>();
}

Job job_from_row(const pqxx::row& row) {
  Job job;
  job.id = row[0].as<std::int64_t>();
  job.kind = row[1].as<std::string>();
  job.registry = row[2].as<std::string>();
  job.repository = row[3].as<std::string>();
  job.digest = row[4].as<std::string>();
  job.priority = row[5].as<int>();
  // The CHECK constraint admits only known names.
  job.state = parse_job_state(row[6].as<std::string>()).value_or(JobState::Failed);
  job.attempts = row[7].as<int>();
  job.max_attempts = row[8].as<int>();
  job.run_after = text_or_empty(row[9]);
  job.lease_owner = text_or_empty(row[10]);
  job.lease_expires_at = text_or_empty(row[11]);
  job.last_error = text_or_empty(row[12]);
  job.created_at = text_or_empty(row[13]);
  job.updated_at = text_or_empty(row[14]);
  job.started_at = text_or_empty(row[15]);
  job.finished_at = text_or_empty(row[16]);
  job.result_json = text_or_empty(row[17]);
  return job;
}

constexpr std::string_view kEnqueue = "job_queue.insert_job";
constexpr std::string_view kEnqueueSql = R"sql(
WITH j AS (
  INSERT INTO jobs (kind, registry, repository, digest, priority, max_attempts)
  VALUES ($1::text, $2::text, $3::text, $4::text, $5::integer, $6::integer)
  ON CONFLICT (kind, registry, repository, digest) WHERE state IN ('queued', 'running') DO NOTHING
  RETURNING id, kind
)
SELECT id, pg_notify($7::text, kind) FROM j
)sql";

// `dead`: running jobs whose lease expired on their last attempt. `next`: the first runnable job in
// claim order (jobs_claim_idx), skipping rows another claimer holds. Both see the same snapshot and
// their conditions exclude each other.
constexpr std::string_view kClaim = "job_queue.claim_next";
constexpr std::string_view kClaimSqlHead = R"sql(
WITH dead AS (
  UPDATE jobs SET state = 'dead', finished_at = now(), updated_at = now(), lease_expires_at = NULL,
    last_error = 'lease expired on attempt ' || attempts || ' of ' || max_attempts
                 || ' (owner ' || coalesce(lease_owner, '?') || ')'
                 || coalesce('; previous error: ' || last_error, '')
  WHERE id IN (SELECT id FROM jobs
               WHERE state = 'running' AND lease_expires_at <= now() AND attempts >= max_attempts
                 AND kind = ANY($1::text[])
               FOR UPDATE SKIP LOCKED)
  RETURNING id
), next AS (
  SELECT id FROM jobs
  WHERE state IN ('queued', 'running') AND kind = ANY($1::text[])
    AND ((state = 'queued' AND run_after <= now())
         OR (state = 'running' AND lease_expires_at <= now() AND attempts < max_attempts))
  ORDER BY priority DESC, run_after, id
  LIMIT 1
  FOR UPDATE SKIP LOCKED
)
UPDATE jobs j SET state = 'running', attempts = j.attempts + 1, lease_owner = $2::text,
  lease_expires_at = now() + $3::bigint * interval '1 millisecond', started_at = now(), updated_at = now()
FROM next
WHERE j.id = next.id
RETURNING )sql";

constexpr std::string_view kRenew = "job_queue.renew_lease";
constexpr std::string_view kRenewSql = R"sql(
UPDATE jobs SET lease_expires_at = now() + $3::bigint * interval '1 millisecond', updated_at = now()
WHERE id = $1::bigint AND state = 'running' AND lease_owner = $2::text
)sql";

constexpr std::string_view kSucceed = "job_queue.succeed_job";
constexpr std::string_view kSucceedSql = R"sql(
UPDATE jobs SET state = 'succeeded', result = $3::jsonb, finished_at = now(), updated_at = now(),
  lease_expires_at = NULL
WHERE id = $1::bigint AND state = 'running' AND lease_owner = $2::text
)sql";

// In SET, every column reference is the value before the update.
constexpr std::string_view kFail = "job_queue.fail_job";
constexpr std::string_view kFailSql = R"sql(
UPDATE jobs SET
  state = CASE WHEN $5::boolean THEN 'failed' WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
  run_after = CASE WHEN $5::boolean OR attempts >= max_attempts THEN run_after
                   ELSE now() + $4::bigint * interval '1 millisecond' END,
  finished_at = CASE WHEN $5::boolean OR attempts >= max_attempts THEN now() END,
  lease_owner = CASE WHEN $5::boolean OR attempts >= max_attempts THEN lease_owner END,
  lease_expires_at = NULL,
  last_error = $3::text,
  updated_at = now()
WHERE id = $1::bigint AND state = 'running' AND lease_owner = $2::text
RETURNING state
)sql";

// run_after is kept: the job takes its old place in the claim order.
constexpr std::string_view kRelease = "job_queue.release_lease";
constexpr std::string_view kReleaseSql = R"sql(
WITH j AS (
  UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), lease_owner = NULL,
    lease_expires_at = NULL, started_at = NULL, updated_at = now()
  WHERE id = $1::bigint AND state = 'running' AND lease_owner = $2::text
  RETURNING id, kind
)
SELECT id, pg_notify($3::text, kind) FROM j
)sql";

constexpr std::string_view kGet = "job_queue.get_job";
constexpr std::string_view kListAll = "job_queue.list_jobs";
constexpr std::string_view kListByState = "job_queue.list_jobs_by_state";
// The extra predicate lets the planner use the partial jobs_finished_state_idx (it cannot prove a
// parameter's value); queued and running jobs are few and recent, found from the newest ids down.
constexpr std::string_view kListFinishedByState = "job_queue.list_finished_jobs_by_state";

constexpr std::string_view kDepth = "job_queue.count_by_state";
constexpr std::string_view kDepthSql = "SELECT state, count(*) FROM jobs GROUP BY state";

// A PostgreSQL array literal of quoted elements.
std::string text_array(std::span<const std::string> values) {
  std::string out = "{";
  for (const auto& value : values) {
    if (out.size() > 1) {
      out += ',';
    }
    out += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') {
        out += '\\';
      }
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Result<std::int64_t> parse_cursor(std::string_view cursor) {
  if (cursor.empty()) {
    return std::numeric_limits<std::int64_t>::max();
  }
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), id);
  if (ec != std::errc() || end != cursor.data() + cursor.size() || id <= 0) {
    return fail(ErrorCode::InvalidArgument, "jobs: malformed cursor");
  }
  return id;
}

Result<void> check_lease(std::string_view owner, std::chrono::milliseconds lease) {
  if (owner.empty()) {
    return fail(ErrorCode::InvalidArgument, "jobs: empty lease owner");
  }
  if (lease.count() <= 0) {
    return fail(ErrorCode::InvalidArgument, "jobs: lease must be positive");
  }
  return {};
}

}  // namespace

std::string_view to_string(JobState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) {
      return name;
    }
  }
  return "unknown";
}

std::optional<JobState> parse_job_state(std::string_view text) {
  for (const auto& [s, name] : kStateNames) {
    if (name == text) {
      return s;
    }
  }
  return std::nullopt;
}

JobQueue::JobQueue(Database& db) : db_(db) {
  const std::string columns = job_columns("j");
  db_.register_statements(
      "job queue",
      {
          {kEnqueue, std::string(kEnqueueSql)},
          {kClaim, std::string(kClaimSqlHead) + columns},
          {kRenew, std::string(kRenewSql)},
          {kSucceed, std::string(kSucceedSql)},
          {kFail, std::string(kFailSql)},
          {kRelease, std::string(kReleaseSql)},
          {kGet, "SELECT " + columns + " FROM jobs j WHERE j.id = $1::bigint"},
          {kListAll,
           "SELECT " + columns + " FROM jobs j WHERE j.id < $1::bigint ORDER BY j.id DESC LIMIT $2::integer"},
          {kListByState, "SELECT " + columns +
                             " FROM jobs j WHERE j.state = $1::text AND j.id < $2::bigint"
                             " ORDER BY j.id DESC LIMIT $3::integer"},
          {kListFinishedByState,
           "SELECT " + columns +
               " FROM jobs j WHERE j.state = $1::text AND j.state NOT IN ('queued', 'running')"
               " AND j.id < $2::bigint ORDER BY j.id DESC LIMIT $3::integer"},
          {kDepth, std::string(kDepthSql)},
      });
}

Result<std::optional<std::int64_t>> JobQueue::enqueue(const NewJob& job) {
  if (job.kind.empty() || job.registry.empty() || job.repository.empty() || job.digest.empty()) {
    return regscand::fail(ErrorCode::InvalidArgument,
                          "jobs: kind, registry, repository and digest are required");
  }
  if (job.max_attempts < 1) {
    return regscand::fail(ErrorCode::InvalidArgument, "jobs: max_attempts must be at least 1");
  }
  return db_.run([&](pqxx::connection& conn) -> std::optional<std::int64_t> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kEnqueue), job.kind, job.registry, job.repository,
                                       job.digest, job.priority, job.max_attempts, std::string(kJobsChannel));
    tx.commit();
    if (rows.empty()) {
      return std::nullopt;
    }
    return rows[0][0].as<std::int64_t>();
  });
}

Result<std::optional<Job>> JobQueue::claim(std::string_view owner, std::chrono::milliseconds lease,
                                           std::span<const std::string> kinds) {
  if (auto ok = check_lease(owner, lease); !ok) {
    return std::unexpected(std::move(ok).error());
  }
  if (kinds.empty()) {
    return std::optional<Job>();
  }
  const std::string kind_array = text_array(kinds);
  return db_.run([&](pqxx::connection& conn) -> std::optional<Job> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kClaim), kind_array, std::string(owner),
                                       static_cast<std::int64_t>(lease.count()));
    tx.commit();
    if (rows.empty()) {
      return std::nullopt;
    }
    return job_from_row(rows[0]);
  });
}

Result<bool> JobQueue::renew(std::int64_t id, std::string_view owner, std::chrono::milliseconds lease) {
  if (auto ok = check_lease(owner, lease); !ok) {
    return std::unexpected(std::move(ok).error());
  }
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kRenew), id, std::string(owner),
                                       static_cast<std::int64_t>(lease.count()));
    tx.commit();
    return rows.affected_rows() == 1;
  });
}

Result<bool> JobQueue::succeed(std::int64_t id, std::string_view owner, std::string_view result_json) {
  std::optional<std::string> result;
  if (!result_json.empty()) {
    result = std::string(result_json);
  }
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kSucceed), id, std::string(owner), result);
    tx.commit();
    return rows.affected_rows() == 1;
  });
}

Result<JobState> JobQueue::fail(std::int64_t id, std::string_view owner, std::string_view error,
                                std::chrono::milliseconds backoff, bool permanent) {
  const auto delay = static_cast<std::int64_t>(std::max<std::int64_t>(0, backoff.count()));
  return db_.run([&](pqxx::connection& conn) -> Result<JobState> {
    pqxx::work tx(conn);
    const auto rows =
        tx.exec_prepared(std::string(kFail), id, std::string(owner), std::string(error), delay, permanent);
    tx.commit();
    if (rows.empty()) {
      return regscand::fail(
          ErrorCode::FailedPrecondition,
          "jobs: job " + std::to_string(id) + " is not running under this owner (lease lost)");
    }
    return parse_job_state(rows[0][0].as<std::string>()).value_or(JobState::Failed);
  });
}

Result<bool> JobQueue::release(std::int64_t id, std::string_view owner) {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto rows =
        tx.exec_prepared(std::string(kRelease), id, std::string(owner), std::string(kJobsChannel));
    tx.commit();
    return !rows.empty();
  });
}

Result<std::optional<Job>> JobQueue::get(std::int64_t id) {
  return db_.run([&](pqxx::connection& conn) -> std::optional<Job> {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kGet), id);
    tx.commit();
    if (rows.empty()) {
      return std::nullopt;
    }
    return job_from_row(rows[0]);
  });
}

Result<JobPage> JobQueue::list(std::optional<JobState> state, std::string_view cursor, int limit) {
  if (limit < 1 || limit > kMaxPage) {
    return regscand::fail(ErrorCode::InvalidArgument, "jobs: limit must be 1.." + std::to_string(kMaxPage));
  }
  auto before = parse_cursor(cursor);
  if (!before) {
    return std::unexpected(std::move(before).error());
  }
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    // One row more than asked tells whether another page follows.
    pqxx::result rows;
    if (!state) {
      rows = tx.exec_prepared(std::string(kListAll), *before, limit + 1);
    } else {
      const bool active = *state == JobState::Queued || *state == JobState::Running;
      rows = tx.exec_prepared(std::string(active ? kListByState : kListFinishedByState),
                              std::string(to_string(*state)), *before, limit + 1);
    }
    tx.commit();
    JobPage page;
    for (const auto& row : rows) {
      if (static_cast<int>(page.jobs.size()) == limit) {
        page.next_cursor = std::to_string(page.jobs.back().id);
        break;
      }
      page.jobs.push_back(job_from_row(row));
    }
    return page;
  });
}

Result<std::map<JobState, std::int64_t>> JobQueue::depth() {
  return db_.run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    const auto rows = tx.exec_prepared(std::string(kDepth));
    tx.commit();
    std::map<JobState, std::int64_t> counts;
    for (const auto& [state, name] : kStateNames) {
      counts[state] = 0;
    }
    for (const auto& row : rows) {
      if (auto state = parse_job_state(row[0].as<std::string>())) {
        counts[*state] = row[1].as<std::int64_t>();
      }
    }
    return counts;
  });
}

}  // namespace regscand::storage
