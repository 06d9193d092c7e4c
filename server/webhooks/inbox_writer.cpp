#include "server/webhooks/inbox_writer.hpp"

#include <algorithm>
#include <future>
#include <vector>

namespace regscand::server::webhooks {

InboxWriter::InboxWriter(storage::EventInbox& inbox, unsigned writers, std::size_t max_group)
    : inbox_(inbox), max_group_(max_group == 0 ? 1 : max_group) {
  for (unsigned i = 0; i < std::max(1u, writers); ++i) threads_.emplace_back([this] { run(); });
}

InboxWriter::~InboxWriter() {
  stop();
}

void InboxWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void InboxWriter::enqueue(Pending pending) {
  {
    std::unique_lock lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(pending));
      lock.unlock();
      wake_.notify_one();
      return;
    }
  }
  pending.done(fail(ErrorCode::Unavailable, "webhook inbox is shutting down"));
}

net::awaitable<InboxWriter::Outcome> InboxWriter::submit(storage::InboxBatch& batch) {
  auto initiate = [this, &batch](auto handler) {
    auto executor = net::get_associated_executor(handler);
    enqueue(Pending{std::move(batch), [handler = std::move(handler), executor](Outcome outcome) mutable {
                      net::post(executor,
                                [handler = std::move(handler), outcome = std::move(outcome)]() mutable {
                                  handler(std::move(outcome));
                                });
                    }});
  };
  co_return co_await net::async_initiate<decltype(net::use_awaitable), void(Outcome)>(std::move(initiate),
                                                                                      net::use_awaitable);
}

InboxWriter::Outcome InboxWriter::submit_and_wait(storage::InboxBatch batch) {
  std::promise<Outcome> promise;
  auto future = promise.get_future();
  enqueue(Pending{std::move(batch), [&promise](Outcome outcome) { promise.set_value(std::move(outcome)); }});
  return future.get();
}

void InboxWriter::run() {
  std::vector<Pending> group;
  std::vector<storage::InboxBatch> batches;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted has been applied
      while (!queue_.empty() && group.size() < max_group_) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    batches.clear();
    for (auto& pending : group) batches.push_back(std::move(pending.batch));
    auto outcomes = inbox_.apply(batches);
    for (std::size_t i = 0; i < group.size(); ++i) {
      group[i].done(i < outcomes.size() ? std::move(outcomes[i])
                                        : Outcome(fail(ErrorCode::Internal, "inbox: missing outcome")));
    }
    group.clear();
  }
}

}  // namespace regscand::server::webhooks
