#include "scanner/matching/index.hpp"

namespace regscand::scanner::matching {
namespace {

std::string key_of(std::string_view ecosystem, std::string_view name) {
  std::string key(ecosystem);
  key += '\0';
  key += name;
  return key;
}

// The first `n` colon-separated fields of `s`.
std::string_view fields(std::string_view s, std::size_t n) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n; ++i) {
    pos = s.find(':', pos);
    if (pos == std::string_view::npos) return s;
    if (i + 1 < n) ++pos;
  }
  return s.substr(0, pos);
}

}  // namespace

std::string normalize_ecosystem(std::string_view ecosystem) {
  if (ecosystem.starts_with("Ubuntu:") && !ecosystem.starts_with("Ubuntu:Pro:")) {
    return std::string(fields(ecosystem, 2));
  }
  if (ecosystem.starts_with("Red Hat:")) return std::string(fields(ecosystem, 3));
  return std::string(ecosystem);
}

std::string normalize_name(std::string_view ecosystem, std::string_view name) {
  if (ecosystem != "PyPI") return std::string(name);
  std::string out;
  bool separator = false;
  for (const char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      separator = true;
      continue;
    }
    if (separator && !out.empty()) out += '-';
    separator = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
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
