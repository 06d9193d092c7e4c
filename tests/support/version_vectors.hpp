// The version-comparison vectors (tests/data/versions/*.txt): one `LEFT OP RIGHT` per
// line, `""` for an empty version, ` #` starting a comment, `## source:` lines opening a block. check()
// runs a comparison over every line in both directions and reports failures as file:line.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/test_data.hpp"

namespace regscand::testing {

struct VersionVector {
  std::size_t line = 0;
  std::string source;   // the `## source:` text of its block
  std::string comment;  // what followed ` #` on the line ("loose" in semver.txt)
  std::string left;
  char op = '=';
  std::string right;
};

inline std::string unquote_empty(std::string s) {
  return s == "\"\"" ? std::string() : s;
}

// Every comparison line of versions/<file>; malformed lines fail the calling test.
inline std::vector<VersionVector> read_version_vectors(const std::string& file) {
  std::vector<VersionVector> out;
  std::istringstream in(read_file(test_data() / "versions" / file));
  std::string source;
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.starts_with("## source:")) {
      source = line.substr(11);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    VersionVector v{number, source, {}, {}, '=', {}};
    if (const auto hash = line.find(" #"); hash != std::string::npos) {
      v.comment = line.substr(hash + 2);
      while (!v.comment.empty() && v.comment.front() == ' ') v.comment.erase(0, 1);
      line.resize(hash);
    }
    const auto first = line.find(' ');
    const auto second = first == std::string::npos ? first : line.find(' ', first + 1);
    if (second == std::string::npos || second != first + 2 ||
        line.find(' ', second + 1) != std::string::npos ||
        std::string_view("<=>").find(line[first + 1]) == std::string_view::npos) {
      ADD_FAILURE() << file << ":" << number << ": malformed vector line: " << line;
      continue;
    }
    v.left = unquote_empty(line.substr(0, first));
    v.op = line[first + 1];
    v.right = unquote_empty(line.substr(second + 1));
    out.push_back(std::move(v));
  }
  return out;
}

inline int sign_of(char op) {
  return op == '<' ? -1 : op == '>' ? 1 : 0;
}
inline int sign_of(int c) {
  return (c > 0) - (c < 0);
}

using VersionCompare = std::function<std::optional<int>(std::string_view, std::string_view)>;

struct VectorReport {
  std::size_t checked = 0;
  std::size_t failed = 0;
};

// Checks cmp(L, R) against OP and cmp(R, L) against its opposite for each vector; prints the count and
// the first few failing lines.
inline VectorReport check_version_vectors(const std::string& file, const std::vector<VersionVector>& vectors,
                                          const VersionCompare& cmp) {
  constexpr std::size_t kShown = 100;
  VectorReport report;
  std::ostringstream failures;
  const auto show = [](const std::optional<int>& r) {
    return r ? std::to_string(sign_of(*r)) : std::string("nullopt");
  };
  for (const auto& v : vectors) {
    ++report.checked;
    const auto forward = cmp(v.left, v.right);
    const auto backward = cmp(v.right, v.left);
    const int want = sign_of(v.op);
    if (forward && backward && sign_of(*forward) == want && sign_of(*backward) == -want) continue;
    if (++report.failed <= kShown) {
      failures << "  " << file << ":" << v.line << ": \"" << v.left << "\" " << v.op << " \"" << v.right
               << "\": got " << show(forward) << " forward, " << show(backward) << " backward\n";
    }
  }
  EXPECT_EQ(report.failed, 0u) << report.failed << " of " << report.checked << " " << file
                               << " vectors fail (first " << kShown << "):\n"
                               << failures.str();
  return report;
}

}  // namespace regscand::testing
