#include "tests/support/pg_cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cctype>
#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/nontransaction>

#include "storage/migrate.hpp"

// LeakSanitizer: libpqxx 6.4.5 (Debian 12) leaks one PGresult when a connection drops mid-query
// (its result wrapper throws "Could not obtain client encoding" before taking ownership; fixed
// upstream, jtv/libpqxx#500). pg tests kill connections on purpose, so suppress leaks allocated
// under libpqxx; leaks of our own pqxx objects are still reported from our frames.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libpqxx-6.4.so\n";
}

namespace regscand::testing {

std::uint16_t free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  std::uint16_t port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) {
    ::close(fd);
  }
  return port;
}

Result<std::unique_ptr<PgCluster>> PgCluster::create() {
  std::unique_ptr<PgCluster> cluster(new PgCluster());
  // mkdtemp makes the directory 0700; the cluster user (postgres, when we are root) must pass it.
  if (::chmod(cluster->dir_.path().c_str(), 0711) != 0) {
    return fail(ErrorCode::Internal, "PgCluster: chmod " + cluster->dir_.path().string());
  }
  storage::EmbeddedPostgres::Options options;
  options.dir = cluster->dir_.path() / "pg";
  options.durable = false;
  Error last;
  for (int attempt = 0; attempt < 3; ++attempt) {  // another process may take the port first
    options.tcp_port = free_tcp_port();
    auto server = storage::EmbeddedPostgres::start(options);
    if (server) {
      cluster->server_ = std::move(*server);
      return cluster;
    }
    last = std::move(server).error();
    if (last.code != ErrorCode::Unavailable) {
      break;
    }
  }
  return std::unexpected(std::move(last));
}

Result<std::string> PgCluster::create_database(std::string_view name) {
  try {
    pqxx::connection conn(url());
    pqxx::nontransaction tx(conn);
    tx.exec("CREATE DATABASE " + tx.quote_name(std::string(name)));
  } catch (const pqxx::sql_error& e) {
    return fail(e.sqlstate() == "42P04" ? ErrorCode::AlreadyExists : ErrorCode::Internal,
                "PgCluster: CREATE DATABASE " + std::string(name) + ": " + e.what());
  } catch (const pqxx::pqxx_exception& e) {
    return fail(ErrorCode::Unavailable, "PgCluster: " + std::string(e.base().what()));
  }
  return server_->url(name);
}

Result<TestDatabase> open_test_database(PgCluster& cluster, std::string_view name, unsigned pool_size) {
  auto url = cluster.create_database(name);
  if (!url) return std::unexpected(url.error());
  storage::Database::Options options;
  options.url = *url;
  options.pool_size = pool_size;
  options.acquire_timeout = std::chrono::seconds(2);
  options.connect_timeout = std::chrono::seconds(2);
  auto db = storage::Database::create(options);
  if (!db) return std::unexpected(db.error());
  if (auto migrated = storage::migrate(**db); !migrated) return std::unexpected(migrated.error());
  return TestDatabase{*url, std::move(*db)};
}

std::string current_test_database_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string("t_") + info->test_suite_name() + "_" + info->name();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name.substr(0, 63);
}

}  // namespace regscand::testing
