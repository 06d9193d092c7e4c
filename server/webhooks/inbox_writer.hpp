// Group commit for the webhook inbox: request handlers submit batches, one writer thread applies
// whatever has accumulated in one transaction (EventInbox::apply) and resumes each submitter with its
// own outcome. A handler acknowledges its request only after its batch is committed.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "config/base/asio.hpp"
#include "storage/event_inbox.hpp"

namespace regscand::server::webhooks {

class InboxWriter {
 public:
  using Outcome = Result<storage::InboxOutcome>;

  // Starts the writer thread. `max_group` bounds how many batches share one transaction.
  InboxWriter(storage::EventInbox& inbox, std::size_t max_group = 512);
  ~InboxWriter();  // stop()
  InboxWriter(const InboxWriter&) = delete;
  InboxWriter& operator=(const InboxWriter&) = delete;

  // Applies `batch` (moved from; it must stay alive until the await completes) and resumes the caller on
  // its own executor. After stop(), completes at once with Unavailable.
  net::awaitable<Outcome> submit(storage::InboxBatch& batch);

  // Blocking form for tests and non-coroutine callers.
  Outcome submit_and_wait(storage::InboxBatch batch);

  // Applies what is already queued, then stops the thread. Idempotent.
  void stop();

 private:
  struct Pending {
    storage::InboxBatch batch;
    std::move_only_function<void(Outcome)> done;
  };
  void enqueue(Pending pending);
  void run();

  storage::EventInbox& inbox_;
  const std::size_t max_group_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace regscand::server::webhooks
