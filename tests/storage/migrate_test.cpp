// The migrations compiled into the binary: contiguous, named, non-empty.
#include "storage/migrate.hpp"

#include <gtest/gtest.h>

namespace regscand::storage {
namespace {

TEST(EmbeddedMigrations, AreContiguousFromOne) {
  const auto migrations = embedded_migrations();
  ASSERT_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(migrations[i].name.empty());
    EXPECT_NE(migrations[i].sql.find_first_not_of(" \n\t"), std::string_view::npos);
  }
}

TEST(EmbeddedMigrations, BaselineIsTheInitFileVerbatim) {
  const Migration& first = embedded_migrations().front();
  EXPECT_EQ(first.name, "init");
  EXPECT_NE(first.sql.find("CREATE TABLE daemon_info"), std::string_view::npos);
  EXPECT_NE(first.sql.find("CREATE TABLE settings"), std::string_view::npos);
  // migrate() owns the transaction: no statement of the file may open or end one.
  EXPECT_EQ(first.sql.find("\nBEGIN"), std::string_view::npos);
  EXPECT_EQ(first.sql.find("\nCOMMIT"), std::string_view::npos);
}

TEST(MigrationStatus, UpToDateOnlyWhenEqual) {
  EXPECT_TRUE((MigrationStatus{.applied = 3, .latest = 3}.up_to_date()));
  EXPECT_FALSE((MigrationStatus{.applied = 2, .latest = 3}.up_to_date()));
  EXPECT_FALSE((MigrationStatus{.applied = 4, .latest = 3}.up_to_date()));
}

}  // namespace
}  // namespace regscand::storage
