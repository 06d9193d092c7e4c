#include "storage/database.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <pqxx/except>
#include <pqxx/nontransaction>

namespace regscand::storage {

struct Database::Slot {
  std::unique_ptr<pqxx::connection> conn;
  std::size_t prepared = 0;  // statements_[0, prepared) are registered on conn
};

struct Database::Pool {
  std::string conninfo;  // secret
  unsigned max = 1;
  std::chrono::milliseconds acquire_timeout{0};

  mutable std::mutex mu;
  std::condition_variable freed;
  std::vector<std::unique_ptr<Slot>> idle;  // guarded by mu
  std::size_t in_use = 0;
  std::size_t waiting = 0;
  std::uint64_t opened = 0;
  std::uint64_t discarded = 0;
  bool closed = false;
  std::vector<Statement> statements;

  void give_back(std::unique_ptr<Slot> slot, bool broken);
};

namespace {

std::string conninfo_quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '\'';
  return out;
}

// An idle connection the server has closed (restart, pg_terminate_backend) has a readable socket:
// EOF or a FATAL message. Nothing else arrives on an idle connection that never LISTENs.
bool looks_alive(pqxx::connection& conn) {
  if (!conn.is_open()) {
    return false;
  }
  pollfd pfd{conn.sock(), POLLIN, 0};
  if (pfd.fd < 0) {
    return false;
  }
  return ::poll(&pfd, 1, 0) == 0;
}

// SQLSTATE classes after which the session is gone: 08 connection exception, 57P admin shutdown.
bool connection_lost_state(const std::string& state) {
  return state.starts_with("08") || state.starts_with("57P");
}

std::string first_line(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

}  // namespace

Result<std::string> build_conninfo(std::string_view url, std::chrono::milliseconds connect_timeout) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(url).c_str(), &parse_error);
  if (options == nullptr) {
    // libpq's message may quote part of the input (a password): do not pass it on.
    PQfreemem(parse_error);
    return fail(ErrorCode::InvalidArgument,
                "database: database.url is not a valid libpq URL or key=value string");
  }
  std::string out;
  bool has_timeout = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) {
      continue;
    }
    has_timeout = has_timeout || std::string_view(o->keyword) == "connect_timeout";
    if (!out.empty()) {
      out += ' ';
    }
    out += o->keyword;
    out += '=';
    out += conninfo_quote(o->val);
  }
  PQconninfoFree(options);
  if (!has_timeout) {
    auto seconds = std::max<std::int64_t>(1, (connect_timeout.count() + 999) / 1000);
    out += (out.empty() ? "" : " ") + std::string("connect_timeout=") + std::to_string(seconds);
  }
  return out;
}

Database::Options Database::Options::from(const config::DatabaseConfig& config, std::string url) {
  Options options;
  options.url = std::move(url);
  options.pool_size = config.pool_size;
  options.acquire_timeout = config.acquire_timeout;
  options.connect_timeout = config.connect_timeout;
  return options;
}

Result<std::unique_ptr<Database::Slot>> Database::open_slot(const std::string& conninfo) {
  try {
    auto slot = std::make_unique<Database::Slot>();
    slot->conn = std::make_unique<pqxx::connection>(conninfo);
    // Queue and API statements run in milliseconds; JIT compiling a costly plan takes tens of them.
    slot->conn->set_variable("jit", "off");
    return slot;
  } catch (const pqxx::broken_connection& e) {
    // libpq names host, port and user, never the password.
    return fail(ErrorCode::Unavailable, "database: cannot connect: " + first_line(e.what()));
  } catch (const pqxx::pqxx_exception& e) {
    return fail(ErrorCode::Unavailable, "database: cannot connect: " + first_line(e.base().what()));
  }
}

Result<std::unique_ptr<Database>> Database::create(Options options) {
  if (options.pool_size == 0) {
    return fail(ErrorCode::InvalidArgument, "database: pool_size must be at least 1");
  }
  auto conninfo = build_conninfo(options.url, options.connect_timeout);
  if (!conninfo) {
    return std::unexpected(std::move(conninfo).error());
  }
  auto pool = std::make_unique<Pool>();
  pool->conninfo = std::move(*conninfo);
  pool->max = options.pool_size;
  pool->acquire_timeout = options.acquire_timeout;
  std::unique_ptr<Database> db(new Database(std::move(pool)));
  for (auto& statement : options.statements) {
    auto registered = db->register_statement(std::move(statement.name), std::move(statement.sql));
    if (!registered) {
      return std::unexpected(std::move(registered).error());
    }
  }
  // Fail early on a wrong host or password; the connection then serves the first lease.
  auto first = db->acquire(Lane::Pooled);
  if (!first) {
    return std::unexpected(std::move(first).error());
  }
  return db;
}

