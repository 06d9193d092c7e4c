// A bounded pool of libpqxx connections. run(f) leases a connection, calls f(pqxx::connection&)
// and returns Result<R>; libpqxx exceptions never leave this module (they become Error values).
// All members are thread-safe. Calls block (libpqxx is synchronous): never call them on an I/O thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <memory>
#include <pqxx/connection>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "config/base/error.hpp"
#include "config/config.hpp"

namespace regscand::storage {

// A named statement, prepared on every pooled connection (libpqxx prepares lazily, on first use).
// Names follow "repo.verb_object" (e.g. "scan_queue.claim_next"); SQL takes $1.. parameters only.
struct Statement {
  std::string name;
  std::string sql;
};

struct PoolStats {
  std::size_t size = 0;         // open or opening connections: idle + in_use
  std::size_t idle = 0;         // open and waiting in the pool
  std::size_t in_use = 0;       // leased (or being opened for a lease)
  std::size_t max = 0;          // pool_size
  std::size_t waiting = 0;      // callers blocked waiting for a connection
  std::uint64_t opened = 0;     // connections opened since create()
  std::uint64_t discarded = 0;  // connections dropped because they were broken
};

// Normalises a libpq URL ("postgresql://...") or key=value string into key=value form and sets
// connect_timeout (whole seconds, rounded up) unless the string already names one. The result
// holds the password: never log it. Fails with InvalidArgument (message free of the input).
[[nodiscard]] Result<std::string> build_conninfo(std::string_view url,
                                                 std::chrono::milliseconds connect_timeout);

class Database {
 public:
  struct Options {
    std::string url;  // libpq URL or key=value conninfo; secret
    unsigned pool_size = 8;
    std::chrono::milliseconds acquire_timeout{5'000};
    std::chrono::milliseconds connect_timeout{5'000};
    std::vector<Statement> statements;  // prepared on every connection

    // The pool settings of `config`; `url` is config.url or the embedded cluster's url().
    static Options from(const config::DatabaseConfig& config, std::string url);
  };

  // Validates the URL and opens one connection so a wrong URL or password fails at startup
  // (InvalidArgument, Unavailable). The connection stays in the pool.
  [[nodiscard]] static Result<std::unique_ptr<Database>> create(Options options);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Leases a connection and returns f(conn) as Result<R> (a Result<T> returned by f is passed
  // through, not nested). Waits up to acquire_timeout for a free connection (Unavailable
  // "database pool: no connection within Nms"). libpqxx exceptions map to: broken_connection ->
  // Unavailable, unique_violation -> AlreadyExists, other SQL errors -> Internal naming the
  // SQLSTATE (never the query or its parameters). On a lost connection or a serialization
  // failure / deadlock, f is called once more on a fresh connection: f must be idempotent (one
  // pqxx::work committed at its end is). Exceptions other than libpqxx's propagate.
  template <class F>
  auto run(F&& f) {
    return run_on(Lane::Pooled, std::forward<F>(f));
  }

  // Like run() but on a new connection outside the pool, closed afterwards: for session state that
  // must not leak into the pool (advisory locks held across transactions, SET).
  template <class F>
  auto run_dedicated(F&& f) {
    return run_on(Lane::Dedicated, std::forward<F>(f));
  }

  // SELECT 1 on a pooled connection.
  [[nodiscard]] Result<void> ping();

  // Adds a statement for every connection (existing ones prepare it before their next lease).
  // Re-registering a name with the same SQL is a no-op; with different SQL, InvalidArgument.
  [[nodiscard]] Result<void> register_statement(std::string name, std::string sql);

  // A unit's statements, registered from its constructor. A name registered twice with different SQL is
  // a programming error found at startup: logged as critical, naming `unit`, then std::abort().
  void register_statements(std::string_view unit,
                           std::initializer_list<std::pair<std::string_view, std::string_view>> statements);

  PoolStats stats() const;

  // The normalised key=value conninfo the pool connects with (for a dedicated LISTEN connection,
  // see JobNotifier). A secret: never log it.
  const std::string& conninfo() const;

  // Closes idle connections; leased ones close when returned. Later calls fail with Unavailable.
  void close();

 private:
  enum class Lane { Pooled, Dedicated };
  struct Slot;
  struct Pool;

  // A leased connection; returns it to the pool (or drops it if broken/dedicated) on destruction.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Slot> slot, Lane lane);
    ~Lease();
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    pqxx::connection& connection();
    // Maps the in-flight exception to an Error; marks the connection broken when it is.
    // *retry is set when one more attempt may succeed on a fresh connection.
    Error map_error(std::exception_ptr error, bool* retry);

   private:
    Pool* pool_;
    std::unique_ptr<Slot> slot_;
    Lane lane_;
    bool broken_ = false;
  };

  template <class T>
  struct Unwrap {
    using type = T;
  };
  template <class T>
  struct Unwrap<Result<T>> {
    using type = T;
  };

  explicit Database(std::unique_ptr<Pool> pool);
  static Result<std::unique_ptr<Slot>> open_slot(const std::string& conninfo);
  Result<Lease> acquire(Lane lane);
  static bool is_pqxx_exception(std::exception_ptr error);

  template <class F>
  auto run_on(Lane lane, F&& f)
      -> Result<typename Unwrap<std::invoke_result_t<F&, pqxx::connection&>>::type> {
    using R = std::invoke_result_t<F&, pqxx::connection&>;
    constexpr int kMaxAttempts = 2;
    for (int attempt = 1;; ++attempt) {
      auto lease = acquire(lane);
      if (!lease) {
        return std::unexpected(std::move(lease).error());
      }
      try {
        if constexpr (std::is_void_v<R>) {
          f(lease->connection());
          return {};
        } else {
          return f(lease->connection());
        }
      } catch (...) {
        auto error = std::current_exception();
        if (!is_pqxx_exception(error)) {
          throw;
        }
        bool retry = false;
        Error mapped = lease->map_error(error, &retry);
        if (retry && attempt < kMaxAttempts) {
          continue;
        }
        return std::unexpected(std::move(mapped));
      }
    }
  }

  std::unique_ptr<Pool> pool_;
};

}  // namespace regscand::storage
