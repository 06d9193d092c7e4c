// OSV records (ossf/osv-schema 1.6) into advisories with source "osv": one record from JSON text, or every
// *.json entry of a directory tree or of an osv.dev-style all.zip, streamed one entry at a time (nothing is
// extracted to disk). A record that breaks the schema is rejected with its id and the reason; the rest of
// an import goes on.
//
// Mapping: aliases, related and upstream ids become `aliases` (without the id itself). severity[] CVSS_V3 and
// CVSS_V4 vectors are scored (an unscorable vector rejects the record; CVSS_V2 is ignored); the Ubuntu type
// gives the advisory severity (source "ubuntu"), else database_specific.severity ("HIGH", "MODERATE", ...;
// source "database_specific"). Per package: ecosystem_specific/database_specific "severity",
// ecosystem_specific "ubuntu_priority" or "urgency" (Debian) give Affected::severity; CVSS vectors under
// affected[].severity join the advisory's. FixState is Fixed when any range has a fixed event, else NotFixed:
// a range closed only by last_affected names no fix. An affected entry without a package (GIT ranges only)
// keeps empty ecosystem and name.
//
// Rejected, beyond JSON and type errors: missing id or modified; an id not of the shape PREFIX-ID (letters
// and digits, a '-', then letters, digits and ".:_-", at most 128 bytes); a
// timestamp not YYYY-MM-DDTHH:MM:SS[.frac]Z; unknown top-level fields, severity types, range types,
// reference types or credit types; an Ubuntu score outside negligible..critical; affected[].severity beside a
// top-level severity; an ecosystem outside the schema's list; a range without events, with an event that is
// not exactly one of introduced/fixed/last_affected/limit, without an introduced event, with both fixed and
// last_affected, GIT without repo; an empty interval
// (introduced X directly followed by fixed X, osv-linter's range-is-distinct case; adjacent intervals such
// as fixed X then introduced X are valid); a package-less entry with a non-GIT range. Not enforced: the
// schema's full-length commit hashes in GIT events (7 PyPA records carry abbreviated ones, and GIT ranges
// never decide a match), CVSS_V4 metric order. Whether a package exists in its registry (osv-linter's
// package-exists) is not checked. OSV adds databases often: an id of that shape whose prefix is not in the
// schema's list (known_osv_id_prefix) is taken, with a warning in the import's result.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "config/base/error.hpp"
#include "scanner/feeds/advisory.hpp"

namespace regscand::scanner::feeds::osv {

inline constexpr std::string_view kSource = "osv";

struct ImportLimits {
  std::size_t max_record_bytes = std::size_t{16} << 20;  // a larger entry is rejected, the import goes on
  std::size_t max_entries = 1'000'000;                   // entries (files) beyond this fail the import
  std::size_t max_total_bytes = std::size_t{8} << 30;    // uncompressed bytes read, over all entries
};

// Whether `id` starts with one of the database prefixes osv-schema 1.6 lists ("GHSA-", "PYSEC-", ...).
bool known_osv_id_prefix(std::string_view id);

// `where` names the record in messages ("GO-2023-2102.json").
[[nodiscard]] Result<Advisory> parse_osv_record(std::string_view json, std::string_view where);

// Every regular *.json file under `dir`, in path order. NotFound when `dir` is not a directory.
[[nodiscard]] Result<ImportResult> import_osv_directory(const std::filesystem::path& dir,
                                                        const ImportLimits& limits = {});

// Every *.json entry of a zip archive, in archive order. An unreadable or corrupt archive fails the import
// (InvalidArgument), as do more than max_entries entries or max_total_bytes (ResourceExhausted).
[[nodiscard]] Result<ImportResult> import_osv_zip(const std::filesystem::path& zip,
                                                  const ImportLimits& limits = {});
[[nodiscard]] Result<ImportResult> import_osv_zip_bytes(std::string_view zip,
                                                        const ImportLimits& limits = {});

}  // namespace regscand::scanner::feeds::osv
