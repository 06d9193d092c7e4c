#include "storage/embedded_postgres.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <sstream>
#include <system_error>
#include <thread>

namespace regscand::storage {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSuperuser = "regscand";
constexpr std::string_view kDatabase = "regscand";
constexpr std::string_view kServerConfig = "regscand.conf";
constexpr std::string_view kIncludeLine = "include 'regscand.conf'";
constexpr auto kOrphanWait = std::chrono::seconds(15);

std::string errno_text(int err) {
  return std::strerror(err);
}

std::string conf_quote(std::string_view value) {  // postgresql.conf string literal
  std::string out = "'";
  for (char c : value) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  return out + "'";
}

std::string conninfo_quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

Result<std::string> random_password() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return fail(ErrorCode::Internal, "embedded PostgreSQL: no random bytes for the password");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

// Writes `text` to `path` with mode 0600, atomically (temporary file, fsync, rename).
Result<void> write_private_file(const fs::path& path, std::string_view text) {
  const fs::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return fail(ErrorCode::Internal,
                "embedded PostgreSQL: cannot create " + tmp.string() + ": " + errno_text(errno));
  }
  const bool ok = ::fchmod(fd, 0600) == 0 &&
                  ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail(ErrorCode::Internal,
                "embedded PostgreSQL: cannot write " + path.string() + ": " + errno_text(err));
  }
  return {};
}

bool is_executable(const fs::path& p) {
  return ::access(p.c_str(), X_OK) == 0 && fs::is_regular_file(p);
}

bool has_server_binaries(const fs::path& dir) {
  return is_executable(dir / "initdb") && is_executable(dir / "pg_ctl") && is_executable(dir / "postgres");
}

// "postgres (PostgreSQL) 15.18 (Debian ...)" -> 15; 0 if unknown.
int server_major(const fs::path& bindir) {
  auto out = run_process(Command{.argv = {(bindir / "postgres").string(), "-V"},
                                 .run_as = std::nullopt,
                                 .timeout = std::chrono::seconds(10)});
  if (!out || out->exit_code != 0) {
    return 0;
  }
  const auto at = out->output.find(") ");
  return at == std::string::npos ? 0 : std::atoi(out->output.c_str() + at + 2);
}

std::vector<fs::path> default_bindir_candidates() {
  std::vector<fs::path> found;
  for (const char* pg_config : {"/usr/bin/pg_config", "/usr/local/bin/pg_config"}) {
    if (!is_executable(pg_config)) {
      continue;
    }
    auto out = run_process(Command{
        .argv = {pg_config, "--bindir"}, .run_as = std::nullopt, .timeout = std::chrono::seconds(10)});
    if (out && out->exit_code == 0) {
      found.emplace_back(trim(out->output));
    }
  }
  std::vector<std::pair<int, fs::path>> versions;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    versions.emplace_back(std::atoi(entry.path().filename().c_str()), entry.path() / "bin");
  }
  std::sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (auto& [version, dir] : versions) {
    found.push_back(std::move(dir));
  }
  return found;
}

// The first candidate holding initdb, pg_ctl and postgres; the first of major `want` if any has it.
Result<fs::path> find_bindir(const std::vector<fs::path>& candidates, int want) {
  std::optional<fs::path> first;
  for (const auto& dir : candidates) {
    if (!has_server_binaries(dir)) {
      continue;
    }
    if (want == 0 || server_major(dir) == want) {
      return dir;
    }
    first = first.value_or(dir);
  }
  if (first) {
    return *first;
  }
  return fail(
      ErrorCode::FailedPrecondition,
      "embedded PostgreSQL: PostgreSQL server binaries not found (need initdb, pg_ctl and postgres): install "
      "the Debian package postgresql-15, or set database.url to use an external server");
}

// The postmaster.pid lines we use: 1 PID, 4 port, 5 socket directory, 6 listen address.
struct PidFile {
  pid_t pid = 0;
  int port = 0;
  std::string listen;
};

