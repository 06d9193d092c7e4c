// The webhook inbox: applies registry notifications (RegistryEvent) to manifests, tags, tag_history
// and the scan queue, exactly once per (registry, event id). Batches from many requests share one
// transaction (group commit); a batch's effects are committed whole or not at all.
// Blocking (libpqxx): never call on an I/O thread.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "config/base/error.hpp"
#include "scanner/model/registry_event.hpp"
#include "storage/database.hpp"

namespace regscand::storage {

// The events of one webhook request, from one configured registry.
struct InboxBatch {
  std::string registry;  // the registry's configured name
  std::vector<scanner::RegistryEvent> events;
  bool include_head_pulls = false;  // count HEAD requests as pulls (else only GET)
};

struct InboxOutcome {
  std::size_t applied = 0;        // events recorded now
  std::size_t duplicates = 0;     // event ids already recorded (redelivery): skipped
  std::size_t jobs_enqueued = 0;  // scan jobs created
  std::size_t dropped = 0;        // events not acted upon (HEAD pulls, pulls or pushes without digest)
};

// Job kind and priority the inbox enqueues for a pushed manifest.
inline constexpr std::string_view kScanJobKind = "scan";
inline constexpr int kPushScanPriority = 100;

class EventInbox {
 public:
  // `current_analyzers`: fingerprint of the analyzers in use; a manifest whose last successful scan
  // (manifests.scanned_with) has it is not queued again. `max_attempts` (>= 1) for enqueued jobs.
  // Registers its statements on `db`, which must outlive the inbox.
  EventInbox(Database& db, std::string current_analyzers, int max_attempts);

  // Applies every batch in one transaction and returns one outcome per batch, in order. When that
  // transaction fails for a reason other than the database being unavailable, each batch is applied
  // again in its own transaction, so one bad batch fails alone. A batch is never partly committed.
  // Per batch: InvalidArgument (an event id empty or over 512 bytes, an empty repository),
  // Unavailable (database down: every batch), Internal (the batch's own transaction failed).
  // NOTIFY regscand_jobs is sent with the commit when a job was enqueued.
  [[nodiscard]] std::vector<Result<InboxOutcome>> apply(std::span<const InboxBatch> batches);

 private:
  Database& db_;
  std::string analyzers_;
  int max_attempts_;
};

}  // namespace regscand::storage
