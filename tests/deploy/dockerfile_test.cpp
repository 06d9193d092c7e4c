// deploy/Dockerfile and .dockerignore follow the practices regscand checks in others' images: every FROM
// pinned by digest, no ADD, a numeric non-root USER before the ENTRYPOINT, a HEALTHCHECK on /healthz, one
// exposed port, no secret in ENV/ARG/LABEL, the OCI labels, JSON logs; build trees and .git kept out of the
// build context. Each rule is also shown to catch a Dockerfile that breaks it.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace regscand::testing {
namespace {

std::string read(const std::string& relative) {
  std::ifstream in(std::string(REGSCAND_TESTS_DIR) + "/../" + relative);
  EXPECT_TRUE(in) << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Instruction {
  std::string keyword;  // upper case
  std::string args;
};

// Instructions in order: comments dropped, backslash continuations joined.
std::vector<Instruction> parse(const std::string& text) {
  std::vector<Instruction> out;
  std::istringstream in(text);
  std::string line;
  std::string pending;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    pending += line.substr(first);
    if (!pending.empty() && pending.back() == '\\') {
      pending.back() = ' ';
      continue;
    }
    const auto space = pending.find_first_of(" \t");
    Instruction instruction{pending.substr(0, space),
                            space == std::string::npos ? "" : pending.substr(space + 1)};
    for (auto& c : instruction.keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out.push_back(std::move(instruction));
    pending.clear();
  }
  return out;
}

// Whitespace-separated words; double quotes group and are removed.
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  bool quoted = false;
  bool any = false;
  for (const char c : text) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
      if (any) out.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) out.push_back(word);
  return out;
}

// KEY=value pairs of ENV, ARG and LABEL (ARG NAME without a default maps to "").
std::map<std::string, std::string> pairs(const std::string& args) {
  std::map<std::string, std::string> out;
  for (const auto& word : words(args)) {
    const auto eq = word.find('=');
    out[word.substr(0, eq)] = eq == std::string::npos ? "" : word.substr(eq + 1);
  }
  return out;
}

std::string expand(std::string text, const std::map<std::string, std::string>& args) {
  for (const auto& [name, value] : args) {
    for (const auto& form : {"${" + name + "}", "$" + name}) {
      for (auto at = text.find(form); at != std::string::npos; at = text.find(form, at + value.size())) {
        text.replace(at, form.size(), value);
      }
    }
  }
  return text;
}

bool secret_like(const std::string& text) {
  static const std::regex secret(
      R"(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential|BEGIN [A-Z ]*PRIVATE KEY|)"
      R"(://[^/@\s]+:[^/@\s]+@|DATABASE_URL)",
      std::regex::icase);
  return std::regex_search(text, secret);
}

// Every rule the Dockerfile breaks, one message each (empty = all kept).
std::vector<std::string> violations(const std::string& dockerfile) {
  std::vector<std::string> out;
  const auto instructions = parse(dockerfile);
  std::map<std::string, std::string> global_args;
  std::set<std::string> stages;
  std::size_t final_stage = instructions.size();
  bool seen_from = false;
  for (std::size_t i = 0; i < instructions.size(); ++i) {
    const auto& [keyword, args] = instructions[i];
    if (keyword == "ARG" && !seen_from) {
      for (const auto& [name, value] : pairs(args)) global_args[name] = value;
    }
    if (keyword == "FROM") {
      seen_from = true;
      final_stage = i;
      auto from = words(args);
      std::erase_if(from, [](const std::string& w) { return w.rfind("--", 0) == 0; });
      const auto image = from.empty() ? "" : expand(from[0], global_args);
      static const std::regex pinned(R"([^@\s]+@sha256:[0-9a-f]{64})");
      if (image != "scratch" && !stages.contains(image) && !std::regex_match(image, pinned)) {
        out.push_back("FROM " + image + ": not pinned by digest");
      }
      if (from.size() == 3) stages.insert(from[2]);
    }
    if (keyword == "ADD") out.push_back("ADD " + args + ": use COPY");
    if (keyword == "ENV" || keyword == "ARG" || keyword == "LABEL") {
      for (const auto& [name, value] : pairs(args)) {
        if (secret_like(name) || secret_like(value)) out.push_back(keyword + " " + name + ": secret-like");
      }
    }
  }
  if (final_stage == instructions.size()) return {"no FROM"};

  std::optional<std::string> user;
  bool entrypoint = false;
  bool user_before_entrypoint = false;
  bool healthcheck = false;
  std::vector<std::string> ports;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> env;
  for (std::size_t i = final_stage + 1; i < instructions.size(); ++i) {
    const auto& [keyword, args] = instructions[i];
    if (keyword == "USER") user = args;
    if (keyword == "ENTRYPOINT") {
      entrypoint = true;
      static const std::regex numeric(R"(\s*([0-9]+):([0-9]+)\s*)");
      std::smatch m;
      user_before_entrypoint = user && std::regex_match(*user, m, numeric) && m[1] != "0" && m[2] != "0";
    }
    if (keyword == "HEALTHCHECK") {
      healthcheck =
          args.find("/healthz") != std::string::npos && words(args) != std::vector<std::string>{"NONE"};
    }
    if (keyword == "EXPOSE") {
      for (const auto& port : words(args)) ports.push_back(port);
    }
    if (keyword == "LABEL") labels.merge(pairs(args));
    if (keyword == "ENV") env.merge(pairs(args));
  }
  if (!entrypoint) out.push_back("final stage: no ENTRYPOINT");
  if (!user_before_entrypoint)
    out.push_back("final stage: no numeric non-root USER uid:gid before ENTRYPOINT");
  if (!healthcheck) out.push_back("final stage: no HEALTHCHECK on /healthz");
  if (ports.size() != 1)
    out.push_back("final stage: " + std::to_string(ports.size()) + " ports exposed, want 1");
  for (const char* label : {"source", "version", "revision", "licenses", "base.name", "base.digest"}) {
    if (!labels.contains(std::string("org.opencontainers.image.") + label)) {
      out.push_back(std::string("final stage: no label org.opencontainers.image.") + label);
    }
  }
  if (env["REGSCAND_LOGGING_FORMAT"] != "json") out.push_back("final stage: logs are not JSON");
  if (!ports.empty() && !env["REGSCAND_SERVER_LISTEN"].ends_with(":" + ports[0])) {
    out.push_back("final stage: REGSCAND_SERVER_LISTEN is not on the exposed port");
  }
  return out;
}

