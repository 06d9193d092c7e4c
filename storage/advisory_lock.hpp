// PostgreSQL session advisory locks, one key per job that must run on one replica at a time. A lock lives on
// a session of its own and goes with it: a holder that crashes or loses its connection releases it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/base/error.hpp"
#include "storage/database.hpp"

namespace regscand::storage {

// Every key regscand locks, as pg_locks shows it (classid = high 32 bits, objid = low 32 bits).
enum class AdvisoryLock : std::int64_t {
  Migrations = 0x7265677363616e64,  // "regscand": schema migrations
  FeedImport = 0x72656766656564,    // "regfeed": feed imports (refresher, `feeds import`)
  Scheduler = 0x7265677363686564,   // "regsched": the rescan scheduler's leadership
};

enum class LockWait { Wait, TryOnce };

// Runs f() holding `lock` on a dedicated session and releases it afterwards. With TryOnce, returns false
// without running f when another session holds the lock. Database errors as Database::run; f's own
// exceptions propagate (the lock goes with the session).
[[nodiscard]] Result<bool> with_advisory_lock(Database& db, AdvisoryLock lock, LockWait wait,
                                              const std::function<void()>& f);

// A lock held for as long as this object and its session live (a leadership).
class HeldAdvisoryLock {
 public:
  // Opens a session on `conninfo` and tries `lock` once: nullptr when another session holds it.
  // Unavailable when the database cannot be reached.
  [[nodiscard]] static Result<std::unique_ptr<HeldAdvisoryLock>> try_acquire(const std::string& conninfo,
                                                                             AdvisoryLock lock);
  ~HeldAdvisoryLock();
  HeldAdvisoryLock(const HeldAdvisoryLock&) = delete;
  HeldAdvisoryLock& operator=(const HeldAdvisoryLock&) = delete;

  // A round trip on the session: Unavailable when it (and so the lock) is gone.
  [[nodiscard]] Result<void> check();

 private:
  struct Session;
  explicit HeldAdvisoryLock(std::unique_ptr<Session> session);
  std::unique_ptr<Session> session_;
};

}  // namespace regscand::storage
