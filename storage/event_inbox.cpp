#include "storage/event_inbox.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <pqxx/result>
#include <pqxx/transaction>
#include <unordered_set>

#include "storage/job_queue.hpp"

namespace regscand::storage {
namespace {

using scanner::EventAction;
using scanner::RegistryEvent;

constexpr std::size_t kMaxEventIdBytes = 512;  // webhook_events.event_id CHECK

// Pushes and pulls are applied set-wise: one statement per "segment", a run of consecutive events
// (up to kMaxSegment) passed as parallel arrays, in which no event id and no pushed tag occurs twice.
// Within such a run the order of events only matters per manifest, and the statement aggregates
// those (times, pull counts, quarantine), so the result is the one applying them one by one would
// give. A delete, a repeated id or tag, or a full segment starts a new one. Data-modifying CTEs all
// see the snapshot taken before the statement: "old" reads each tag as it was before "t" moves it,
// and "fresh" holds the events whose id "ev" recorded now (the others are redeliveries).
// Returns one row per input event, in order: (ord, applied, enqueued a job).
constexpr std::string_view kApplySegment = "event_inbox.apply_events";
constexpr std::string_view kApplySegmentSql = R"sql(
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                       $8::timestamptz[], $9::boolean[], $10::text[])
    WITH ORDINALITY AS u(registry, event_id, action, repository, digest, media_type, size, pushed_at,
                         quarantine, tag, ord)
), ev AS (
  INSERT INTO webhook_events (registry, event_id, action)
  SELECT registry, event_id, action FROM input ORDER BY ord
  ON CONFLICT DO NOTHING
  RETURNING registry, event_id
), fresh AS (
  SELECT i.* FROM input i JOIN ev ON ev.registry = i.registry AND ev.event_id = i.event_id
), per_manifest AS (
  -- media_type and size: the last known value, a push's before a pull's.
  SELECT registry, repository, digest,
         (array_agg(media_type ORDER BY action = 'push', ord)
            FILTER (WHERE media_type IS NOT NULL))[count(media_type)] AS media_type,
         (array_agg(size ORDER BY action = 'push', ord) FILTER (WHERE size IS NOT NULL))[count(size)] AS size,
         coalesce(bool_or(quarantine) FILTER (WHERE action = 'push'), false) AS quarantined,
         min(least(coalesce(pushed_at, now()), now())) FILTER (WHERE action = 'push') AS first_pushed_at,
         max(least(coalesce(pushed_at, now()), now())) FILTER (WHERE action = 'push') AS last_pushed_at,
         count(*) FILTER (WHERE action = 'pull') AS pulls,
         min(ord) FILTER (WHERE action = 'push') AS first_push_ord
  FROM fresh GROUP BY registry, repository, digest
), m AS (
  INSERT INTO manifests AS mf (registry, repository, digest, media_type, size, quarantined, first_pushed_at,
                               last_pushed_at, last_pulled_at, pull_count)
  SELECT registry, repository, digest, media_type, size, quarantined, first_pushed_at, last_pushed_at,
         CASE WHEN pulls > 0 THEN now() END, pulls
  FROM per_manifest ORDER BY registry, repository, digest
  ON CONFLICT (registry, repository, digest) DO UPDATE SET
    media_type = CASE WHEN excluded.first_pushed_at IS NULL THEN coalesce(mf.media_type, excluded.media_type)
                      ELSE coalesce(excluded.media_type, mf.media_type) END,
    size = CASE WHEN excluded.first_pushed_at IS NULL THEN coalesce(mf.size, excluded.size)
                ELSE coalesce(excluded.size, mf.size) END,
    quarantined = mf.quarantined OR excluded.quarantined,
    first_pushed_at = least(mf.first_pushed_at, excluded.first_pushed_at),
    last_pushed_at = greatest(mf.last_pushed_at, excluded.last_pushed_at),
    last_pulled_at = coalesce(excluded.last_pulled_at, mf.last_pulled_at),
    pull_count = mf.pull_count + excluded.pull_count,
    deleted_at = CASE WHEN excluded.first_pushed_at IS NULL THEN mf.deleted_at END
  RETURNING mf.registry, mf.repository, mf.digest, mf.scanned_with
), old AS (
  SELECT t.registry, t.repository, t.tag, t.digest
  FROM tags t JOIN fresh f ON t.registry = f.registry AND t.repository = f.repository AND t.tag = f.tag
  WHERE f.action = 'push' AND f.tag <> ''
  FOR UPDATE OF t
), t AS (
  INSERT INTO tags AS tg (registry, repository, tag, digest)
  SELECT registry, repository, tag, digest FROM fresh WHERE action = 'push' AND tag <> '' ORDER BY ord
  ON CONFLICT (registry, repository, tag) DO UPDATE SET digest = excluded.digest, updated_at = now()
    WHERE tg.digest <> excluded.digest
  RETURNING 1
), h AS (
  INSERT INTO tag_history (registry, repository, tag, digest, previous_digest, event_id)
  SELECT f.registry, f.repository, f.tag, f.digest, o.digest, f.event_id
  FROM fresh f LEFT JOIN old o ON o.registry = f.registry AND o.repository = f.repository AND o.tag = f.tag
  WHERE f.action = 'push' AND f.tag <> '' AND o.digest IS DISTINCT FROM f.digest
  ORDER BY f.ord
  RETURNING 1
), j AS (
  INSERT INTO jobs (kind, registry, repository, digest, priority, max_attempts)
  SELECT $14::text, m.registry, m.repository, m.digest, $12::integer, $13::integer
  FROM m JOIN per_manifest p
    ON p.registry = m.registry AND p.repository = m.repository AND p.digest = m.digest
  WHERE p.first_push_ord IS NOT NULL AND m.scanned_with IS DISTINCT FROM $11::text
  ORDER BY p.first_push_ord
  ON CONFLICT (kind, registry, repository, digest) WHERE state IN ('queued', 'running') DO NOTHING
  RETURNING registry, repository, digest
)
SELECT i.ord, ev.event_id IS NOT NULL, j.digest IS NOT NULL
FROM input i
LEFT JOIN ev ON ev.registry = i.registry AND ev.event_id = i.event_id
LEFT JOIN per_manifest p ON p.first_push_ord = i.ord
LEFT JOIN j ON j.registry = p.registry AND j.repository = p.repository AND j.digest = p.digest
ORDER BY i.ord
)sql";