std::optional<PidFile> read_pid_file(const fs::path& data) {
  std::ifstream in(data / "postmaster.pid");
  if (!in) {
    return std::nullopt;
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  PidFile out;
  out.pid = lines.empty() ? 0 : static_cast<pid_t>(std::atol(lines[0].c_str()));
  out.port = lines.size() > 3 ? std::atoi(lines[3].c_str()) : 0;
  out.listen = lines.size() > 5 ? trim(lines[5]) : "";
  return out;
}

// A live PostgreSQL process working in `data` (its cwd): the postmaster or one of its children.
// A PID reused by another program, a zombie or a process gone fails both checks.
bool is_postgres_in(pid_t pid, const fs::path& data) {
  if (pid <= 0) {
    return false;
  }
  const fs::path proc = "/proc/" + std::to_string(pid);
  if (trim(read_file(proc / "comm")) != "postgres") {
    return false;
  }
  std::error_code ec;
  const fs::path cwd = fs::read_symlink(proc / "cwd", ec);
  return !ec && fs::equivalent(cwd, data, ec) && !ec;
}

std::vector<pid_t> postgres_processes_in(const fs::path& data) {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const auto pid = static_cast<pid_t>(std::atol(name.c_str()));
    if (is_postgres_in(pid, data)) {
      pids.push_back(pid);
    }
  }
  return pids;
}

Result<void> chown_tree(const fs::path& path, const SystemUser& user) {
  if (::lchown(path.c_str(), user.uid, user.gid) != 0) {
    return fail(ErrorCode::Internal,
                "embedded PostgreSQL: chown " + path.string() + ": " + errno_text(errno));
  }
  if (!fs::is_directory(fs::symlink_status(path))) {
    return {};
  }
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (::lchown(it->path().c_str(), user.uid, user.gid) != 0) {
      return fail(ErrorCode::Internal,
                  "embedded PostgreSQL: chown " + it->path().string() + ": " + errno_text(errno));
    }
  }
  return {};
}

// Creates `dir` (0700) if missing and gives it to `user`; a tree owned by someone else (the user
// changed) is handed over whole.
Result<void> make_owned_dir(const fs::path& dir, const std::optional<SystemUser>& user) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(ErrorCode::Internal, "embedded PostgreSQL: mkdir " + dir.string() + ": " + errno_text(errno));
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return fail(ErrorCode::FailedPrecondition,
                "embedded PostgreSQL: " + dir.string() + " is not a directory");
  }
  if (user && st.st_uid != user->uid) {
    if (auto owned = chown_tree(dir, *user); !owned) {
      return owned;
    }
  }
  if (::chmod(dir.c_str(), 0700) != 0) {
    return fail(ErrorCode::Internal, "embedded PostgreSQL: chmod " + dir.string() + ": " + errno_text(errno));
  }
  return {};
}

bool is_empty_dir(const fs::path& dir) {
  std::error_code ec;
  return !fs::exists(dir, ec) || fs::is_empty(dir, ec);
}

// Deletes a file when leaving scope (the initdb password file).
class RemoveOnExit {
 public:
  explicit RemoveOnExit(fs::path path) : path_(std::move(path)) {}
  ~RemoveOnExit() { ::unlink(path_.c_str()); }
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;

 private:
  fs::path path_;
};

}  // namespace

EmbeddedPostgres::Options EmbeddedPostgres::Options::from(const config::Config& config) {
  Options options;
  options.dir = config.data_dir / "pg";
  options.run_as_user = config.database.embedded.user;
  return options;
}

EmbeddedPostgres::EmbeddedPostgres(Options options) : options_(std::move(options)) {}

EmbeddedPostgres::~EmbeddedPostgres() {
  if (!running_) {
    return;
  }
  if (auto stopped = stop(); !stopped) {
    spdlog::warn("{}", stopped.error().message);
  }
}

