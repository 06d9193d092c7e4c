#include "scanner/ecosystems/rpm/sqlite.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "scanner/ecosystems/rpm/header.hpp"

namespace regscand::scanner::ecosystems::rpm {
namespace {

constexpr int kProgressEvery = 1000;        // virtual machine steps between two budget checks
constexpr int kMaxProgressCalls = 200'000;  // at most 2e8 steps, about a second of work
constexpr std::size_t kWalVersionAt = 18;   // file format bytes: 2 = WAL, which an in-memory copy can't use
constexpr std::uint64_t kMaxFileBytes = 1ull << 30;
constexpr int kMaxValueBytes = 8 + 16 * kMaxHeaderEntries + kMaxHeaderDataBytes;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct Finalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;
using Statement = std::unique_ptr<sqlite3_stmt, Finalize>;

int over_budget(void* calls) {
  return ++*static_cast<int*>(calls) > kMaxProgressCalls ? 1 : 0;
}

class Reader {
 public:
  explicit Reader(std::string_view path) : where_("rpm: " + std::string(path) + ": ") {}

  Result<std::vector<std::string>> run(std::string_view file) {
    if (auto ok = open(file); !ok) return std::unexpected(std::move(ok).error());
    if (auto ok = check_schema(); !ok) return std::unexpected(std::move(ok).error());
    return rows(file.size());
  }

 private:
  Error error(const std::string& what) const {
    if (calls_ > kMaxProgressCalls) {
      return Error{ErrorCode::ResourceExhausted, where_ + what + ": work budget exhausted"};
    }
    return Error{ErrorCode::InvalidArgument, where_ + what + ": " + sqlite3_errmsg(db_.get())};
  }

  Result<void> open(std::string_view file) {
    if (file.size() < 100 || file.substr(0, 16) != std::string_view("SQLite format 3\0", 16)) {
      return fail(ErrorCode::InvalidArgument, where_ + "not an SQLite database (bad magic)");
    }
    if (file.size() > kMaxFileBytes) {
      return fail(ErrorCode::ResourceExhausted, where_ + "larger than " + std::to_string(kMaxFileBytes));
    }
    sqlite3* raw = nullptr;
    if (sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      sqlite3_close(raw);
      return fail(ErrorCode::Internal, where_ + "sqlite3_open_v2 failed");
    }
    db_.reset(raw);
    sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
    sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
    sqlite3_limit(db_.get(), SQLITE_LIMIT_LENGTH, kMaxValueBytes);
    sqlite3_limit(db_.get(), SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_progress_handler(db_.get(), kProgressEvery, over_budget, &calls_);

    auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(file.size()));
    if (copy == nullptr) return fail(ErrorCode::ResourceExhausted, where_ + "no memory for a copy");
    std::memcpy(copy, file.data(), file.size());
    if (copy[kWalVersionAt] == 2) copy[kWalVersionAt] = 1;
    if (copy[kWalVersionAt + 1] == 2) copy[kWalVersionAt + 1] = 1;
    const auto size = static_cast<sqlite3_int64>(file.size());
    if (sqlite3_deserialize(db_.get(), "main", copy, size, size,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
      return std::unexpected(error("cannot open"));
    }
    if (sqlite3_exec(db_.get(), "PRAGMA cell_size_check = ON; PRAGMA temp_store = MEMORY", nullptr, nullptr,
                     nullptr) != SQLITE_OK) {
      return std::unexpected(error("cannot open"));
    }
    return {};
  }

  Result<Statement> prepare(const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
      sqlite3_finalize(raw);
      return std::unexpected(error("cannot read the schema"));
    }
    return Statement(raw);
  }

  Result<void> check_schema() {
    auto s = prepare("SELECT type FROM sqlite_master WHERE name = 'Packages'");
    if (!s) return std::unexpected(std::move(s).error());
    const int rc = sqlite3_step(s->get());
    if (rc == SQLITE_DONE) return fail(ErrorCode::InvalidArgument, where_ + "no Packages table");
    if (rc != SQLITE_ROW) return std::unexpected(error("cannot read the schema"));
    const auto* type = reinterpret_cast<const char*>(sqlite3_column_text(s->get(), 0));
    if (type == nullptr || std::string_view(type) != "table") {
      return fail(ErrorCode::InvalidArgument, where_ + "Packages is not a table");
    }
    return {};
  }

  Result<std::vector<std::string>> rows(std::uint64_t file_size) {
    auto s = prepare("SELECT hnum, blob FROM Packages");
    if (!s) return std::unexpected(std::move(s).error());
    std::vector<std::string> out;
    std::uint64_t total = 0;
    for (;;) {
      const int rc = sqlite3_step(s->get());
      if (rc == SQLITE_DONE) return out;
      if (rc != SQLITE_ROW) return std::unexpected(error("Packages row " + std::to_string(out.size())));
      const auto hnum = sqlite3_column_int64(s->get(), 0);
      if (sqlite3_column_type(s->get(), 1) != SQLITE_BLOB) {
        return fail(ErrorCode::InvalidArgument,
                    where_ + "Packages hnum " + std::to_string(hnum) + ": blob is not a BLOB");
      }
      const auto* data = static_cast<const char*>(sqlite3_column_blob(s->get(), 1));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s->get(), 1));
      total += size;
      if (total > file_size) {
        return fail(ErrorCode::InvalidArgument, where_ + "more blob bytes than the file: malformed");
      }
      out.emplace_back(data == nullptr ? std::string() : std::string(data, size));
    }
  }

  std::string where_;
  Db db_;
  int calls_ = 0;
};

}  // namespace

Result<std::vector<std::string>> read_sqlite_blobs(std::string_view file, std::string_view path) {
  return Reader(path).run(file);
}

}  // namespace regscand::scanner::ecosystems::rpm