// The manifest keeps its row (deleted_at); queued jobs for it are cancelled (running ones finish and
// see deleted_at); tags naming it are removed, each with a history row.
constexpr std::string_view kApplyDeleteManifest = "event_inbox.apply_delete_manifest";
constexpr std::string_view kApplyDeleteManifestSql = R"sql(
WITH ev AS (
  INSERT INTO webhook_events (registry, event_id, action) VALUES ($1::text, $2::text, 'delete')
  ON CONFLICT DO NOTHING
  RETURNING 1
), m AS (
  UPDATE manifests SET deleted_at = coalesce(deleted_at, now())
  WHERE registry = $1::text AND repository = $3::text AND digest = $4::text AND EXISTS (SELECT 1 FROM ev)
  RETURNING 1
), c AS (
  UPDATE jobs SET state = 'cancelled', finished_at = now(), updated_at = now(),
                  last_error = 'cancelled: manifest deleted'
  WHERE registry = $1::text AND repository = $3::text AND digest = $4::text AND state = 'queued'
    AND EXISTS (SELECT 1 FROM ev)
  RETURNING 1
), d AS (
  DELETE FROM tags
  WHERE registry = $1::text AND repository = $3::text AND digest = $4::text AND EXISTS (SELECT 1 FROM ev)
  RETURNING tag
), h AS (
  INSERT INTO tag_history (registry, repository, tag, digest, previous_digest, event_id)
  SELECT $1::text, $3::text, d.tag, NULL, $4::text, $2::text FROM d
  RETURNING 1
)
SELECT (SELECT count(*) FROM ev)::integer
)sql";