Database::Database(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}

Database::~Database() {
  close();
}

Result<Database::Lease> Database::acquire(Lane lane) {
  Pool& pool = *pool_;
  if (lane == Lane::Dedicated) {
    {
      std::lock_guard lock(pool.mu);
      if (pool.closed) {
        return fail(ErrorCode::Unavailable, "database pool: closed");
      }
    }
    auto slot = open_slot(pool.conninfo);
    if (!slot) {
      return std::unexpected(std::move(slot).error());
    }
    Lease lease(&pool, std::move(*slot), lane);
    std::lock_guard lock(pool.mu);
    for (const auto& s : pool.statements) {
      lease.connection().prepare(s.name, s.sql);
    }
    return lease;
  }

  const auto deadline = std::chrono::steady_clock::now() + pool.acquire_timeout;
  std::unique_lock lock(pool.mu);
  for (;;) {
    if (pool.closed) {
      return fail(ErrorCode::Unavailable, "database pool: closed");
    }
    if (!pool.idle.empty()) {
      auto slot = std::move(pool.idle.back());
      pool.idle.pop_back();
      ++pool.in_use;
      lock.unlock();
      if (!looks_alive(*slot->conn)) {
        spdlog::info("database: dropping a broken idle connection");
        slot.reset();
        lock.lock();
        --pool.in_use;
        ++pool.discarded;
        continue;  // reuse another idle one or open a replacement
      }
      lock.lock();
      // libpqxx's prepare() only records the definition; it is sent on first use.
      for (; slot->prepared < pool.statements.size(); ++slot->prepared) {
        slot->conn->prepare(pool.statements[slot->prepared].name, pool.statements[slot->prepared].sql);
      }
      return Lease(&pool, std::move(slot), lane);
    }
    if (pool.in_use + pool.idle.size() < pool.max) {
      ++pool.in_use;  // reserve the place while connecting without the lock
      lock.unlock();
      auto slot = open_slot(pool.conninfo);
      lock.lock();
      if (!slot || pool.closed) {
        --pool.in_use;
        pool.freed.notify_one();
        if (!slot) {
          return std::unexpected(std::move(slot).error());
        }
        lock.unlock();
        slot->reset();
        return fail(ErrorCode::Unavailable, "database pool: closed");
      }
      ++pool.opened;
      for (; (*slot)->prepared < pool.statements.size(); ++(*slot)->prepared) {
        (*slot)->conn->prepare(pool.statements[(*slot)->prepared].name,
                               pool.statements[(*slot)->prepared].sql);
      }
      return Lease(&pool, std::move(*slot), lane);
    }
    ++pool.waiting;
    const bool woke = pool.freed.wait_until(lock, deadline) == std::cv_status::no_timeout;
    --pool.waiting;
    if (!woke && std::chrono::steady_clock::now() >= deadline) {
      return fail(ErrorCode::Unavailable, "database pool: no connection within " +
                                              std::to_string(pool.acquire_timeout.count()) + "ms");
    }
  }
}

void Database::Pool::give_back(std::unique_ptr<Slot> slot, bool broken) {
  std::unique_lock lock(mu);
  --in_use;
  if (broken || closed || !slot->conn->is_open()) {
    if (broken || !slot->conn->is_open()) {
      ++discarded;
    }
    freed.notify_one();
    lock.unlock();
    slot.reset();  // closes the socket outside the lock
    return;
  }
  idle.push_back(std::move(slot));
  freed.notify_one();
}

Result<void> Database::ping() {
  return run([](pqxx::connection& conn) {
    pqxx::nontransaction tx(conn);
    tx.exec1("SELECT 1");
  });
}

Result<void> Database::register_statement(std::string name, std::string sql) {
  std::lock_guard lock(pool_->mu);
  for (const auto& s : pool_->statements) {
    if (s.name != name) {
      continue;
    }
    if (s.sql == sql) {
      return {};
    }
    return fail(ErrorCode::InvalidArgument,
                "database: statement " + name + " registered twice with different SQL");
  }
  pool_->statements.push_back(Statement{std::move(name), std::move(sql)});
  return {};
}