Result<std::unique_ptr<EmbeddedPostgres>> EmbeddedPostgres::start(Options options) {
  if (options.dir.empty()) {
    return fail(ErrorCode::InvalidArgument, "embedded PostgreSQL: no directory given");
  }
  std::unique_ptr<EmbeddedPostgres> pg(new EmbeddedPostgres(std::move(options)));
  const Options& opts = pg->options_;
  pg->root_ = fs::absolute(opts.dir).lexically_normal();
  if (pg->root_.has_filename() == false) {
    pg->root_ = pg->root_.parent_path();
  }
  pg->data_ = pg->root_ / "data";
  pg->run_ = pg->root_ / "run";
  pg->log_dir_ = pg->root_ / "log";
  pg->log_file_ = pg->log_dir_ / "postgresql.log";
  pg->secret_file_ = pg->root_ / "secret";
  pg->port_ = opts.tcp_port.value_or(5432);

  const std::string socket = (pg->run_ / (".s.PGSQL." + std::to_string(pg->port_))).string();
  if (socket.size() >= sizeof(sockaddr_un::sun_path)) {
    return fail(ErrorCode::FailedPrecondition, "embedded PostgreSQL: the Unix socket path " + socket +
                                                   " is " + std::to_string(socket.size()) +
                                                   " bytes, over the " +
                                                   std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                                                   "-byte limit: choose a shorter data_dir");
  }

  if (::geteuid() == 0) {
    const std::string name = opts.run_as_user.empty() ? "postgres" : opts.run_as_user;
    auto user = lookup_user(name);
    if (!user) {
      if (user.error().code != ErrorCode::NotFound) {
        return std::unexpected(std::move(user).error());
      }
      return fail(
          ErrorCode::FailedPrecondition,
          "embedded PostgreSQL: running as root, the cluster must run as an unprivileged user, but user \"" +
              name +
              "\" does not exist: create it (the Debian package postgresql-15 creates \"postgres\") "
              "or set database.embedded.user to an existing one");
    }
    if (user->uid == 0) {
      return fail(ErrorCode::FailedPrecondition, "embedded PostgreSQL: database.embedded.user \"" + name +
                                                     "\" is root; PostgreSQL refuses to run "
                                                     "as root: choose an unprivileged user");
    }
    pg->run_as_ = std::move(*user);
  }

  auto bindirs = opts.bindirs_for_test.empty() ? default_bindir_candidates() : opts.bindirs_for_test;
  const int cluster_major = std::atoi(read_file(pg->data_ / "PG_VERSION").c_str());
  auto bindir = find_bindir(bindirs, cluster_major);
  if (!bindir) {
    return std::unexpected(std::move(bindir).error());
  }
  pg->bindir_ = std::move(*bindir);
  if (cluster_major != 0 && server_major(pg->bindir_) != cluster_major) {
    return fail(ErrorCode::FailedPrecondition, "embedded PostgreSQL: the cluster in " + pg->data_.string() +
                                                   " is PostgreSQL " + std::to_string(cluster_major) +
                                                   " but only other versions are installed (" +
                                                   pg->bindir_.string() + "): install postgresql-" +
                                                   std::to_string(cluster_major) + " or upgrade the cluster");
  }

  if (auto ok = pg->prepare_directories(); !ok) {
    return std::unexpected(std::move(ok).error());
  }
  if (!fs::exists(pg->secret_file_)) {
    if (auto ok = pg->init_cluster(); !ok) {
      return std::unexpected(std::move(ok).error());
    }
  }
  pg->password_ = trim(read_file(pg->secret_file_));
  if (pg->password_.empty()) {
    return fail(ErrorCode::FailedPrecondition, "embedded PostgreSQL: " + pg->secret_file_.string() +
                                                   " is empty or unreadable; remove " + pg->root_.string() +
                                                   " to create a new cluster");
  }
  if (!fs::exists(pg->data_ / "PG_VERSION")) {
    return fail(ErrorCode::FailedPrecondition,
                "embedded PostgreSQL: " + pg->secret_file_.string() + " exists but " + pg->data_.string() +
                    " holds no cluster; remove " + pg->root_.string() + " to create a new one");
  }
  if (auto ok = pg->write_server_config(); !ok) {
    return std::unexpected(std::move(ok).error());
  }
  if (auto ok = pg->start_or_adopt(); !ok) {
    return std::unexpected(std::move(ok).error());
  }
  if (auto ok = pg->ensure_database(); !ok) {
    return std::unexpected(std::move(ok).error());
  }
  return pg;
}

