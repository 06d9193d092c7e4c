#include "storage/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

namespace regscand::storage {
namespace {

constexpr std::size_t kMaxOutput = 64 * 1024;

std::string errno_text(int err) {
  return std::strerror(err);
}

// Only async-signal-safe calls between fork() and execve(): the parent may have threads.
[[noreturn]] void child_fail(const char* what) {
  const int err = errno;
  (void)!::write(STDERR_FILENO, what, std::strlen(what));
  const char* text = ::strerrordesc_np(err);  // static text, unlike strerror()
  if (text == nullptr) {
    text = "error";
  }
  (void)!::write(STDERR_FILENO, ": ", 2);
  (void)!::write(STDERR_FILENO, text, std::strlen(text));
  (void)!::write(STDERR_FILENO, "\n", 1);
  ::_exit(127);
}

[[noreturn]] void exec_child(const Command& command, int out_fd, char* const* argv, char* const* envp) {
  ::setsid();
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGQUIT, SIGUSR1, SIGUSR2}) {
    ::sigaction(sig, &dfl, nullptr);
  }
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 ||
      ::dup2(out_fd, STDERR_FILENO) < 0) {
    ::_exit(127);
  }
  if (command.run_as) {
    const SystemUser& user = *command.run_as;
    if (::setgroups(user.groups.size(), user.groups.data()) != 0) {
      child_fail("setgroups");
    }
    if (::setgid(user.gid) != 0) {
      child_fail("setgid");
    }
    if (::setuid(user.uid) != 0) {
      child_fail("setuid");
    }
  }
  if (::chdir(command.cwd.c_str()) != 0) {
    child_fail("chdir");
  }
  ::close_range(3, ~0U, 0);
  ::execve(argv[0], argv, envp);
  child_fail(argv[0]);
}

int exit_code(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
}

void append_capped(std::string& out, const char* data, std::size_t n) {
  out.append(data, n);
  if (out.size() > kMaxOutput) {
    out.erase(0, out.size() - kMaxOutput);
  }
}

// Reads what is available without blocking; false at EOF or error.
bool drain(int fd, std::string& out) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      append_capped(out, buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return n < 0 && errno == EAGAIN;
  }
}

}  // namespace

Result<SystemUser> lookup_user(const std::string& name) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  const int rc = ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
  if (rc != 0) {
    return fail(ErrorCode::Internal, "getpwnam(" + name + "): " + errno_text(rc));
  }
  if (found == nullptr) {
    return fail(ErrorCode::NotFound, "system user \"" + name + "\" does not exist");
  }
  SystemUser user{name, pw.pw_uid, pw.pw_gid, {}};
  int count = 32;
  user.groups.resize(static_cast<std::size_t>(count));
  while (::getgrouplist(name.c_str(), pw.pw_gid, user.groups.data(), &count) < 0) {
    user.groups.resize(static_cast<std::size_t>(count) + 1);
    count = static_cast<int>(user.groups.size());
  }
  user.groups.resize(static_cast<std::size_t>(count));
  return user;
}

bool can_traverse(const SystemUser& user, const std::filesystem::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return false;
  }
  if (user.uid == 0) {
    return true;
  }
  if (st.st_uid == user.uid) {
    return (st.st_mode & S_IXUSR) != 0;
  }
  if (std::find(user.groups.begin(), user.groups.end(), st.st_gid) != user.groups.end()) {
    return (st.st_mode & S_IXGRP) != 0;
  }
  return (st.st_mode & S_IXOTH) != 0;
}

Result<ProcessResult> run_process(const Command& command) {
  if (command.argv.empty() || command.argv[0].empty() || command.argv[0][0] != '/') {
    return fail(ErrorCode::InvalidArgument, "run_process: argv[0] must be an absolute path");
  }
  // Everything the child needs is built before fork(): it must not allocate.
  std::vector<std::string> args = command.argv;
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  std::string env_path = "PATH=/usr/local/bin:/usr/bin:/bin";
  std::string env_locale = "LC_ALL=C";
  std::vector<char*> envp{env_path.data(), env_locale.data(), nullptr};

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return fail(ErrorCode::Internal, "run_process: pipe: " + errno_text(errno));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return fail(ErrorCode::Internal, "run_process: fork: " + errno_text(err));
  }
  if (pid == 0) {
    exec_child(command, fds[1], argv.data(), envp.data());
  }
  ::close(fds[1]);
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);

  ProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + command.timeout;
  bool open = true;
  int status = 0;
  for (;;) {
    if (open) {
      pollfd pfd{fds[0], POLLIN, 0};
      ::poll(&pfd, 1, 50);
      open = drain(fds[0], result.output);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Stop at the child's exit even if a grandchild (a daemonised server) still holds the pipe.
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      if (open) {
        drain(fds[0], result.output);
      }
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ::close(fds[0]);
      return fail(ErrorCode::DeadlineExceeded, "run_process: " + command.argv[0] + " did not finish within " +
                                                   std::to_string(command.timeout.count()) + "ms");
    }
  }
  ::close(fds[0]);
  result.exit_code = exit_code(status);
  return result;
}

}  // namespace regscand::storage
