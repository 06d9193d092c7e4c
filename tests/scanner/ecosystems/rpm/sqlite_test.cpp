// rpmdb.sqlite files: the Amazon Linux 2023 and CBL-Mariner databases (WAL mode, read from memory),
// databases built here with SQLite, and hostile variants (garbage, truncation, no Packages table, a view
// in its place, text instead of blobs) rejected with reasons.
#include "scanner/ecosystems/rpm/sqlite.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "scanner/ecosystems/rpm/header.hpp"
#include "tests/scanner/ecosystems/rpm/rpm_files.hpp"
#include "tests/support/test_data.hpp"

namespace regscand::scanner::ecosystems::rpm {
namespace {

using testing::package_blob;

constexpr std::string_view kPath = "var/lib/rpm/rpmdb.sqlite";

// A database made by running `sql`, with `blobs` inserted into Packages(hnum, blob) when it has that table.
std::string make_db(const std::string& sql, const std::vector<std::string>& blobs = {}) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  for (const auto& blob : blobs) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &s, nullptr), SQLITE_OK);
    sqlite3_bind_blob(s, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
  }
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(db, "main", &size, 0);
  std::string out(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
  sqlite3_free(bytes);
  sqlite3_close(db);
  return out;
}

constexpr const char* kRpmSchema =
    "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);";

std::string error_of(const std::string& file) {
  auto blobs = read_sqlite_blobs(file, kPath);
  EXPECT_FALSE(blobs) << "accepted a malformed database";
  return blobs ? std::string() : blobs.error().message;
}

TEST(RpmSqlite, ReadsTheSharedDatabases) {
  const auto data = regscand::testing::test_data() / "pkgdb/rpm";
  for (const auto& [dir, count] :
       {std::pair{"amazonlinux2023-plain", 103u}, std::pair{"cbl-mariner-2.0", 129u}}) {
    auto blobs = read_sqlite_blobs(regscand::testing::read_file(data / dir / "rpmdb.sqlite"), kPath);
    ASSERT_TRUE(blobs) << blobs.error().message;
    EXPECT_EQ(blobs->size(), count) << dir;
    for (const auto& blob : *blobs) EXPECT_TRUE(parse_header(blob)) << dir;
  }
}

TEST(RpmSqlite, ReadsBuiltDatabasesInHnumOrder) {
  const std::vector<std::string> blobs = {package_blob("a"), package_blob("b"), package_blob("c")};
  auto got = read_sqlite_blobs(make_db(kRpmSchema, blobs), kPath);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, blobs);
  auto empty = read_sqlite_blobs(make_db(kRpmSchema), kPath);
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_TRUE(empty->empty());
}

TEST(RpmSqlite, RejectsWhatIsNotAnRpmDatabase) {
  EXPECT_NE(error_of("").find("rpm: var/lib/rpm/rpmdb.sqlite: not an SQLite database"), std::string::npos);
  EXPECT_NE(error_of(std::string(4096, 'x')).find("not an SQLite database"), std::string::npos);
  std::string garbage(4096, '\xff');
  garbage.replace(0, 16, std::string("SQLite format 3\0", 16));
  EXPECT_NE(error_of(garbage).find("rpm: var/lib/rpm/rpmdb.sqlite: "), std::string::npos);

  EXPECT_NE(error_of(make_db("CREATE TABLE Other (x);")).find("no Packages table"), std::string::npos);
  EXPECT_NE(error_of(make_db("CREATE TABLE T (hnum, blob); CREATE VIEW Packages AS SELECT * FROM T;"))
                .find("Packages is not a table"),
            std::string::npos);
  EXPECT_NE(error_of(make_db("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, other);"))
                .find("cannot read the schema: no such column: blob"),
            std::string::npos);
  EXPECT_NE(error_of(make_db("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob);"
                             "INSERT INTO Packages (blob) VALUES ('text');"))
                .find("Packages hnum 1: blob is not a BLOB"),
            std::string::npos);
}

TEST(RpmSqlite, TruncatedAndDamagedSharedDatabasesFailCleanly) {
  const std::string file = regscand::testing::read_file(regscand::testing::test_data() /
                                                        "pkgdb/rpm/amazonlinux2023-plain/rpmdb.sqlite");
  ASSERT_GT(file.size(), 1u << 20);
  for (const std::size_t n : {100ul, 4096ul, 65536ul, file.size() / 2, file.size() - 4096}) {
    auto got = read_sqlite_blobs(file.substr(0, n), kPath);
    if (got) {
      EXPECT_LT(got->size(), 103u) << n;  // what a prefix can hold; never more
      continue;
    }
    EXPECT_NE(got.error().message.find("rpm: var/lib/rpm/rpmdb.sqlite: "), std::string::npos);
  }
  for (std::size_t at = 0; at < file.size(); at += file.size() / 16) {
    std::string damaged = file;
    for (std::size_t i = 0; i < 64 && at + i < damaged.size(); ++i) damaged[at + i] = '\x5a';
    auto got = read_sqlite_blobs(damaged, kPath);
    if (got) {
      EXPECT_LE(got->size(), 103u) << at;  // damage in a page no package uses leaves all 103
    } else {
      EXPECT_NE(got.error().message.find(kPath), std::string::npos) << at << ": " << got.error().message;
    }
  }
}

}  // namespace
}  // namespace regscand::scanner::ecosystems::rpm
