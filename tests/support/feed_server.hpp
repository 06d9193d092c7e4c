// FeedServer runs tests/support/feed_server.py (python3's http.server with ETag/304, redirects, Basic auth,
// truncated bodies and chosen statuses; https with a given PEM cert and key) on 127.0.0.1:<free port>,
// serving a directory, and stops it
// (SIGTERM, then SIGKILL) on destruction. Header-only: it needs REGSCAND_TESTS_DIR, which every test has.
// Failures to start throw std::runtime_error (tests only).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.hpp"

namespace regscand::testing {

class FeedServer {
 public:
  explicit FeedServer(const std::filesystem::path& root, const std::filesystem::path& cert = {},
                      const std::filesystem::path& key = {})
      : scheme_(cert.empty() ? "http" : "https") {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("feed server: pipe failed");
    std::vector<std::string> args{"python3", std::string(REGSCAND_TESTS_DIR) + "/support/feed_server.py",
                                  "--root", root.string()};
    if (!cert.empty()) args.insert(args.end(), {"--cert", cert.string(), "--key", key.string()});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    const int rc = ::posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      throw std::runtime_error("feed server: cannot start python3");
    }
    std::string line;
    pollfd p{fds[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos && ::poll(&p, 1, 10'000) > 0) {
      char buffer[64];
      const auto n = ::read(fds[0], buffer, sizeof buffer);
      if (n <= 0) break;
      line.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    port_ = static_cast<std::uint16_t>(std::stoul(line.empty() ? "0" : line));
    if (port_ == 0) {
      stop();
      throw std::runtime_error("feed server: no port announced");
    }
  }
  ~FeedServer() { stop(); }
  FeedServer(const FeedServer&) = delete;
  FeedServer& operator=(const FeedServer&) = delete;

  std::uint16_t port() const { return port_; }
  // "http(s)://127.0.0.1:<port>" + path.
  std::string url(const std::string& path) const {
    return scheme_ + "://127.0.0.1:" + std::to_string(port_) + path;
  }
  // "PATH STATUS AUTH" per request so far ("auth" when an Authorization header came, else "-").
  std::string log() const { return http_get(port_, "/_log", {}, scheme_ == "https").body; }

 private:
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = 0;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

  std::string scheme_;
  pid_t pid_ = 0;
  std::uint16_t port_ = 0;
};

}  // namespace regscand::testing
