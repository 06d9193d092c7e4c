// run_process: output capture, exit codes, timeouts, no inherited descriptors, switching user.
#include "storage/process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

#include "tests/support/temp_dir.hpp"

namespace regscand::storage {
namespace {

Command command(std::vector<std::string> argv) {
  Command c;
  c.argv = std::move(argv);
  return c;
}

TEST(RunProcess, CapturesStdoutAndStderr) {
  auto out = run_process(command({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->exit_code, 3);
  EXPECT_NE(out->output.find("out\n"), std::string::npos);
  EXPECT_NE(out->output.find("err\n"), std::string::npos);
}

TEST(RunProcess, MinimalEnvironment) {
  ::setenv("REGSCAND_TEST_SECRET", "do-not-pass", 1);
  auto out = run_process(command({"/usr/bin/env"}));
  ::unsetenv("REGSCAND_TEST_SECRET");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->output.find("REGSCAND_TEST_SECRET"), std::string::npos) << out->output;
  EXPECT_NE(out->output.find("LC_ALL=C"), std::string::npos) << out->output;
}

TEST(RunProcess, DescriptorsAreNotInherited) {
  const int fd = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(fd, 0);
  const int high = ::dup2(fd, 77);
  ::close(fd);
  auto out = run_process(command({"/bin/ls", "/proc/self/fd"}));
  ::close(high);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->output.find("77"), std::string::npos) << out->output;
}

TEST(RunProcess, TimeoutKillsTheChild) {
  Command c = command({"/bin/sleep", "10"});
  c.timeout = std::chrono::milliseconds(200);
  const auto started = std::chrono::steady_clock::now();
  auto out = run_process(c);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::DeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(RunProcess, RelativeProgramIsRejected) {
  auto out = run_process(command({"sh", "-c", "true"}));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::InvalidArgument);
}

TEST(RunProcess, MissingProgramExits127) {
  auto out = run_process(command({"/nonexistent/program"}));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->exit_code, 127);
  EXPECT_NE(out->output.find("/nonexistent/program"), std::string::npos);
}

TEST(RunProcess, RunsAsAnotherUserWhenRoot) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root";
  }
  auto user = lookup_user("postgres");
  if (!user) {
    GTEST_SKIP() << "no postgres user";
  }
  Command c = command({"/usr/bin/id", "-u"});
  c.run_as = *user;
  auto out = run_process(c);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->exit_code, 0) << out->output;
  EXPECT_EQ(out->output, std::to_string(user->uid) + "\n");
}

TEST(LookupUser, UnknownUserIsNotFound) {
  auto user = lookup_user("regscand-no-such-user");
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().code, ErrorCode::NotFound);
}

TEST(CanTraverse, FollowsModeBits) {
  auto user = lookup_user("nobody");
  if (!user) {
    GTEST_SKIP() << "no nobody user";
  }
  testing::TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0700), 0);
  EXPECT_EQ(can_traverse(*user, dir.path()), ::geteuid() == user->uid);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0711), 0);
  EXPECT_TRUE(can_traverse(*user, dir.path()));
  EXPECT_FALSE(can_traverse(*user, dir.path() / "missing"));
}

}  // namespace
}  // namespace regscand::storage
