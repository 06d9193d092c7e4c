// Group commit for the webhook inbox: request handlers submit batches; each of a few writer threads takes
// whatever has accumulated, applies it in one transaction (EventInbox::apply) and resumes each submitter
// with its own outcome. A handler acknowledges its request only after its batch is committed. Two writers
// keep PostgreSQL busy on two cores while one group commits.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "config/base/asio.hpp"
#include "storage/event_inbox.hpp"

namespace regscand::server::webhooks {

class InboxWriter {
 public:
  using Outcome = Result<storage::InboxOutcome>;

  // Starts `writers` (>= 1) threads. `max_group` bounds how many batches share one transaction.
  explicit InboxWriter(storage::EventInbox& inbox, unsigned writers = 2, std::size_t max_group = 512);
  ~InboxWriter();  // stop()
  InboxWriter(const InboxWriter&) = delete;
  InboxWriter& operator=(const InboxWriter&) = delete;

  // Applies `batch` (moved from; it must stay alive until the await completes) and resumes the caller on
  // its own executor. After stop(), completes at once with Unavailable.
  net::awaitable<Outcome> submit(storage::InboxBatch& batch);

  // Blocking form for tests and non-coroutine callers.
  Outcome submit_and_wait(storage::InboxBatch batch);

  // Applies what is already queued, then stops the threads. Idempotent.
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
  std::vector<std::thread> threads_;
};

}  // namespace regscand::server::webhooks
