// The private PostgreSQL cluster regscand runs when database.url is empty. start() finds the server
// binaries, creates the cluster on first use (initdb, random superuser password, scram-sha-256),
// starts it with pg_ctl (or adopts one a killed daemon left running) and creates database
// "regscand". When we are root the cluster runs as an unprivileged user (PostgreSQL refuses root).
//
// Layout of Options::dir (e.g. data_dir/pg):
//   secret          superuser password, 0600, owned by the daemon's user
//   data/           the cluster (PGDATA), owned by the cluster user, 0700
//   run/            the Unix socket directory, owned by the cluster user, 0700
//   log/postgresql.log   server log (pg_ctl -l)
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"
#include "config/config.hpp"
#include "storage/process.hpp"

namespace regscand::storage {

class EmbeddedPostgres {
 public:
  struct Options {
    std::filesystem::path dir;               // created if missing
    std::string run_as_user;                 // the cluster's owner when we are root; empty = "postgres"
    std::optional<std::uint16_t> tcp_port;   // nullopt: Unix socket only (listen_addresses = '')
    bool durable = true;                     // false, for test clusters only: no fsync at all
    std::chrono::seconds start_timeout{60};  // initdb, pg_ctl start/stop
    // Test hook: candidate bin directories replacing the search (pg_config, /usr/lib/postgresql/*/bin).
    std::vector<std::filesystem::path> bindirs_for_test;

    // The daemon's cluster: data_dir/pg, owned by database.embedded.user, Unix socket only.
    static Options from(const config::Config& config);
  };

  // Fails with FailedPrecondition for an environment problem the message explains (binaries not
  // installed, unknown user, untraversable directory, socket path too long, foreign directory
  // contents), Unavailable/Internal when the server does not come up (the message quotes its log).
  [[nodiscard]] static Result<std::unique_ptr<EmbeddedPostgres>> start(Options options);

  // Stops the server if this object started or adopted it and it is still running.
  ~EmbeddedPostgres();
  EmbeddedPostgres(const EmbeddedPostgres&) = delete;
  EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;

  // libpq key=value conninfo for database "regscand" (or `database`), with the password: a
  // secret, never log it. TCP 127.0.0.1 when tcp_port is set, else the Unix socket.
  std::string url() const { return url("regscand"); }
  std::string url(std::string_view database) const;

  bool running() const { return running_; }
  bool adopted() const { return adopted_; }  // start() found our server already running
  std::uint16_t port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_; }
  const std::filesystem::path& bindir() const { return bindir_; }
  // The postmaster's PID from postmaster.pid, or 0 if there is none.
  pid_t postmaster_pid() const;

  // pg_ctl stop -m fast. Stopping a stopped server succeeds.
  [[nodiscard]] Result<void> stop();
  // Starts the server again after stop() (tests use stop + start_again to simulate an outage).
  [[nodiscard]] Result<void> start_again();

  // Whether the postmaster this object started or adopted still runs (its pid file names a live postgres
  // in our data directory). False after stop().
  bool alive() const;
  // After the postmaster died underneath us (alive() turned false while running()): waits for its
  // orphaned children, clears the stale pid file and starts the server again.
  [[nodiscard]] Result<void> restart_after_crash();

  // Forgets the server without stopping it, as if the daemon had been killed: the destructor leaves
  // it running (tests of adoption and stale pid files).
  void release_for_test() { running_ = false; }

 private:
  explicit EmbeddedPostgres(Options options);
  Result<void> prepare_directories();
  Result<void> init_cluster();
  Result<void> write_server_config();
  Result<void> start_or_adopt();
  Result<void> start_server();
  Result<void> wait_ready(pid_t pid);
  Result<void> ensure_database();
  Result<ProcessResult> pg_ctl(std::vector<std::string> args);
  std::string log_tail() const;

  Options options_;
  std::optional<SystemUser> run_as_;  // set when we are root
  std::filesystem::path bindir_;
  std::filesystem::path root_, data_, run_, log_dir_, log_file_, secret_file_;
  std::uint16_t port_ = 5432;
  std::string password_;  // secret
  bool running_ = false;
  bool adopted_ = false;
};

}  // namespace regscand::storage
