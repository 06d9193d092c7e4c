// Shared helpers for the config/ tests: load from YAML text, assert on error messages, write files.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace regscand::config::test {

inline Result<Config> load_yaml(std::string_view yaml, const Environment& env = {}) {
  return load_from_string(yaml, "test.yaml", env);
}

// Asserts that `result` failed and its message contains `fragment`.
template <class T>
void expect_error(const Result<T>& result, std::string_view fragment) {
  ASSERT_FALSE(result.has_value()) << "expected an error containing: " << fragment;
  EXPECT_NE(result.error().message.find(fragment), std::string::npos)
      << "message: " << result.error().message << "\nexpected to contain: " << fragment;
}

// Asserts that `result` failed and its message does not contain `secret`.
template <class T>
void expect_no_leak(const Result<T>& result, std::string_view secret) {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message.find(secret), std::string::npos) << result.error().message;
}

inline std::filesystem::path write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  return path;
}

// Replaces each "<redacted>" in `dump`, in order, by the next of `values` (quoted).
inline std::string supply_secrets(std::string dump, std::initializer_list<std::string_view> values) {
  for (const auto value : values) {
    const auto at = dump.find("\"<redacted>\"");
    if (at == std::string::npos) {
      ADD_FAILURE() << "fewer redacted values than expected:\n" << dump;
      break;
    }
    dump.replace(at, 12, "\"" + std::string(value) + "\"");
  }
  EXPECT_EQ(dump.find("<redacted>"), std::string::npos) << "more redacted values than expected:\n" << dump;
  return dump;
}

}  // namespace regscand::config::test