constexpr std::string_view kApplyDeleteTag = "event_inbox.apply_delete_tag";
constexpr std::string_view kApplyDeleteTagSql = R"sql(
WITH ev AS (
  INSERT INTO webhook_events (registry, event_id, action) VALUES ($1::text, $2::text, 'delete')
  ON CONFLICT DO NOTHING
  RETURNING 1
), d AS (
  DELETE FROM tags
  WHERE registry = $1::text AND repository = $3::text AND tag = $4::text AND EXISTS (SELECT 1 FROM ev)
  RETURNING digest
), h AS (
  INSERT INTO tag_history (registry, repository, tag, digest, previous_digest, event_id)
  SELECT $1::text, $3::text, $4::text, NULL, d.digest, $2::text FROM d
  RETURNING 1
)
SELECT (SELECT count(*) FROM ev)::integer
)sql";

constexpr std::string_view kNotifyJobs = "event_inbox.notify_jobs";
constexpr std::string_view kNotifyJobsSql = "SELECT pg_notify($1::text, $2::text)";

bool digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) {
    return false;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    value = value * 10 + (s[i] - '0');
  }
  *out = value;
  return true;
}

// `text` when it is an RFC 3339 date-time PostgreSQL accepts as timestamptz (checked here so that
// untrusted input can never fail the transaction), else nullopt.
std::optional<std::string> rfc3339(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !digits(text, 0, 4, &year) || text[4] != '-' || !digits(text, 5, 2, &month) ||
      text[7] != '-' || !digits(text, 8, 2, &day) || (text[10] != 'T' && text[10] != 't') ||
      !digits(text, 11, 2, &hour) || text[13] != ':' || !digits(text, 14, 2, &minute) || text[16] != ':' ||
      !digits(text, 17, 2, &second)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (year < 1 || !date.ok() || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    if (pos == start || pos - start > 9) {
      return std::nullopt;
    }
  }
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    return std::string(text);
  }
  int zone_hour = 0, zone_minute = 0;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || !digits(zone, 1, 2, &zone_hour) ||
      zone[3] != ':' || !digits(zone, 4, 2, &zone_minute) || zone_hour > 14 || zone_minute > 59) {
    return std::nullopt;
  }
  return std::string(text);
}

bool counts_as_pull(const RegistryEvent& event, bool include_head) {
  return event.method == "GET" || (include_head && event.method == "HEAD");
}

// Text PostgreSQL cannot store (NUL) is refused up front rather than cut short by libpq.
bool storable(std::string_view text) {
  return text.find('\0') == std::string_view::npos;
}

// Checked before the transaction so a malformed batch fails alone with InvalidArgument.
Result<void> validate(const InboxBatch& batch) {
  if (batch.registry.empty() || !storable(batch.registry)) {
    return fail(ErrorCode::InvalidArgument, "inbox: empty or invalid registry name");
  }
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const auto& event = batch.events[i];
    const std::string where = "inbox: events[" + std::to_string(i) + "]";
    if (event.id.empty() || event.id.size() > kMaxEventIdBytes) {
      return fail(ErrorCode::InvalidArgument,
                  where + ": event id must be 1.." + std::to_string(kMaxEventIdBytes) + " bytes");
    }
    if (event.repository.empty()) {
      return fail(ErrorCode::InvalidArgument, where + ": empty repository");
    }
    if (!storable(event.id) || !storable(event.repository) || !storable(event.tag) ||
        !storable(event.media_type)) {
      return fail(ErrorCode::InvalidArgument, where + ": NUL character in a field");
    }
  }
  return {};
}

// One column of a segment as a PostgreSQL array literal.
class ArrayLiteral {
 public:
  void add_text(std::string_view text) {
    separate();
    out_ += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') {
        out_ += '\\';
      }
      out_ += c;
    }
    out_ += '"';
  }
  void add_token(std::string_view token) {  // numbers, t/f
    separate();
    out_ += token;
  }
  void add_null() { add_token("NULL"); }
  std::string str() const { return out_ + "}"; }
  void clear() { out_ = "{"; }

 private:
  void separate() {
    if (out_.size() > 1) {
      out_ += ',';
    }
  }
  std::string out_ = "{";
};

