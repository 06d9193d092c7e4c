// The built-in upstream feed sources ("default" in feeds.sources): the one list, each entry with the
// ecosystem it serves. docs/feeds.md says why each source was chosen.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace regscand::scanner::feeds {

struct DefaultSource {
  std::string_view ecosystem;  // the matcher key prefix it serves: "Debian", "Alpine:v3.19", "PyPI", ...
  std::string_view url;
};

std::span<const DefaultSource> default_sources();

// `configured` with each "default" entry replaced by the default_sources() URLs, in order, duplicates
// dropped (the first occurrence stays).
std::vector<std::string> expand_sources(const std::vector<std::string>& configured);

}  // namespace regscand::scanner::feeds