void Database::register_statements(
    std::string_view unit, std::initializer_list<std::pair<std::string_view, std::string_view>> statements) {
  for (const auto& [name, sql] : statements) {
    auto registered = register_statement(std::string(name), std::string(sql));
    if (!registered) {
      spdlog::critical("{}: {}", unit, registered.error().message);
      std::abort();
    }
  }
}

const std::string& Database::conninfo() const {
  return pool_->conninfo;  // set once in create()
}

PoolStats Database::stats() const {
  std::lock_guard lock(pool_->mu);
  PoolStats s;
  s.idle = pool_->idle.size();
  s.in_use = pool_->in_use;
  s.size = s.idle + s.in_use;
  s.max = pool_->max;
  s.waiting = pool_->waiting;
  s.opened = pool_->opened;
  s.discarded = pool_->discarded;
  return s;
}

void Database::close() {
  std::vector<std::unique_ptr<Slot>> idle;
  {
    std::lock_guard lock(pool_->mu);
    pool_->closed = true;
    idle.swap(pool_->idle);
    pool_->freed.notify_all();
  }
  idle.clear();
}

bool Database::is_pqxx_exception(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const pqxx::pqxx_exception&) {
    return true;
  } catch (...) {
    return false;
  }
}

Database::Lease::Lease(Pool* pool, std::unique_ptr<Slot> slot, Lane lane)
    : pool_(pool), slot_(std::move(slot)), lane_(lane) {}

Database::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      slot_(std::move(other.slot_)),
      lane_(other.lane_),
      broken_(other.broken_) {}

Database::Lease::~Lease() {
  if (pool_ == nullptr || slot_ == nullptr) {
    return;
  }
  if (lane_ == Lane::Dedicated) {
    slot_.reset();
    return;
  }
  pool_->give_back(std::move(slot_), broken_);
}

pqxx::connection& Database::Lease::connection() {
  return *slot_->conn;
}

Error Database::Lease::map_error(std::exception_ptr error, bool* retry) {
  *retry = false;
  try {
    std::rethrow_exception(error);
  } catch (const pqxx::broken_connection& e) {
    broken_ = true;
    *retry = true;
    spdlog::warn("database: connection lost: {}", first_line(e.what()));
    return Error{ErrorCode::Unavailable, "database: connection lost"};
  } catch (const pqxx::in_doubt_error&) {
    broken_ = true;
    return Error{ErrorCode::Unavailable, "database: connection lost during commit; the outcome is unknown"};
  } catch (const pqxx::unique_violation& e) {
    return Error{ErrorCode::AlreadyExists,
                 "database: unique constraint violated (SQLSTATE " + e.sqlstate() + ")"};
  } catch (const pqxx::sql_error& e) {
    spdlog::debug("database: SQL error {}: {}", e.sqlstate(), first_line(e.what()));
    if (connection_lost_state(e.sqlstate()) || !slot_->conn->is_open()) {
      broken_ = true;
      *retry = true;
      return Error{ErrorCode::Unavailable, "database: connection lost (SQLSTATE " + e.sqlstate() + ")"};
    }
    return Error{ErrorCode::Internal, "database: SQL error (SQLSTATE " + e.sqlstate() + ")"};
  } catch (const pqxx::transaction_rollback& e) {
    *retry = true;  // serialization failure or deadlock: the transaction was rolled back
    return Error{ErrorCode::Unavailable,
                 std::string("database: transaction rolled back: ") + first_line(e.what())};
  } catch (const pqxx::unexpected_rows& e) {
    return Error{ErrorCode::Internal, std::string("database: ") + e.what()};
  } catch (const pqxx::usage_error& e) {
    return Error{ErrorCode::Internal, std::string("database: libpqxx usage error: ") + first_line(e.what())};
  } catch (const pqxx::conversion_error&) {
    return Error{ErrorCode::Internal, "database: cannot convert a column value"};
  } catch (const pqxx::pqxx_exception& e) {
    if (!slot_->conn->is_open()) {
      broken_ = true;
      *retry = true;
    }
    spdlog::debug("database: error: {}", first_line(e.base().what()));
    return Error{ErrorCode::Internal, "database: driver error"};
  }
}

}  // namespace regscand::storage
