// PEP 440 versions as pypa/packaging 23 parses and orders them: [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local],
// with its normalisations (case, `v` prefix, alternative spellings and separators, implicit numbers).
// Legacy (non-PEP 440) versions are invalid, as in packaging >= 22. Numbers compare by value at any length.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"

namespace regscand::scanner::ecosystems::pypi {

struct Version {
  enum class Pre { Alpha, Beta, Rc };
  struct Tagged {
    int tag = 0;         // Pre for pre-releases, 0 otherwise
    std::string number;  // digits without leading zeros; empty for 0
  };
  std::string epoch;                 // digits without leading zeros; empty for 0
  std::vector<std::string> release;  // each without leading zeros
  std::optional<Tagged> pre;
  std::optional<Tagged> post;
  std::optional<Tagged> dev;
  std::vector<std::string> local;  // lower case, numeric parts without leading zeros
};

[[nodiscard]] Result<Version> parse(std::string_view text);

// <0, 0 or >0 as `a` sorts before, with or after `b` (packaging's _cmpkey order).
int compare(const Version& a, const Version& b);

// Both parsed and compared; nullopt when either is not a PEP 440 version.
std::optional<int> compare(std::string_view a, std::string_view b);

}  // namespace regscand::scanner::ecosystems::pypi
