// EmbeddedPostgres checks that fail before any server process runs.
#include "storage/embedded_postgres.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/temp_dir.hpp"

namespace regscand::storage {
namespace {

TEST(EmbeddedPostgresOptions, FromConfigUsesDataDirAndUser) {
  config::Config config;
  config.data_dir = "/var/lib/regscand";
  config.database.embedded.user = "scanner";
  const auto options = EmbeddedPostgres::Options::from(config);
  EXPECT_EQ(options.dir, std::filesystem::path("/var/lib/regscand/pg"));
  EXPECT_EQ(options.run_as_user, "scanner");
  EXPECT_FALSE(options.tcp_port.has_value());  // the daemon's cluster listens on its socket only
  EXPECT_TRUE(options.durable);
}

TEST(EmbeddedPostgres, MissingBinariesNameThePackage) {
  testing::TempDir dir;
  EmbeddedPostgres::Options options;
  options.dir = dir.path() / "pg";
  options.bindirs_for_test = {dir.path()};  // no initdb, pg_ctl or postgres here
  auto pg = EmbeddedPostgres::start(options);
  ASSERT_FALSE(pg);
  EXPECT_EQ(pg.error().code, ErrorCode::FailedPrecondition);
  EXPECT_NE(pg.error().message.find("PostgreSQL server binaries not found"), std::string::npos)
      << pg.error().message;
  EXPECT_NE(pg.error().message.find("postgresql-15"), std::string::npos) << pg.error().message;
}

TEST(EmbeddedPostgres, SocketPathTooLongIsRefused) {
  testing::TempDir dir;
  EmbeddedPostgres::Options options;
  options.dir = dir.path() / std::string(100, 'd');
  auto pg = EmbeddedPostgres::start(options);
  ASSERT_FALSE(pg);
  EXPECT_EQ(pg.error().code, ErrorCode::FailedPrecondition);
  EXPECT_NE(pg.error().message.find("107-byte limit"), std::string::npos) << pg.error().message;
  EXPECT_FALSE(std::filesystem::exists(options.dir));  // refused before touching the disk
}

TEST(EmbeddedPostgres, UnknownRunAsUserIsExplained) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "run_as_user only applies to root";
  }
  testing::TempDir dir;
  EmbeddedPostgres::Options options;
  options.dir = dir.path() / "pg";
  options.run_as_user = "regscand-no-such-user";
  auto pg = EmbeddedPostgres::start(options);
  ASSERT_FALSE(pg);
  EXPECT_EQ(pg.error().code, ErrorCode::FailedPrecondition);
  EXPECT_NE(pg.error().message.find("\"regscand-no-such-user\" does not exist"), std::string::npos)
      << pg.error().message;
  EXPECT_NE(pg.error().message.find("database.embedded.user"), std::string::npos) << pg.error().message;
}

TEST(EmbeddedPostgres, UntraversableParentIsExplained) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "the cluster user differs from ours only under root";
  }
  testing::TempDir dir;  // mkdtemp: 0700, owned by root
  EmbeddedPostgres::Options options;
  options.dir = dir.path() / "pg";
  auto pg = EmbeddedPostgres::start(options);
  ASSERT_FALSE(pg);
  EXPECT_EQ(pg.error().code, ErrorCode::FailedPrecondition);
  EXPECT_NE(pg.error().message.find("cannot enter " + dir.path().string()), std::string::npos)
      << pg.error().message;
}

}  // namespace
}  // namespace regscand::storage
