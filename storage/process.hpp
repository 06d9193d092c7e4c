// Runs a program to completion (fork + execve, never a shell) and captures its combined
// stdout/stderr, optionally as another system user when we are root. Drives initdb and pg_ctl.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/base/error.hpp"

namespace regscand::storage {

struct SystemUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups, including gid
};

// Looks `name` up in the user database. NotFound when there is no such user.
[[nodiscard]] Result<SystemUser> lookup_user(const std::string& name);

// True when `user` may search (traverse) directory `dir` per its mode bits (ACLs are not consulted).
bool can_traverse(const SystemUser& user, const std::filesystem::path& dir);

struct Command {
  std::vector<std::string> argv;     // argv[0]: absolute path of the program
  std::optional<SystemUser> run_as;  // switch to this user (requires root); nullopt = ourselves
  std::chrono::milliseconds timeout{60'000};
  std::filesystem::path cwd = "/";
};

struct ProcessResult {
  int exit_code = 0;   // the exit status, or 128 + signal number
  std::string output;  // stdout and stderr interleaved, at most the last 64 KiB
};

// Runs the command in a new session with a minimal environment (PATH, LC_ALL=C) and no inherited
// descriptors beyond stdin (/dev/null), stdout and stderr. A non-zero exit is not an error here.
// Fails with Internal when it cannot start, DeadlineExceeded (child killed) after the timeout.
[[nodiscard]] Result<ProcessResult> run_process(const Command& command);

}  // namespace regscand::storage
