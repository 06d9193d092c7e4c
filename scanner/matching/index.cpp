#include "scanner/matching/index.hpp"

#include "config/base/text.hpp"
#include "scanner/ecosystems/pypi/inventory.hpp"

namespace regscand::scanner::matching {
namespace {

std::string key_of(std::string_view ecosystem, std::string_view name) {
  std::string key(ecosystem);
  key += '\0';
  key += name;
  return key;
}

}  // namespace

std::string normalize_ecosystem(std::string_view ecosystem) {
  if (ecosystem.starts_with("Ubuntu:") && !ecosystem.starts_with("Ubuntu:Pro:")) {
    return std::string(text::leading_fields(ecosystem, ':', 2));
  }
  if (ecosystem.starts_with("Red Hat:")) return std::string(text::leading_fields(ecosystem, ':', 3));
  return std::string(ecosystem);
}

std::string normalize_name(std::string_view ecosystem, std::string_view name) {
  if (ecosystem != "PyPI") return std::string(name);
  return ecosystems::pypi::normalize_name(name);
}

AdvisoryIndex::AdvisoryIndex(std::vector<feeds::Advisory> advisories) : advisories_(std::move(advisories)) {
  for (const auto& advisory : advisories_) {
    if (!advisory.withdrawn.empty()) continue;
    for (const auto& affected : advisory.affected) {
      const auto ecosystem = normalize_ecosystem(affected.ecosystem);
      by_key_[key_of(ecosystem, normalize_name(ecosystem, affected.name))].push_back({&advisory, &affected});
    }
  }
}

std::span<const AdvisoryIndex::Entry> AdvisoryIndex::lookup(std::string_view ecosystem,
                                                            std::string_view name) const {
  const auto ecosystem_key = normalize_ecosystem(ecosystem);
  const auto it = by_key_.find(key_of(ecosystem_key, normalize_name(ecosystem_key, name)));
  if (it == by_key_.end()) return {};
  return it->second;
}

}  // namespace regscand::scanner::matching