// Applies the batches of one transaction in event order and counts into `outcomes` (one per batch).
class GroupApplier {
 public:
  GroupApplier(pqxx::work& tx, const std::string& analyzers, int max_attempts,
               std::vector<InboxOutcome>& outcomes)
      : tx_(tx), analyzers_(analyzers), max_attempts_(max_attempts), outcomes_(outcomes) {}

  // Applies batch number `slot` (flushes pending events first when it must).
  void add(std::size_t slot, const InboxBatch& batch) {
    for (const auto& event : batch.events) {
      add_event(slot, batch, event);
    }
  }

  // Applies what is still pending. Call before commit.
  void finish() { flush(); }

 private:
  static constexpr std::size_t kMaxSegment = 500;

  void add_event(std::size_t slot, const InboxBatch& batch, const RegistryEvent& event) {
    switch (event.action) {
      case EventAction::Push:
        if (!event.digest) {
          ++outcomes_[slot].dropped;
          return;
        }
        append(slot, batch.registry, event);
        return;
      case EventAction::Pull:
        if (!event.digest || !counts_as_pull(event, batch.include_head_pulls)) {
          ++outcomes_[slot].dropped;
          return;
        }
        append(slot, batch.registry, event);
        return;
      case EventAction::Delete:
        flush();  // a delete sees every earlier event applied
        apply_delete(slot, batch.registry, event);
        return;
    }
    ++outcomes_[slot].dropped;  // an action added later and not handled here
  }

  void append(std::size_t slot, const std::string& registry, const RegistryEvent& event) {
    std::string id_key = registry + '\0' + event.id;
    std::string tag_key;
    const bool tagged = event.action == EventAction::Push && !event.tag.empty();
    if (tagged) {
      tag_key = registry + '\0' + event.repository + '\0' + event.tag;
    }
    if (slots_.size() >= kMaxSegment || ids_.contains(id_key) || (tagged && tags_.contains(tag_key))) {
      flush();
    }
    ids_.insert(std::move(id_key));
    if (tagged) {
      tags_.insert(std::move(tag_key));
    }
    const bool push = event.action == EventAction::Push;
    slots_.push_back(slot);
    registry_.add_text(registry);
    event_id_.add_text(event.id);
    action_.add_text(push ? "push" : "pull");
    repository_.add_text(event.repository);
    digest_.add_text(event.digest->str());
    if (event.media_type.empty()) {
      media_type_.add_null();
    } else {
      media_type_.add_text(event.media_type);
    }
    if (event.size > 0) {
      size_.add_token(std::to_string(event.size));
    } else {
      size_.add_null();
    }
    const auto pushed_at = push ? rfc3339(event.occurred_at) : std::nullopt;
    if (pushed_at) {
      pushed_at_.add_text(*pushed_at);
    } else {
      pushed_at_.add_null();
    }
    quarantine_.add_token(push && event.quarantine ? "t" : "f");
    tag_.add_text(push ? event.tag : std::string());
  }

  void flush() {
    if (slots_.empty()) {
      return;
    }
    const auto rows = tx_.exec_prepared_n(
        slots_.size(), std::string(kApplySegment), registry_.str(), event_id_.str(), action_.str(),
        repository_.str(), digest_.str(), media_type_.str(), size_.str(), pushed_at_.str(), quarantine_.str(),
        tag_.str(), analyzers_, kPushScanPriority, max_attempts_, std::string(kScanJobKind));
    for (const auto& row : rows) {
      const auto ord = row[0].as<std::size_t>();  // 1-based
      InboxOutcome& outcome = outcomes_.at(slots_.at(ord - 1));
      if (row[1].as<bool>()) {
        ++outcome.applied;
      } else {
        ++outcome.duplicates;
      }
      if (row[2].as<bool>()) {
        ++outcome.jobs_enqueued;
      }
    }
    slots_.clear();
    ids_.clear();
    tags_.clear();
    for (auto* column : {&registry_, &event_id_, &action_, &repository_, &digest_, &media_type_, &size_,
                         &pushed_at_, &quarantine_, &tag_}) {
      column->clear();
    }
  }