Result<void> EmbeddedPostgres::prepare_directories() {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec) {
    return fail(ErrorCode::FailedPrecondition,
                "embedded PostgreSQL: cannot create " + root_.string() + ": " + ec.message());
  }
  if (run_as_) {
    for (fs::path p = root_.parent_path();; p = p.parent_path()) {
      if (!can_traverse(*run_as_, p)) {
        return fail(ErrorCode::FailedPrecondition,
                    "embedded PostgreSQL: user \"" + run_as_->name + "\" cannot enter " + p.string() +
                        " (a parent of " + root_.string() +
                        "): make it traversable (chmod o+x) or choose a data_dir that user can reach");
      }
      if (p == p.parent_path()) {
        break;
      }
    }
  }
  // The cluster user only passes through root_: the secret in it stays ours.
  if (::chmod(root_.c_str(), run_as_ ? 0711 : 0700) != 0) {
    return fail(ErrorCode::Internal,
                "embedded PostgreSQL: chmod " + root_.string() + ": " + errno_text(errno));
  }
  for (const fs::path& dir : {data_, run_, log_dir_}) {
    if (auto ok = make_owned_dir(dir, run_as_); !ok) {
      return ok;
    }
  }
  return {};
}

Result<void> EmbeddedPostgres::init_cluster() {
  if (!is_empty_dir(data_)) {
    return fail(ErrorCode::FailedPrecondition,
                "embedded PostgreSQL: " + data_.string() + " is not empty but " + secret_file_.string() +
                    " is missing (not a cluster regscand created, or its creation was interrupted): remove " +
                    data_.string() + " to create a new cluster");
  }
  auto password = random_password();
  if (!password) {
    return std::unexpected(std::move(password).error());
  }
  // initdb reads the password from a file so it never appears on a command line.
  std::string pwfile = (root_ / "initdb-pw.XXXXXX").string();
  const int fd = ::mkstemp(pwfile.data());
  if (fd < 0) {
    return fail(ErrorCode::Internal, "embedded PostgreSQL: cannot create a password file in " +
                                         root_.string() + ": " + errno_text(errno));
  }
  RemoveOnExit remove_pwfile(pwfile);
  const std::string line = *password + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       (!run_as_ || ::fchown(fd, run_as_->uid, run_as_->gid) == 0);
  ::close(fd);
  if (!written) {
    return fail(ErrorCode::Internal,
                "embedded PostgreSQL: cannot write the password file: " + errno_text(errno));
  }

  spdlog::info("embedded PostgreSQL: creating a cluster in {}", data_.string());
  std::vector<std::string> argv = {(bindir_ / "initdb").string(),
                                   "--pgdata=" + data_.string(),
                                   "--username=" + std::string(kSuperuser),
                                   "--auth=scram-sha-256",
                                   "--pwfile=" + pwfile,
                                   "--encoding=UTF8",
                                   "--no-locale",
                                   "--no-instructions"};
  if (!options_.durable) {
    argv.push_back("--no-sync");
  }
  auto out =
      run_process(Command{.argv = std::move(argv), .run_as = run_as_, .timeout = options_.start_timeout * 2});
  if (!out) {
    return std::unexpected(Error{out.error().code, "embedded PostgreSQL: initdb: " + out.error().message});
  }
  if (out->exit_code != 0) {
    return fail(ErrorCode::Internal, "embedded PostgreSQL: initdb failed (exit " +
                                         std::to_string(out->exit_code) + "): " + trim(out->output));
  }
  {
    std::ofstream conf(data_ / "postgresql.conf", std::ios::app);
    conf << "\n# regscand: socket, port and listen addresses, rewritten at every start\n"
         << kIncludeLine << "\n";
    if (!conf) {
      return fail(ErrorCode::Internal,
                  "embedded PostgreSQL: cannot append to " + (data_ / "postgresql.conf").string());
    }
  }
  // Written last: its presence marks a complete cluster.
  return write_private_file(secret_file_, *password + "\n");
}