std::string joined(const std::vector<std::string>& messages) {
  std::string out;
  for (const auto& m : messages) out += m + "\n";
  return out;
}

bool mentions(const std::vector<std::string>& messages, const std::string& part) {
  for (const auto& m : messages) {
    if (m.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(Dockerfile, ShippedOneKeepsEveryRule) {
  const auto found = violations(read("deploy/Dockerfile"));
  EXPECT_TRUE(found.empty()) << joined(found);
}

TEST(Dockerfile, ShippedOneIsMultiStage) {
  const auto instructions = parse(read("deploy/Dockerfile"));
  int froms = 0;
  for (const auto& i : instructions) froms += i.keyword == "FROM";
  EXPECT_GE(froms, 2);
}

// The shipped Dockerfile with `from` replaced by `to` (which must occur).
std::string edited(const std::string& from, const std::string& to) {
  auto text = read("deploy/Dockerfile");
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(Dockerfile, EachRuleCatchesABreach) {
  EXPECT_TRUE(mentions(violations(edited("FROM scratch", "FROM debian:bookworm-slim")), "not pinned"));
  EXPECT_TRUE(mentions(violations("ARG B=debian:12\nFROM ${B} AS build\nFROM scratch\n"), "FROM debian:12"));
  EXPECT_TRUE(mentions(violations(edited("COPY --from=build", "ADD --from=build")), "ADD"));
  EXPECT_TRUE(mentions(violations(edited("USER 10001:10001", "USER regscand")), "USER"));
  EXPECT_TRUE(mentions(violations(edited("USER 10001:10001", "USER 0:0")), "USER"));
  EXPECT_TRUE(mentions(violations(edited("USER 10001:10001\nENTRYPOINT", "ENTRYPOINT")), "USER"));
  EXPECT_TRUE(mentions(violations(edited("HEALTHCHECK", "# HEALTHCHECK")), "HEALTHCHECK"));
  EXPECT_TRUE(mentions(violations(edited("EXPOSE 8080", "EXPOSE 8080 5432")), "2 ports"));
  EXPECT_TRUE(
      mentions(violations(edited("REGSCAND_LOGGING_FORMAT=json", "REGSCAND_LOGGING_FORMAT=text")), "JSON"));
  EXPECT_TRUE(mentions(violations(edited("org.opencontainers.image.revision=", "x.revision=")), "revision"));
  for (const char* secret : {"REGSCAND_AUTH_TOKENS=abc", "REGSCAND_DATABASE_URL=postgresql://db/x",
                             "DSN=postgresql://scan:hunter2@db/x", "API_KEY=abc"}) {
    EXPECT_TRUE(mentions(violations(edited("ENV ", std::string("ENV ") + secret + " ")), "secret-like"))
        << secret;
  }
  EXPECT_TRUE(mentions(violations(edited("ARG VERSION=0.1.0", "ARG GITHUB_TOKEN\nARG VERSION=0.1.0")),
                       "ARG GITHUB_TOKEN"));
}

TEST(Dockerignore, KeepsBuildTreesAndGitOutOfTheContext) {
  std::set<std::string> patterns;
  std::istringstream in(read(".dockerignore"));
  for (std::string line; std::getline(in, line);) patterns.insert(line);
  for (const char* wanted : {".git", "build", "build-*", "**/build", ".env"}) {
    EXPECT_TRUE(patterns.contains(wanted)) << wanted;
  }
}

}  // namespace
}  // namespace regscand::testing
