// Runs the real `regscand` binary as a child process for end-to-end tests: start with arguments and
// extra environment, wait for an HTTP status, signal it, and reap it. The destructor SIGKILLs a survivor.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace regscand::testing {

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
std::uint16_t free_port();

class Daemon {
 public:
  // Starts `binary args...` with the parent's environment plus `env`; stdout and stderr go to `log_file`.
  Daemon(const std::filesystem::path& binary, std::vector<std::string> args,
         std::map<std::string, std::string> env, std::filesystem::path log_file);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Polls GET http://127.0.0.1:port/path until it answers `status` or the deadline passes.
  bool wait_for_status(std::uint16_t port, const std::string& path, unsigned status,
                       std::chrono::seconds deadline);
  void signal(int sig);
  // Waits for exit; the exit code, 128+signal, or nullopt on timeout.
  std::optional<int> wait(std::chrono::seconds deadline);
  bool running();
  pid_t pid() const { return pid_; }
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path log_file_;
};

}  // namespace regscand::testing