Result<void> EmbeddedPostgres::write_server_config() {
  std::string text =
      "# Written by regscand at every start: edits are lost. Use ALTER SYSTEM for your own settings.\n";
  text += "listen_addresses = " + conf_quote(options_.tcp_port ? "127.0.0.1" : "") + "\n";
  text += "port = " + std::to_string(port_) + "\n";
  text += "unix_socket_directories = " + conf_quote(run_.string()) + "\n";
  text += "unix_socket_permissions = 0700\n";
  if (!options_.durable) {
    text += "# test cluster: not crash-safe\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
  }
  const fs::path path = data_ / kServerConfig;
  if (auto ok = write_private_file(path, text); !ok) {
    return ok;
  }
  if (run_as_ && ::chown(path.c_str(), run_as_->uid, run_as_->gid) != 0) {
    return fail(ErrorCode::Internal,
                "embedded PostgreSQL: chown " + path.string() + ": " + errno_text(errno));
  }
  if (read_file(data_ / "postgresql.conf").find(kIncludeLine) == std::string::npos) {
    return fail(ErrorCode::FailedPrecondition,
                "embedded PostgreSQL: " + (data_ / "postgresql.conf").string() +
                    " lacks the line: " + std::string(kIncludeLine));
  }
  return {};
}

Result<void> EmbeddedPostgres::start_or_adopt() {
  const auto pid_file = read_pid_file(data_);
  if (!pid_file) {
    return start_server();
  }
  const std::string want_listen = options_.tcp_port ? "127.0.0.1" : "";
  if (is_postgres_in(pid_file->pid, data_)) {
    if (pid_file->port == port_ && pid_file->listen == want_listen) {
      spdlog::info("embedded PostgreSQL: adopting the server already running in {} (PID {})", data_.string(),
                   pid_file->pid);
      running_ = true;  // so a failure below still stops it in the destructor
      if (auto ready = wait_ready(pid_file->pid); !ready) {
        return ready;
      }
      adopted_ = true;
      return {};
    }
    spdlog::info("embedded PostgreSQL: restarting the server in {} with the configured port", data_.string());
    if (auto stopped = pg_ctl({"stop", "-m", "fast", "-w"}); !stopped || stopped->exit_code != 0) {
      return fail(ErrorCode::Unavailable,
                  "embedded PostgreSQL: cannot stop the running server in " + data_.string());
    }
    return start_server();
  }
  // The postmaster died (or its PID now belongs to another program). Let its children exit first:
  // starting a second server on the same data would corrupt it.
  const auto deadline = std::chrono::steady_clock::now() + kOrphanWait;
  auto orphans = postgres_processes_in(data_);
  while (!orphans.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    orphans = postgres_processes_in(data_);
  }
  if (!orphans.empty()) {
    return fail(ErrorCode::FailedPrecondition, "embedded PostgreSQL: old server processes (e.g. PID " +
                                                   std::to_string(orphans.front()) + ") still use " +
                                                   data_.string() + ": stop them, then start again");
  }
  spdlog::info("embedded PostgreSQL: removing the stale postmaster.pid of PID {}", pid_file->pid);
  std::error_code ec;
  fs::remove(data_ / "postmaster.pid", ec);
  // The socket and its lock file name the dead PID too; a zombie still answers kill(pid, 0).
  for (const auto& entry : fs::directory_iterator(run_, ec)) {
    if (entry.path().filename().string().starts_with(".s.PGSQL.")) {
      fs::remove(entry.path(), ec);
    }
  }
  return start_server();
}

Result<void> EmbeddedPostgres::start_server() {
  const auto timeout = std::to_string(options_.start_timeout.count());
  auto out = pg_ctl({"start", "-w", "-t", timeout, "-l", log_file_.string()});
  if (!out) {
    return std::unexpected(std::move(out).error());
  }
  if (out->exit_code != 0) {
    return fail(ErrorCode::Unavailable, "embedded PostgreSQL: pg_ctl start failed: " + trim(out->output) +
                                            "; server log: " + log_tail());
  }
  running_ = true;
  spdlog::info("embedded PostgreSQL: started in {}", data_.string());
  return {};
}

