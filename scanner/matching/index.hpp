// Advisories by feed key, built once from a feed snapshot and then only read (safe to share between
// threads; a new snapshot is a new index, swapped whole). Withdrawn advisories are left out.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scanner/feeds/advisory.hpp"

namespace regscand::scanner::matching {

// The release-level ecosystem a published one is looked up under: "Ubuntu:22.04:LTS" -> "Ubuntu:22.04",
// "Red Hat:enterprise_linux:9::appstream" -> "Red Hat:enterprise_linux:9"; others unchanged.
std::string normalize_ecosystem(std::string_view ecosystem);

// The name a package is looked up under: PyPI names as PEP 503 normalises them, others unchanged.
std::string normalize_name(std::string_view ecosystem, std::string_view name);

class AdvisoryIndex {
 public:
  struct Entry {
    const feeds::Advisory* advisory;
    const feeds::Affected* affected;
  };

  AdvisoryIndex() = default;
  explicit AdvisoryIndex(std::vector<feeds::Advisory> advisories);
  AdvisoryIndex(const AdvisoryIndex&) = delete;
  AdvisoryIndex& operator=(const AdvisoryIndex&) = delete;

  std::span<const Entry> lookup(std::string_view ecosystem, std::string_view name) const;
  const std::vector<feeds::Advisory>& advisories() const { return advisories_; }
  std::size_t keys() const { return by_key_.size(); }

 private:
  std::vector<feeds::Advisory> advisories_;
  std::unordered_map<std::string, std::vector<Entry>> by_key_;
};

}  // namespace regscand::scanner::matching
