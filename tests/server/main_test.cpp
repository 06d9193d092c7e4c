// The regscand command line: subcommands, --help, config check (valid, invalid, redacted), version.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/daemon.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::testing {
namespace {

using std::chrono::seconds;

struct Run {
  int code = -1;
  std::string output;
};

Run run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  TempDir dir;
  Daemon process(REGSCAND_BINARY, std::move(args), std::move(env), dir.path() / "out.log");
  const auto code = process.wait(seconds(30));
  return Run{code.value_or(-1), process.log()};
}

std::string write_file(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir.path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(Cli, Version) {
  const auto r = run({"version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.output.rfind("regscand ", 0), 0u) << r.output;
}

// The names listed under the help's "Subcommands:" heading (the first word of each line below it).
std::set<std::string> listed_subcommands(const std::string& help) {
  std::set<std::string> names;
  std::istringstream lines(help);
  std::string line;
  bool in_list = false;
  while (std::getline(lines, line)) {
    std::string lower = line;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("subcommands:", 0) == 0) {
      in_list = true;
    } else if (in_list && line.rfind("  ", 0) == 0 && line.find_first_not_of(' ') == 2) {
      names.insert(line.substr(2, line.find(' ', 2) - 2));
    } else if (in_list && line.find_first_not_of(' ') != std::string::npos && line.rfind("  ", 0) != 0) {
      in_list = false;
    }
  }
  return names;
}

TEST(Cli, HelpNamesEverySubcommand) {
  const auto r = run({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(listed_subcommands(r.output),
            (std::set<std::string>{"config", "feeds", "healthcheck", "migrate", "scan", "serve", "version"}))
      << r.output;
  const auto scan = run({"scan", "--help"});
  EXPECT_EQ(scan.code, 0);
  for (const char* ecosystem : {"apk", "dpkg", "gem", "npm", "pypi", "rpm"}) {
    EXPECT_NE(scan.output.find(ecosystem), std::string::npos) << ecosystem << "\n" << scan.output;
  }
  const auto check = run({"config", "check", "--help"});
  EXPECT_EQ(check.code, 0);
  EXPECT_NE(check.output.find("--config"), std::string::npos);
}

TEST(Cli, NoSubcommandIsAnError) {
  EXPECT_NE(run({}).code, 0);
}

TEST(Cli, ConfigCheckPrintsEffectiveConfigWithSecretsRedacted) {
  TempDir dir;
  const auto file =
      write_file(dir, "regscand.yaml",
                 "server: {listen: \"0.0.0.0:9000\"}\n"
                 "database: {url: \"postgresql://scanner:db-password-123@db/regscand\"}\n"
                 "auth:\n  tokens:\n    - {name: dash, role: reader, token: \"reader-token-0123456789\"}\n");
  const auto r = run({"config", "check", "--config", file}, {{"REGSCAND_LOGGING_LEVEL", "debug"}});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("0.0.0.0:9000"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("level: debug"), std::string::npos) << "env overrides the file\n" << r.output;
  EXPECT_NE(r.output.find("<redacted>"), std::string::npos);
  EXPECT_EQ(r.output.find("reader-token-0123456789"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("db-password-123"), std::string::npos) << r.output;
}

TEST(Cli, ConfigCheckNamesTheBadKey) {
  TempDir dir;
  const auto file = write_file(dir, "bad.yaml", "server: {listen: \"127.0.0.1:70000\"}\n");
  const auto r = run({"config", "check", "--config", file});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("server.listen"), std::string::npos) << r.output;

  const auto typo = run({"config", "check"}, {{"REGSCAND_SERVER_LISTN", "x"}});
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.output.find("REGSCAND_SERVER_LISTN"), std::string::npos) << typo.output;
}

TEST(Cli, MissingConfigFileIsAnError) {
  const auto r = run({"config", "check", "--config", "/nonexistent/regscand.yaml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("/nonexistent/regscand.yaml"), std::string::npos) << r.output;
}

// Every command that opens the database says once that it could not, naming the database and no secret.
TEST(Cli, AnUnreachableDatabaseIsNamedOnce) {
  TempDir dir;
  const auto file =
      write_file(dir, "down.yaml",
                 "database: {url: \"postgresql://u:db-secret-456@127.0.0.1:9/x\", "
                 "connect_timeout: 2s}\nserver: {listen: \"127.0.0.1:0\"}\n"
                 "auth: {tokens: [{name: a, role: reader, token: \"cli-test-token-0123456789\"}]}\n");
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"migrate"}, {"feeds", "status"}, {"serve"}}) {
    auto args = command;
    args.insert(args.end(), {"--config", file});
    const auto r = run(args);
    EXPECT_EQ(r.code, 1) << command[0] << "\n" << r.output;
    EXPECT_NE(r.output.find("database: cannot connect"), std::string::npos) << command[0] << "\n" << r.output;
    EXPECT_EQ(r.output.find("database: database"), std::string::npos) << command[0] << "\n" << r.output;
    EXPECT_EQ(r.output.find("db-secret-456"), std::string::npos) << command[0] << "\n" << r.output;
  }
}

}  // namespace
}  // namespace regscand::testing