Result<void> EmbeddedPostgres::wait_ready(pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  std::string last;
  for (;;) {
    try {
      pqxx::connection conn(url("postgres") + " connect_timeout=5");
      return {};
    } catch (const pqxx::pqxx_exception& e) {
      last = trim(e.base().what());
    }
    if (!is_postgres_in(pid, data_) || std::chrono::steady_clock::now() >= deadline) {
      return fail(ErrorCode::Unavailable,
                  "embedded PostgreSQL: the running server does not accept connections: " + last);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Result<void> EmbeddedPostgres::ensure_database() {
  try {
    pqxx::connection conn(url("postgres") + " connect_timeout=10");
    pqxx::nontransaction tx(conn);
    if (tx.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", std::string(kDatabase)).empty()) {
      tx.exec("CREATE DATABASE " + std::string(kDatabase));
      spdlog::info("embedded PostgreSQL: created database {}", kDatabase);
    }
    return {};
  } catch (const pqxx::pqxx_exception& e) {
    return fail(ErrorCode::Unavailable, "embedded PostgreSQL: cannot create database " +
                                            std::string(kDatabase) + ": " + trim(e.base().what()));
  }
}

Result<ProcessResult> EmbeddedPostgres::pg_ctl(std::vector<std::string> args) {
  std::vector<std::string> argv = {(bindir_ / "pg_ctl").string(), "-D", data_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto out = run_process(Command{.argv = std::move(argv),
                                 .run_as = run_as_,
                                 .timeout = options_.start_timeout + std::chrono::seconds(10)});
  if (!out) {
    return std::unexpected(Error{out.error().code, "embedded PostgreSQL: pg_ctl: " + out.error().message});
  }
  return out;
}

std::string EmbeddedPostgres::log_tail() const {
  const std::string log = read_file(log_file_);
  std::size_t at = log.size();
  for (int lines = 0; lines < 10 && at > 0; ++lines) {
    at = log.rfind('\n', at - 1);
    if (at == std::string::npos) {
      at = 0;
    }
  }
  return trim(log.substr(at));
}

std::string EmbeddedPostgres::url(std::string_view database) const {
  const std::string host = options_.tcp_port ? "127.0.0.1" : run_.string();
  return "host=" + conninfo_quote(host) + " port=" + std::to_string(port_) +
         " dbname=" + conninfo_quote(database) + " user=" + std::string(kSuperuser) +
         " password=" + conninfo_quote(password_);
}

pid_t EmbeddedPostgres::postmaster_pid() const {
  const auto pid_file = read_pid_file(data_);
  return pid_file ? pid_file->pid : 0;
}

Result<void> EmbeddedPostgres::stop() {
  const auto pid_file = read_pid_file(data_);
  if (!pid_file || !is_postgres_in(pid_file->pid, data_)) {
    running_ = false;  // nothing runs (a stale pid file is dealt with at the next start)
    adopted_ = false;
    return {};
  }
  auto out = pg_ctl({"stop", "-m", "fast", "-w", "-t", std::to_string(options_.start_timeout.count())});
  if (!out) {
    return std::unexpected(std::move(out).error());
  }
  if (out->exit_code != 0 && read_pid_file(data_)) {
    return fail(ErrorCode::Unavailable, "embedded PostgreSQL: pg_ctl stop failed: " + trim(out->output));
  }
  // The postmaster removes its pid file just before it exits: wait for the exit itself, so that "stopped"
  // means no process holds the data directory (a restart or a test checks right after).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (is_postgres_in(pid_file->pid, data_) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  running_ = false;
  adopted_ = false;
  spdlog::info("embedded PostgreSQL: stopped");
  return {};
}

bool EmbeddedPostgres::alive() const {
  if (!running_) {
    return false;
  }
  const auto pid_file = read_pid_file(data_);
  return pid_file && is_postgres_in(pid_file->pid, data_);
}

Result<void> EmbeddedPostgres::restart_after_crash() {
  running_ = false;
  adopted_ = false;
  return start_again();
}

Result<void> EmbeddedPostgres::start_again() {
  if (running_) {
    return {};
  }
  if (auto ok = write_server_config(); !ok) {
    return ok;
  }
  return start_or_adopt();
}

}  // namespace regscand::storage
