// One feed import at a time across every replica and `regscand feeds import`: a PostgreSQL session advisory
// lock held on a dedicated connection for the import's duration.
#pragma once

#include <pqxx/nontransaction>

#include "storage/database.hpp"

namespace regscand::server::feeds {

inline constexpr long long kFeedImportLock = 0x72656766656564;  // "regfeed"

// Runs f() holding the lock: waiting for it when `wait`, else returning false at once when another holds
// it. f's result is discarded; the lock goes with the connection.
template <class F>
[[nodiscard]] Result<bool> with_feed_lock(storage::Database& db, bool wait, F&& f) {
  return db.run_dedicated([&](pqxx::connection& conn) {
    pqxx::nontransaction tx(conn);
    if (wait) {
      tx.exec_params("SELECT pg_advisory_lock($1)", kFeedImportLock);
    } else if (!tx.exec_params1("SELECT pg_try_advisory_lock($1)", kFeedImportLock)[0].as<bool>()) {
      return false;
    }
    f();
    tx.exec_params("SELECT pg_advisory_unlock($1)", kFeedImportLock);
    return true;
  });
}

}  // namespace regscand::server::feeds
