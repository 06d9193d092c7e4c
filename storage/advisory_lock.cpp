#include "storage/advisory_lock.hpp"

#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/nontransaction>

namespace regscand::storage {
namespace {

constexpr const char* kLock = "SELECT pg_advisory_lock($1)";
constexpr const char* kTryLock = "SELECT pg_try_advisory_lock($1)";
constexpr const char* kUnlock = "SELECT pg_advisory_unlock($1)";

std::int64_t key(AdvisoryLock lock) {
  return static_cast<std::int64_t>(lock);
}

}  // namespace

Result<bool> with_advisory_lock(Database& db, AdvisoryLock lock, LockWait wait,
                                const std::function<void()>& f) {
  return db.run_dedicated([&](pqxx::connection& conn) {
    pqxx::nontransaction tx(conn);
    if (wait == LockWait::Wait) {
      tx.exec_params(kLock, key(lock));
    } else if (!tx.exec_params1(kTryLock, key(lock))[0].as<bool>()) {
      return false;
    }
    f();
    tx.exec_params(kUnlock, key(lock));
    return true;
  });
}

struct HeldAdvisoryLock::Session {
  explicit Session(const std::string& conninfo) : conn(conninfo) {}
  pqxx::connection conn;
};

HeldAdvisoryLock::HeldAdvisoryLock(std::unique_ptr<Session> session) : session_(std::move(session)) {}

HeldAdvisoryLock::~HeldAdvisoryLock() = default;

Result<std::unique_ptr<HeldAdvisoryLock>> HeldAdvisoryLock::try_acquire(const std::string& conninfo,
                                                                        AdvisoryLock lock) {
  try {
    auto session = std::make_unique<Session>(conninfo);
    pqxx::nontransaction tx(session->conn);
    const bool acquired = tx.exec_params1(kTryLock, key(lock))[0].as<bool>();
    tx.commit();
    if (!acquired) return nullptr;
    return std::unique_ptr<HeldAdvisoryLock>(new HeldAdvisoryLock(std::move(session)));
  } catch (const pqxx::broken_connection&) {
    return fail(ErrorCode::Unavailable, "advisory lock: cannot connect to the database");
  } catch (const pqxx::sql_error& e) {
    return fail(ErrorCode::Internal, "advisory lock: SQLSTATE " + e.sqlstate());
  } catch (const std::exception& e) {
    return fail(ErrorCode::Internal, std::string("advisory lock: ") + e.what());
  }
}

Result<void> HeldAdvisoryLock::check() {
  try {
    pqxx::nontransaction tx(session_->conn);
    tx.exec("SELECT 1");
    return {};
  } catch (const std::exception& e) {
    return fail(ErrorCode::Unavailable, std::string("advisory lock: the session is gone: ") + e.what());
  }
}

}  // namespace regscand::storage
