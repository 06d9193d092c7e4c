#include "storage/job_notifier.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/notification>
#include <thread>

#include "storage/database.hpp"
#include "storage/job_queue.hpp"

namespace regscand::storage {
namespace {

constexpr std::chrono::milliseconds kConnectTimeout{5'000};

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn, const std::string& channel)
      : pqxx::notification_receiver(conn, channel) {}
  void operator()(const std::string& /*payload*/, int /*backend_pid*/) override {}
};

std::string first_line(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

}  // namespace

// Declared in this order so the receiver (which UNLISTENs) goes before its connection.
struct JobNotifier::Listener {
  pqxx::connection conn;
  Receiver receiver;
  // A lost connection is replaced by a new Listener (wait() checks is_open() after every call), so
  // libpqxx's own reactivation never runs and a reconnect is always reported to the caller.
  explicit Listener(const std::string& conninfo)
      : conn(conninfo), receiver(conn, std::string(kJobsChannel)) {}
};

JobNotifier::JobNotifier(std::string conninfo) : conninfo_(std::move(conninfo)) {}

JobNotifier::~JobNotifier() = default;

Result<std::unique_ptr<JobNotifier::Listener>> JobNotifier::listen(const std::string& conninfo) {
  try {
    return std::make_unique<Listener>(conninfo);
  } catch (const pqxx::broken_connection& e) {
    return fail(ErrorCode::Unavailable, "job notifier: cannot connect: " + first_line(e.what()));
  } catch (const pqxx::pqxx_exception& e) {
    return fail(ErrorCode::Unavailable, "job notifier: cannot listen: " + first_line(e.base().what()));
  }
}

Result<std::unique_ptr<JobNotifier>> JobNotifier::create(std::string conninfo_or_url) {
  auto conninfo = build_conninfo(conninfo_or_url, kConnectTimeout);
  if (!conninfo) {
    return std::unexpected(std::move(conninfo).error());
  }
  std::unique_ptr<JobNotifier> notifier(new JobNotifier(std::move(*conninfo)));
  auto listener = listen(notifier->conninfo_);
  if (!listener) {
    return std::unexpected(std::move(listener).error());
  }
  notifier->listener_ = std::move(*listener);
  return notifier;
}

bool JobNotifier::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (listener_ != nullptr) {
    try {
      // await_notification() also returns 0 when the socket wakes for anything else: wait out the rest.
      while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
            deadline - std::chrono::steady_clock::now());
        const auto us = std::max<std::int64_t>(0, left.count());
        if (listener_->conn.await_notification(static_cast<long>(us / 1'000'000),
                                               static_cast<long>(us % 1'000'000)) > 0) {
          return true;
        }
        if (!listener_->conn.is_open()) break;
        if (std::chrono::steady_clock::now() >= deadline) return false;
      }
      spdlog::warn("job notifier: connection lost; reconnecting");
    } catch (const pqxx::pqxx_exception& e) {
      spdlog::warn("job notifier: connection lost ({}); reconnecting", first_line(e.base().what()));
    }
    listener_.reset();
  }
  auto listener = listen(conninfo_);
  if (listener) {
    spdlog::info("job notifier: listening again");
    listener_ = std::move(*listener);
    return false;  // notifications may have been missed: the caller polls
  }
  spdlog::debug("job notifier: {}", listener.error().message);
  std::this_thread::sleep_until(deadline);
  return false;
}

}  // namespace regscand::storage
