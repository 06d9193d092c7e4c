// What every feed importer yields: advisories in one shape, modelled on OSV (the Debian tracker and Alpine
// secdb are converted into it). Plain values; JSON belongs to the importers and storage.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regscand::scanner::feeds {

// Ordered: a finding's severity is the highest its sources give.
enum class Severity { Unknown, Negligible, Low, Medium, High, Critical };

std::string_view severity_name(Severity severity);  // "Unknown", ..., "Critical"

// Every severity, lowest first.
inline constexpr Severity kSeverities[] = {Severity::Unknown, Severity::Negligible, Severity::Low,
                                           Severity::Medium,  Severity::High,       Severity::Critical};

// The severity whose severity_name() is `name` in any case ("critical", "Critical"); nullopt for another
// word.
std::optional<Severity> parse_severity(std::string_view name);

// Whether a fix exists for the affected versions of a package (per package: a distro may not fix everywhere).
enum class FixState {
  Fixed,        // a fixed version is known (a range has a Fixed event)
  NotFixed,     // affected, no fix yet (Debian "open", OSV range without fixed/last_affected end)
  WontFix,      // affected, the distro decided not to fix (Debian <ignored>, <no-dsa> marked ignored)
  NotAffected,  // recorded as not affecting this package (Debian "not-affected", Alpine fixed version "0")
};

std::string_view fix_state_name(FixState state);  // "fixed", "not-fixed", "wont-fix", "not-affected"

struct RangeEvent {
  enum class Kind { Introduced, Fixed, LastAffected, Limit };
  Kind kind = Kind::Introduced;
  std::string version;  // "0" for Introduced means every version
};

struct Range {
  enum class Type { Ecosystem, Semver, Git };
  Type type = Type::Ecosystem;
  std::vector<RangeEvent> events;  // as published (OSV orders them by version, not necessarily in the list)
  std::string repo = {};           // GIT ranges: the repository the commits belong to
};

struct Cvss {
  std::string vector;                     // "CVSS:3.1/AV:N/..." or "CVSS:4.0/AV:N/..."
  double score = 0;                       // base score computed from the vector
  Severity severity = Severity::Unknown;  // the spec's rating of `score`
  friend bool operator==(const Cvss&, const Cvss&) = default;
};

struct Affected {
  // OSV ecosystem as published, release included: "Debian:12", "Alpine:v3.18", "Ubuntu:22.04:LTS",
  // "Red Hat:enterprise_linux:9::appstream", "PyPI", "Go", "npm", "Maven", "crates.io", "RubyGems".
  std::string ecosystem;
  std::string name;  // as the feed keys it: Debian source package, Alpine origin, rpm name, PyPI project
  std::string purl;  // when published
  std::vector<Range> ranges;
  std::vector<std::string> versions;  // explicitly affected versions
  FixState fix_state = FixState::NotFixed;
  // Per-package severity where the source grades per package (Debian urgency, ecosystem_specific).
  std::optional<Severity> severity;
  std::string severity_source;  // "debian-urgency", "ecosystem_specific", ...
};

struct Advisory {
  std::string source;                // the feed it came from: "osv", "debian-tracker", "alpine-secdb"
  std::string id;                    // "CVE-2023-4911", "GHSA-xxxx-xxxx-xxxx", "GO-2023-2102", "DSA-5514-1"
  std::vector<std::string> aliases;  // related ids (CVE <-> GHSA <-> distro), without `id`
  std::string summary;
  std::string details;
  std::string published;  // RFC 3339 as published, "" when unknown
  std::string modified;
  std::string withdrawn;   // RFC 3339 when withdrawn; such advisories never match
  std::vector<Cvss> cvss;  // every vector published (v3.x and v4), each scored
  // Advisory-level severity when no vector gives one (database_specific.severity, tracker urgency).
  std::optional<Severity> severity;
  std::string severity_source;
  std::vector<std::string> references;  // URLs
  std::vector<Affected> affected;
};

// One record an importer could not take, and why; the rest of the import goes on.
struct Rejected {
  std::string where;  // file (and record id when known): "GHSA-xxxx.json", "bookworm/openssl/CVE-2023-1"
  std::string reason;
};

// A record an importer took, with something worth a look (e.g. an id prefix newer than this build's list).
struct ImportWarning {
  std::string where;
  std::string message;
};

struct ImportResult {
  std::vector<Advisory> advisories;
  std::vector<Rejected> rejected;
  std::vector<ImportWarning> warnings;
};

}  // namespace regscand::scanner::feeds
