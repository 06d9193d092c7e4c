#include "scanner/matching/match.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "scanner/matching/ranges.hpp"

namespace regscand::scanner::matching {
namespace {

using feeds::FixState;

std::string canonical_id(const feeds::Advisory& advisory) {
  if (advisory.id.starts_with("CVE-")) return advisory.id;
  const std::string* cve = nullptr;
  for (const auto& alias : advisory.aliases) {
    if (!alias.starts_with("CVE-")) continue;
    if (cve != nullptr && *cve != alias) return advisory.id;
    cve = &alias;
  }
  return cve != nullptr ? *cve : advisory.id;
}

// Distribution feeds speak for their own packages first.
int source_rank(std::string_view source) {
  return source == "osv" ? 1 : 0;
}

struct Hit {
  const feeds::Advisory* advisory;
  const feeds::Affected* affected;
  RangeHit range;
};

Finding merge(std::size_t package, const std::string& id, std::vector<Hit> hits, const Package& p) {
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return source_rank(a.advisory->source) < source_rank(b.advisory->source);
  });
  Finding f;
  f.package = package;
  f.vulnerability = id;
  std::set<std::string> aliases, references;
  for (const auto& hit : hits) {
    const auto& a = *hit.advisory;
    f.sources.push_back(a.source + ":" + a.id);
    if (a.id != id) aliases.insert(a.id);
    for (const auto& alias : a.aliases) {
      if (alias != id) aliases.insert(alias);
    }
    references.insert(a.references.begin(), a.references.end());
    for (const auto& cvss : a.cvss) {
      if (!f.cvss || cvss.score > f.cvss->score) f.cvss = cvss;
    }
    if (f.fixed_version.empty() && hit.affected->fix_state == FixState::Fixed && !hit.range.fixed.empty()) {
      f.fix_state = FixState::Fixed;
      f.fixed_version = hit.range.fixed;
    }
  }
  if (f.fixed_version.empty()) {
    f.fix_state =
        hits.front().affected->fix_state == FixState::WontFix ? FixState::WontFix : FixState::NotFixed;
  }
  f.aliases.assign(aliases.begin(), aliases.end());
  f.references.assign(references.begin(), references.end());

  for (const auto& hit : hits) {
    if (hit.affected->severity) {
      f.severity = *hit.affected->severity;
      f.severity_source = hit.affected->severity_source;
      break;
    }
  }
  if (f.severity_source.empty() && f.cvss && f.cvss->severity != feeds::Severity::Unknown) {
    f.severity = f.cvss->severity;
    f.severity_source = "cvss:" + f.cvss->vector.substr(5, f.cvss->vector.find('/') - 5);
  }
  if (f.severity_source.empty()) {
    for (const auto& hit : hits) {
      if (hit.advisory->severity) {
        f.severity = *hit.advisory->severity;
        f.severity_source = hit.advisory->severity_source;
        break;
      }
    }
  }
  switch (f.fix_state) {
    case FixState::Fixed:
      f.remediation = "Upgrade " + p.name + " to " + f.fixed_version + " or later";
      break;
    case FixState::WontFix:
      f.remediation = "No fix planned by the distribution";
      break;
    default:
      f.remediation = "No fix available yet";
  }
  return f;
}

}  // namespace

std::vector<Finding> match_inventory(const AdvisoryIndex& index, const pipeline::ImageInventory& inventory,
                                     const ecosystems::Matchers& matchers) {
  std::vector<Finding> out;
  for (std::size_t i = 0; i < inventory.packages.size(); ++i) {
    const Package& p = inventory.packages[i].package;
    const auto matcher = std::find_if(matchers.begin(), matchers.end(),
                                      [&](const auto& m) { return m->ecosystem() == p.ecosystem; });
    if (matcher == matchers.end()) continue;
    const auto key = (*matcher)->feed_key(p, inventory.distribution);
    if (!key) continue;
    const VersionOrder order = [&m = **matcher](std::string_view a, std::string_view b) {
      return m.compare(a, b);
    };
    std::map<std::string, std::vector<Hit>> by_id;
    std::set<std::string> not_affected;
    for (const auto& entry : index.lookup(key->ecosystem, key->name)) {
      const auto id = canonical_id(*entry.advisory);
      if (entry.affected->fix_state == FixState::NotAffected) {
        not_affected.insert(id);
        continue;
      }
      auto hit = affected_version(*entry.affected, key->version, order);
      if (hit) by_id[id].push_back(Hit{entry.advisory, entry.affected, std::move(*hit)});
    }
    for (auto& [id, hits] : by_id) {
      if (not_affected.contains(id)) continue;
      out.push_back(merge(i, id, std::move(hits), p));
    }
  }
  return out;
}

}  // namespace regscand::scanner::matching