  void apply_delete(std::size_t slot, const std::string& registry, const RegistryEvent& event) {
    InboxOutcome& outcome = outcomes_[slot];
    pqxx::row row;
    if (event.digest) {
      row = tx_.exec_prepared1(std::string(kApplyDeleteManifest), registry, event.id, event.repository,
                               event.digest->str());
    } else if (!event.tag.empty()) {
      row = tx_.exec_prepared1(std::string(kApplyDeleteTag), registry, event.id, event.repository, event.tag);
    } else {
      ++outcome.dropped;
      return;
    }
    if (row[0].as<int>() > 0) {
      ++outcome.applied;
    } else {
      ++outcome.duplicates;
    }
  }

  pqxx::work& tx_;
  const std::string& analyzers_;
  int max_attempts_;
  std::vector<InboxOutcome>& outcomes_;

  // The pending segment: one entry per event in each column, and the batch slot it counts for.
  std::vector<std::size_t> slots_;
  std::unordered_set<std::string> ids_;   // registry NUL event id
  std::unordered_set<std::string> tags_;  // registry NUL repository NUL tag (pushes only)
  ArrayLiteral registry_, event_id_, action_, repository_, digest_, media_type_, size_, pushed_at_,
      quarantine_, tag_;
};

}  // namespace

EventInbox::EventInbox(Database& db, std::string current_analyzers, int max_attempts)
    : db_(db), analyzers_(std::move(current_analyzers)), max_attempts_(std::max(1, max_attempts)) {
  db_.register_statements("event inbox", {
                                             {kApplySegment, kApplySegmentSql},
                                             {kApplyDeleteManifest, kApplyDeleteManifestSql},
                                             {kApplyDeleteTag, kApplyDeleteTagSql},
                                             {kNotifyJobs, kNotifyJobsSql},
                                         });
}

std::vector<Result<InboxOutcome>> EventInbox::apply(std::span<const InboxBatch> batches) {
  std::vector<Result<InboxOutcome>> outcomes(batches.size(), InboxOutcome{});
  std::vector<std::size_t> valid;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    auto checked = validate(batches[i]);
    if (!checked) {
      outcomes[i] = std::unexpected(std::move(checked).error());
      continue;
    }
    valid.push_back(i);
  }
  if (valid.empty()) {
    return outcomes;
  }

  // One transaction for `indices`; Database::run may call this twice (lost connection), so every
  // call starts from nothing.
  auto apply_group = [&](std::span<const std::size_t> indices) {
    return db_.run([&](pqxx::connection& conn) {
      pqxx::work tx(conn);
      std::vector<InboxOutcome> group(indices.size());
      GroupApplier applier(tx, analyzers_, max_attempts_, group);
      for (std::size_t k = 0; k < indices.size(); ++k) {
        applier.add(k, batches[indices[k]]);
      }
      applier.finish();
      std::size_t enqueued = 0;
      for (const auto& outcome : group) {
        enqueued += outcome.jobs_enqueued;
      }
      if (enqueued > 0) {
        tx.exec_prepared1(std::string(kNotifyJobs), std::string(kJobsChannel), std::string(kScanJobKind));
      }
      tx.commit();
      return group;
    });
  };

  auto group = apply_group(valid);
  if (group) {
    for (std::size_t k = 0; k < valid.size(); ++k) {
      outcomes[valid[k]] = (*group)[k];
    }
    return outcomes;
  }
  if (group.error().code == ErrorCode::Unavailable || valid.size() == 1) {
    for (const std::size_t i : valid) {
      outcomes[i] = std::unexpected(group.error());
    }
    return outcomes;
  }
  spdlog::warn("inbox: a group of {} batches failed ({}); applying each alone", valid.size(),
               group.error().message);
  for (const std::size_t i : valid) {
    auto alone = apply_group(std::span<const std::size_t>(&i, 1));
    if (!alone) {
      outcomes[i] = std::unexpected(std::move(alone).error());
      continue;
    }
    outcomes[i] = alone->front();
  }
  return outcomes;
}

}  // namespace regscand::storage
