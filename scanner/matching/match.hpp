// An image inventory against an advisory index: one finding per (package, vulnerability), sources merged.
// Pure and read-only; no registry or database access, so re-matching a stored inventory is this call again.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scanner/ecosystems/builtin.hpp"
#include "scanner/feeds/advisory.hpp"
#include "scanner/matching/index.hpp"
#include "scanner/pipeline/inventory.hpp"

namespace regscand::scanner::matching {

struct Finding {
  std::size_t package = 0;    // index into ImageInventory::packages
  std::string vulnerability;  // the CVE id when the advisory is one or names exactly one, else its own id
  std::vector<std::string> aliases;  // every other id of the merged advisories, sorted
  feeds::Severity severity = feeds::Severity::Unknown;
  std::string severity_source;      // "debian-urgency", "cvss:3.1", "ghsa", ...
  std::optional<feeds::Cvss> cvss;  // the highest-scored vector
  feeds::FixState fix_state = feeds::FixState::NotFixed;
  std::string fixed_version;  // "" unless Fixed
  std::string remediation;    // "Upgrade openssl to 3.0.13-1~deb12u1 or later", "No fix available yet"
  std::vector<std::string> references;
  std::vector<std::string> sources;  // "debian-tracker:CVE-2023-4911", "osv:DSA-5514-1"
  friend bool operator==(const Finding&, const Finding&) = default;
};

// Findings by package index, then vulnerability id. A distribution's own "not affected" record for the
// package removes the finding whatever other sources say; a distribution's severity (per package) comes
// before CVSS, which comes before an advisory-level severity.
std::vector<Finding> match_inventory(const AdvisoryIndex& index, const pipeline::ImageInventory& inventory,
                                     const ecosystems::Matchers& matchers);

}  // namespace regscand::scanner::matching
