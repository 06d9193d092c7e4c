// The Debian security tracker's JSON (https://security-tracker.debian.org/tracker/data/json:
// { source package: { "CVE-…"|"TEMP-…": { description, scope, debianbug, releases: { codename: { status,
// fixed_version, urgency, nodsa, nodsa_reason, repositories } } } } }) converted into advisories: one per
// CVE (TEMP- ids kept as they are), source "debian-tracker", with one Affected per (release, source
// package) under "Debian:<number>" ("Debian:12"; sid is "Debian:unstable"; buzz 1.1 … squeeze 6.0, wheezy 7
// … forky 14, duke 15). A CVE none of whose records yields an Affected (empty "releases") gives no advisory.
//
// Fix state, per release:
//   resolved, fixed_version "0"        NotAffected, no range (the tracker's <not-affected>)
//   resolved, fixed_version V          Fixed, ECOSYSTEM range introduced "0", fixed V
//   open|undetermined                  NotFixed, range introduced "0" only, unless
//     nodsa_reason "ignored"           WontFix (<no-dsa> marked ignored: Debian will not fix it)
//     urgency "end-of-life"            WontFix (the package is out of security support in that release)
//     nodsa_reason "postponed"         NotFixed (a fix is expected in a point release)
// Severity, per Affected, from urgency with trailing '*' stripped (severity_source "debian-urgency"):
// unimportant -> Negligible, low -> Low, medium -> Medium, high -> High, anything else ("not yet assigned",
// "end-of-life", unknown words) -> Unknown; no urgency -> no severity.
//
// Failure: a document that is not one JSON object (or is truncated, or over kMaxDocumentBytes) is an
// InvalidArgument error. Within it, a (package, CVE) record with a wrong type or a missing field anywhere,
// or an unknown status, is rejected as a whole ("openssl/CVE-2023-1" + reason) and the rest is imported;
// a package whose value is not valid JSON is rejected as "openssl"; a release with an unknown codename is
// skipped and reported as "openssl/CVE-2023-1/hamm2" while its siblings are kept.
//
// Memory: the document is split into its top-level members without building a tree, and each package's
// value is parsed on its own with parse_json (at most kMaxPackageBytes, nesting kMaxDepth), so the parsed
// tree is bounded by the largest package (linux, a few MB in 2025), not by the ~70 MB document. The
// advisories themselves are kept until the end, since one CVE's packages are spread over the document.
#pragma once

#include <cstddef>
#include <string_view>

#include "config/base/error.hpp"
#include "scanner/feeds/advisory.hpp"

namespace regscand::scanner::feeds::debian {

inline constexpr std::string_view kTrackerSource = "debian-tracker";
inline constexpr std::size_t kMaxDocumentBytes = std::size_t{512} << 20;
inline constexpr std::size_t kMaxPackageBytes = std::size_t{64} << 20;
inline constexpr std::size_t kMaxDepth = 16;

// `where` names the document in messages ("security-tracker.json").
[[nodiscard]] Result<ImportResult> parse_tracker(std::string_view text, std::string_view where);

// "bookworm" -> "12", "sid" -> "unstable", "etch" -> "4.0"; "" for a codename it does not know.
std::string_view release_number(std::string_view codename);

}  // namespace regscand::scanner::feeds::debian
