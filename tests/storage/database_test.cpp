// Database pieces that need no server: conninfo building, option mapping, early connect failure.
#include "storage/database.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/pg_cluster.hpp"

namespace regscand::storage {
namespace {

using std::chrono::milliseconds;

TEST(BuildConninfo, UrlBecomesKeyValueWithConnectTimeout) {
  auto info =
      build_conninfo("postgresql://scanner:pw@db.example:5433/regscand?sslmode=disable", milliseconds(2500));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_NE(info->find("host='db.example'"), std::string::npos) << *info;
  EXPECT_NE(info->find("port='5433'"), std::string::npos) << *info;
  EXPECT_NE(info->find("dbname='regscand'"), std::string::npos) << *info;
  EXPECT_NE(info->find("user='scanner'"), std::string::npos) << *info;
  EXPECT_NE(info->find("sslmode='disable'"), std::string::npos) << *info;
  EXPECT_NE(info->find("connect_timeout=3"), std::string::npos) << *info;  // 2.5 s rounded up
}

TEST(BuildConninfo, KeyValueFormGetsConnectTimeout) {
  auto info = build_conninfo("host=/var/run/postgresql dbname=regscand", milliseconds(5000));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_NE(info->find("host='/var/run/postgresql'"), std::string::npos) << *info;
  EXPECT_NE(info->find("connect_timeout=5"), std::string::npos) << *info;
}

TEST(BuildConninfo, ExplicitConnectTimeoutWins) {
  auto info = build_conninfo("postgresql://h/db?connect_timeout=7", milliseconds(5000));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_NE(info->find("connect_timeout='7'"), std::string::npos) << *info;
  EXPECT_EQ(info->find("connect_timeout=5"), std::string::npos) << *info;
}

TEST(BuildConninfo, TinyTimeoutIsAtLeastOneSecond) {
  auto info = build_conninfo("host=h", milliseconds(0));
  ASSERT_TRUE(info);
  EXPECT_NE(info->find("connect_timeout=1"), std::string::npos) << *info;
}

TEST(BuildConninfo, QuotesAndBackslashesAreEscaped) {
  auto info = build_conninfo(R"(host=h password='a\'b c\\d')", milliseconds(1000));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_NE(info->find(R"(password='a\'b c\\d')"), std::string::npos) << *info;
}

TEST(BuildConninfo, InvalidInputIsNotEchoed) {
  auto info = build_conninfo("host=h password hunter2", milliseconds(1000));
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(info.error().message.find("hunter2"), std::string::npos) << info.error().message;

  auto url = build_conninfo("postgresql://u:hunter2@h/db?no_such_option=1", milliseconds(1000));
  ASSERT_FALSE(url);
  EXPECT_EQ(url.error().message.find("hunter2"), std::string::npos) << url.error().message;
}

TEST(DatabaseOptions, FromConfigCopiesPoolSettings) {
  config::DatabaseConfig config;
  config.pool_size = 3;
  config.acquire_timeout = milliseconds(1234);
  config.connect_timeout = milliseconds(2345);
  auto options = Database::Options::from(config, "host=x");
  EXPECT_EQ(options.url, "host=x");
  EXPECT_EQ(options.pool_size, 3u);
  EXPECT_EQ(options.acquire_timeout, milliseconds(1234));
  EXPECT_EQ(options.connect_timeout, milliseconds(2345));
}

TEST(DatabaseCreate, ZeroPoolSizeIsRejected) {
  Database::Options options;
  options.url = "host=127.0.0.1";
  options.pool_size = 0;
  auto db = Database::create(options);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::InvalidArgument);
}

TEST(DatabaseCreate, UnreachableServerFailsEarlyWithoutThePassword) {
  const auto port = testing::free_tcp_port();  // nothing listens there
  const auto started = std::chrono::steady_clock::now();
  Database::Options options;
  options.url = "postgresql://regscand:hunter2@127.0.0.1:" + std::to_string(port) + "/regscand";
  options.connect_timeout = milliseconds(2000);
  auto db = Database::create(options);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::Unavailable);
  EXPECT_NE(db.error().message.find("cannot connect"), std::string::npos) << db.error().message;
  EXPECT_EQ(db.error().message.find("hunter2"), std::string::npos) << db.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace regscand::storage
