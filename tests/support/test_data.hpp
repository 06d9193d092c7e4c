// The test data committed under tests/data (third-party files, each folder with its PROVENANCE.md), read in
// place, and a whole-file read for fixtures.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace regscand::testing {

inline std::filesystem::path test_data() {
  return std::filesystem::path(REGSCAND_TEST_DATA);
}

// The bytes of `path`; empty when it cannot be read (the test's own assertions then fail).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace regscand::testing
