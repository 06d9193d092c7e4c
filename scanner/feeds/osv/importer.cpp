#include "scanner/feeds/osv/importer.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/base/json_input.hpp"
#include "scanner/feeds/cvss/cvss.hpp"

namespace regscand::scanner::feeds::osv {
namespace {

using nlohmann::json;

constexpr JsonLimits kJsonLimits{.max_depth = 64, .max_bytes = std::size_t{16} << 20};

constexpr std::array<std::string_view, 15> kTopLevelFields = {
    "schema_version", "id",       "modified",   "published", "withdrawn",
    "aliases",        "related",  "upstream",   "summary",   "details",
    "severity",       "affected", "references", "credits",   "database_specific"};

constexpr std::array<std::string_view, 58> kIdPrefixes = {
    "ASB-A",  "PUB-A",      "ALPINE",      "ALSA",  "ALBA",    "ALEA",    "AZL",     "BELL",    "BIT",
    "CGA",    "CLEANSTART", "CLSA",        "CURL",  "CVE",     "DEBIAN",  "DHI",     "DRUPAL",  "DSA",
    "DLA",    "ELA",        "DTSA",        "ECHO",  "EEF",     "FreeBSD", "GHSA",    "GO",      "GSD",
    "HSEC",   "JLSEC",      "KUBE",        "LBSEC", "LSN",     "MAL",     "MINI",    "MGASA",   "OESA",
    "OSEC",   "OSV",        "openSUSE-SU", "PHSA",  "PSF",     "PYSEC",   "RHBA",    "RHEA",    "RHSA",
    "RLSA",   "RXSA",       "RSEC",        "ROOT",  "RUSTSEC", "SUSE-SU", "SUSE-RU", "SUSE-FU", "SUSE-OU",
    "UBUNTU", "USN",        "V8",          "x_"};

constexpr std::array<std::string_view, 49> kEcosystems = {"AlmaLinux",
                                                          "Alpaquita",
                                                          "Alpine",
                                                          "Android",
                                                          "Azure Linux",
                                                          "BellSoft Hardened Containers",
                                                          "Bioconductor",
                                                          "Bitnami",
                                                          "Chainguard",
                                                          "CleanStart",
                                                          "ConanCenter",
                                                          "CRAN",
                                                          "crates.io",
                                                          "Debian",
                                                          "Docker Hardened Images",
                                                          "Echo",
                                                          "FreeBSD",
                                                          "GHC",
                                                          "GitHub Actions",
                                                          "Go",
                                                          "Hackage",
                                                          "Hex",
                                                          "Julia",
                                                          "Kubernetes",
                                                          "Linux",
                                                          "Mageia",
                                                          "Maven",
                                                          "MinimOS",
                                                          "npm",
                                                          "NuGet",
                                                          "opam",
                                                          "openEuler",
                                                          "openSUSE",
                                                          "OSS-Fuzz",
                                                          "Packagist",
                                                          "Photon OS",
                                                          "Pub",
                                                          "PyPI",
                                                          "Red Hat",
                                                          "Rocky Linux",
                                                          "Root",
                                                          "RubyGems",
                                                          "SUSE",
                                                          "SwiftURL",
                                                          "TuxCare",
                                                          "Ubuntu",
                                                          "VSCode",
                                                          "Wolfi",
                                                          "GIT"};

constexpr std::array<std::string_view, 11> kReferenceTypes = {
    "ADVISORY",   "ARTICLE", "DETECTION", "DISCUSSION", "REPORT", "FIX",
    "INTRODUCED", "GIT",     "PACKAGE",   "EVIDENCE",   "WEB"};

constexpr std::array<std::string_view, 10> kCreditTypes = {"FINDER",
                                                           "REPORTER",
                                                           "ANALYST",
                                                           "COORDINATOR",
                                                           "REMEDIATION_DEVELOPER",
                                                           "REMEDIATION_REVIEWER",
                                                           "REMEDIATION_VERIFIER",
                                                           "TOOL",
                                                           "SPONSOR",
                                                           "OTHER"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorCode::InvalidArgument, std::move(message));
}

// PREFIX-ID: an alphanumeric prefix (an "x_" one for private databases), a '-', then the database's own id.
bool valid_id_shape(std::string_view id) {
  const auto dash = id.find('-');
  if (id.size() > 128 || dash == std::string_view::npos || dash == 0 || dash + 1 == id.size()) {
    return false;
  }
  const auto alnum = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  const std::string_view prefix = id.starts_with("x_") ? id.substr(2, dash - 2) : id.substr(0, dash);
  if (prefix.empty() || !std::all_of(prefix.begin(), prefix.end(), alnum)) {
    return false;
  }
  return std::all_of(id.begin() + static_cast<std::ptrdiff_t>(dash), id.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '.' || c == ':' || c == '_'; });
}

bool valid_ecosystem(std::string_view ecosystem) {
  const auto colon = ecosystem.find(':');
  if (colon != std::string_view::npos && colon + 1 == ecosystem.size()) {
    return false;
  }
  return one_of(kEcosystems, ecosystem.substr(0, colon));
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// YYYY-MM-DDTHH:MM:SS[.fraction]Z, the schema's timestamp.
bool valid_timestamp(std::string_view t) {
  if (t.size() < 20 || t.back() != 'Z' || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
      t[16] != ':') {
    return false;
  }
  if (!digits(t.substr(0, 4)) || !digits(t.substr(5, 2)) || !digits(t.substr(8, 2)) ||
      !digits(t.substr(11, 2)) || !digits(t.substr(14, 2)) || !digits(t.substr(17, 2))) {
    return false;
  }
  const auto rest = t.substr(19, t.size() - 20);
  return rest.empty() || (rest[0] == '.' && digits(rest.substr(1)));
}

// Severity words used by OSV producers: GHSA (LOW, MODERATE, HIGH, CRITICAL), Ubuntu priorities, Debian
// urgencies, Go/others' lower-case variants.
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::optional<Severity> severity_word(const std::string& text) {
  const std::string word = lower(text);
  if (word == "critical") {
    return Severity::Critical;
  }
  if (word == "high" || word == "important") {
    return Severity::High;
  }
  if (word == "moderate" || word == "medium") {
    return Severity::Medium;
  }
  if (word == "low") {
    return Severity::Low;
  }
  if (word == "negligible" || word == "unimportant") {
    return Severity::Negligible;
  }
  return std::nullopt;
}

Result<std::string> string_field(const json& object, std::string_view key, bool required) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (required) {
      return invalid("missing " + std::string(key));
    }
    return std::string();
  }
  if (!it->is_string()) {
    return invalid(std::string(key) + " is not a string");
  }
  return it->get<std::string>();
}

Result<std::string> timestamp_field(const json& object, std::string_view key, bool required) {
  auto value = string_field(object, key, required);
  if (!value || !object.contains(key)) {
    return value;
  }
  if (!valid_timestamp(*value)) {
    return invalid(std::string(key) + " \"" + *value + "\" is not an RFC 3339 UTC timestamp");
  }
  return value;
}

// An array of strings (or null where the schema allows it), appended to `out`.
Result<void> string_list(const json& object, std::string_view key, bool nullable,
                         std::vector<std::string>& out) {
  const auto it = object.find(key);
  if (it == object.end() || (nullable && it->is_null())) {
    return {};
  }
  if (!it->is_array()) {
    return invalid(std::string(key) + " is not an array");
  }
  for (const auto& item : *it) {
    if (!item.is_string()) {
      return invalid(std::string(key) + " holds a non-string");
    }
    out.push_back(item.get<std::string>());
  }
  return {};
}

Result<void> object_field(const json& object, std::string_view key) {
  const auto it = object.find(key);
  if (it != object.end() && !it->is_object()) {
    return invalid(std::string(key) + " is not an object");
  }
  return {};
}

struct Severities {
  std::vector<Cvss> cvss;
  std::optional<Severity> ubuntu;
};

Result<Severities> parse_severity(const json& list, std::string_view where) {
  Severities out;
  if (list.is_null()) {
    return out;
  }
  if (!list.is_array()) {
    return invalid(std::string(where) + " is not an array");
  }
  for (const auto& item : list) {
    if (!item.is_object()) {
      return invalid(std::string(where) + " entry is not an object");
    }
    auto type = string_field(item, "type", true);
    auto score = string_field(item, "score", true);
    if (!type || !score) {
      return invalid(std::string(where) + ": " + (!type ? type.error() : score.error()).message);
    }
    if (*type == "CVSS_V2") {
      continue;
    }
    if (*type == "Ubuntu") {
      const auto word = severity_word(*score);
      if (!word || *score != lower(*score) || *score == "moderate" || *score == "important" ||
          *score == "unimportant") {
        return invalid(std::string(where) + ": Ubuntu score \"" + *score + "\" is not negligible..critical");
      }
      out.ubuntu = word;
      continue;
    }
    if (*type != "CVSS_V3" && *type != "CVSS_V4") {
      return invalid(std::string(where) + ": unknown type \"" + *type + "\"");
    }
    if (!score->starts_with(*type == "CVSS_V3" ? "CVSS:3." : "CVSS:4.")) {
      return invalid(std::string(where) + ": " + *type + " score \"" + *score + "\" is not of that version");
    }
    const auto scored = cvss::score(*score);
    if (!scored) {
      return invalid(std::string(where) + ": " + scored.error().message);
    }
    out.cvss.push_back(Cvss{*score, scored->base, scored->severity});
  }
  return out;
}

Result<RangeEvent> parse_event(const json& event) {
  if (!event.is_object() || event.size() != 1) {
    return invalid("an event is not an object with exactly one of introduced, fixed, last_affected, limit");
  }
  // An object iterator, not items(): a structured binding over *items().begin() outlives the proxy.
  const auto only = event.begin();
  const std::string& key = only.key();
  const json& value = only.value();
  RangeEvent out;
  if (key == "introduced") {
    out.kind = RangeEvent::Kind::Introduced;
  } else if (key == "fixed") {
    out.kind = RangeEvent::Kind::Fixed;
  } else if (key == "last_affected") {
    out.kind = RangeEvent::Kind::LastAffected;
  } else if (key == "limit") {
    out.kind = RangeEvent::Kind::Limit;
  } else {
    return invalid("unknown event \"" + key + "\"");
  }
  if (!value.is_string()) {
    return invalid("event " + key + " is not a string");
  }
  out.version = value.get<std::string>();
  return out;
}

Result<Range> parse_range(const json& range) {
  if (!range.is_object()) {
    return invalid("a range is not an object");
  }
  auto type = string_field(range, "type", true);
  if (!type) {
    return std::unexpected(type.error());
  }
  Range out;
  if (*type == "ECOSYSTEM") {
    out.type = Range::Type::Ecosystem;
  } else if (*type == "SEMVER") {
    out.type = Range::Type::Semver;
  } else if (*type == "GIT") {
    out.type = Range::Type::Git;
  } else {
    return invalid("unknown range type \"" + *type + "\"");
  }
  auto repo = string_field(range, "repo", out.type == Range::Type::Git);
  if (!repo) {
    return invalid(*type + " range: " + repo.error().message);
  }
  out.repo = std::move(*repo);
  if (auto ok = object_field(range, "database_specific"); !ok) {
    return std::unexpected(ok.error());
  }
  const auto events = range.find("events");
  if (events == range.end() || !events->is_array() || events->empty()) {
    return invalid(*type + " range has no events");
  }
  bool introduced = false, fixed = false, last_affected = false;
  for (const auto& event : *events) {
    auto e = parse_event(event);
    if (!e) {
      return std::unexpected(e.error());
    }
    introduced = introduced || e->kind == RangeEvent::Kind::Introduced;
    fixed = fixed || e->kind == RangeEvent::Kind::Fixed;
    last_affected = last_affected || e->kind == RangeEvent::Kind::LastAffected;
    if (!out.events.empty() && out.events.back().kind == RangeEvent::Kind::Introduced &&
        e->kind == RangeEvent::Kind::Fixed && out.events.back().version == e->version) {
      return invalid(*type + " range is empty: introduced and fixed are both \"" + e->version + "\"");
    }
    out.events.push_back(std::move(*e));
  }
  if (!introduced) {
    return invalid(*type + " range has no introduced event");
  }
  if (fixed && last_affected) {
    return invalid(*type + " range has both fixed and last_affected events");
  }
  return out;
}

std::optional<Severity> package_severity(const json& affected, std::string& source) {
  for (const auto& [object, keys] : {std::pair<std::string_view, std::array<std::string_view, 3>>{
                                         "ecosystem_specific", {"severity", "ubuntu_priority", "urgency"}},
                                     std::pair<std::string_view, std::array<std::string_view, 3>>{
                                         "database_specific", {"severity", "", ""}}}) {
    const auto it = affected.find(object);
    if (it == affected.end() || !it->is_object()) {
      continue;
    }
    for (const auto key : keys) {
      const auto value = key.empty() ? it->end() : it->find(key);
      if (value == it->end() || !value->is_string()) {
        continue;
      }
      if (auto severity = severity_word(value->get<std::string>())) {
        source = std::string(object) + "." + std::string(key);
        return severity;
      }
    }
  }
  return std::nullopt;
}

Result<Affected> parse_affected(const json& item, bool top_level_severity, std::vector<Cvss>& cvss) {
  if (!item.is_object()) {
    return invalid("an affected entry is not an object");
  }
  Affected out;
  const auto package = item.find("package");
  if (package != item.end()) {
    if (!package->is_object()) {
      return invalid("package is not an object");
    }
    auto ecosystem = string_field(*package, "ecosystem", true);
    auto name = string_field(*package, "name", true);
    auto purl = string_field(*package, "purl", false);
    for (auto* r : {&ecosystem, &name, &purl}) {
      if (!*r) {
        return invalid("package: " + r->error().message);
      }
    }
    if (!valid_ecosystem(*ecosystem)) {
      return invalid("package " + *name + ": unknown ecosystem \"" + *ecosystem + "\"");
    }
    out.ecosystem = std::move(*ecosystem);
    out.name = std::move(*name);
    out.purl = std::move(*purl);
  }
  for (const auto key : {"ecosystem_specific", "database_specific"}) {
    if (auto ok = object_field(item, key); !ok) {
      return std::unexpected(ok.error());
    }
  }
  const auto where = out.name.empty() ? std::string("affected") : "package " + out.name;
  if (const auto severity = item.find("severity"); severity != item.end() && !severity->is_null()) {
    if (top_level_severity) {
      return invalid(where + ": severity both at the top level and per package");
    }
    auto parsed = parse_severity(*severity, where + " severity");
    if (!parsed) {
      return std::unexpected(parsed.error());
    }
    cvss.insert(cvss.end(), parsed->cvss.begin(), parsed->cvss.end());
    if (parsed->ubuntu) {
      out.severity = parsed->ubuntu;
      out.severity_source = "ubuntu";
    }
  }
  if (!out.severity) {
    out.severity = package_severity(item, out.severity_source);
  }
  if (const auto ranges = item.find("ranges"); ranges != item.end()) {
    if (!ranges->is_array()) {
      return invalid(where + ": ranges is not an array");
    }
    for (const auto& range : *ranges) {
      auto r = parse_range(range);
      if (!r) {
        return invalid(where + ": " + r.error().message);
      }
      if (out.name.empty() && r->type != Range::Type::Git) {
        return invalid("affected entry without a package has a non-GIT range");
      }
      out.ranges.push_back(std::move(*r));
    }
  }
  if (auto ok = string_list(item, "versions", false, out.versions); !ok) {
    return invalid(where + ": " + ok.error().message);
  }
  const bool any_fixed = std::any_of(out.ranges.begin(), out.ranges.end(), [](const Range& r) {
    return std::any_of(r.events.begin(), r.events.end(),
                       [](const RangeEvent& e) { return e.kind == RangeEvent::Kind::Fixed; });
  });
  out.fix_state = any_fixed ? FixState::Fixed : FixState::NotFixed;
  return out;
}

Result<void> parse_references(const json& record, std::vector<std::string>& out) {
  const auto refs = record.find("references");
  if (refs == record.end() || refs->is_null()) {
    return {};
  }
  if (!refs->is_array()) {
    return invalid("references is not an array");
  }
  for (const auto& ref : *refs) {
    if (!ref.is_object()) {
      return invalid("a reference is not an object");
    }
    auto type = string_field(ref, "type", true);
    auto url = string_field(ref, "url", true);
    if (!type || !url) {
      return invalid("reference: " + (!type ? type.error() : url.error()).message);
    }
    if (!one_of(kReferenceTypes, *type)) {
      return invalid("unknown reference type \"" + *type + "\"");
    }
    out.push_back(std::move(*url));
  }
  return {};
}

Result<void> check_credits(const json& record) {
  const auto credits = record.find("credits");
  if (credits == record.end()) {
    return {};
  }
  if (!credits->is_array()) {
    return invalid("credits is not an array");
  }
  for (const auto& credit : *credits) {
    if (!credit.is_object()) {
      return invalid("a credit is not an object");
    }
    auto name = string_field(credit, "name", true);
    auto type = string_field(credit, "type", false);
    if (!name || !type) {
      return invalid("credit: " + (!name ? name.error() : type.error()).message);
    }
    if (credit.contains("type") && !one_of(kCreditTypes, *type)) {
      return invalid("unknown credit type \"" + *type + "\"");
    }
    std::vector<std::string> contacts;
    if (auto ok = string_list(credit, "contact", false, contacts); !ok) {
      return invalid("credit: " + ok.error().message);
    }
  }
  return {};
}

Result<Advisory> parse_record(const json& record) {
  if (!record.is_object()) {
    return invalid("not a JSON object");
  }
  for (const auto& [key, value] : record.items()) {
    if (!one_of(kTopLevelFields, key)) {
      return invalid("unknown field \"" + key + "\"");
    }
  }
  Advisory out;
  out.source = std::string(kSource);
  auto id = string_field(record, "id", true);
  if (!id) {
    return std::unexpected(id.error());
  }
  if (!valid_id_shape(*id)) {
    return invalid("id \"" + id->substr(0, 128) + "\" is not of the shape PREFIX-ID");
  }
  out.id = std::move(*id);
  auto modified = timestamp_field(record, "modified", true);
  auto published = timestamp_field(record, "published", false);
  auto withdrawn = timestamp_field(record, "withdrawn", false);
  auto summary = string_field(record, "summary", false);
  auto details = string_field(record, "details", false);
  auto schema_version = string_field(record, "schema_version", false);
  for (auto* r : {&modified, &published, &withdrawn, &summary, &details, &schema_version}) {
    if (!*r) {
      return std::unexpected(r->error());
    }
  }
  out.modified = std::move(*modified);
  out.published = std::move(*published);
  out.withdrawn = std::move(*withdrawn);
  out.summary = std::move(*summary);
  out.details = std::move(*details);

  std::vector<std::string> ids;
  for (const auto& [key, nullable] : {std::pair{"aliases", true}, {"related", false}, {"upstream", false}}) {
    if (auto ok = string_list(record, key, nullable, ids); !ok) {
      return std::unexpected(ok.error());
    }
  }
  for (auto& alias : ids) {
    if (alias != out.id && std::find(out.aliases.begin(), out.aliases.end(), alias) == out.aliases.end()) {
      out.aliases.push_back(std::move(alias));
    }
  }

  const auto severity = record.find("severity");
  const bool top_level_severity = severity != record.end() && !severity->is_null();
  if (top_level_severity) {
    auto parsed = parse_severity(*severity, "severity");
    if (!parsed) {
      return std::unexpected(parsed.error());
    }
    out.cvss = std::move(parsed->cvss);
    if (parsed->ubuntu) {
      out.severity = parsed->ubuntu;
      out.severity_source = "ubuntu";
    }
  }
  if (auto ok = object_field(record, "database_specific"); !ok) {
    return std::unexpected(ok.error());
  }
  if (const auto db = record.find("database_specific"); !out.severity && db != record.end()) {
    if (const auto s = db->find("severity"); s != db->end() && s->is_string()) {
      out.severity = severity_word(s->get<std::string>());
      out.severity_source = out.severity ? "database_specific" : "";
    }
  }

  if (const auto affected = record.find("affected"); affected != record.end() && !affected->is_null()) {
    if (!affected->is_array()) {
      return invalid("affected is not an array");
    }
    for (const auto& item : *affected) {
      auto a = parse_affected(item, top_level_severity, out.cvss);
      if (!a) {
        return std::unexpected(a.error());
      }
      out.affected.push_back(std::move(*a));
    }
  }
  std::vector<Cvss> distinct;
  for (auto& c : out.cvss) {
    if (std::none_of(distinct.begin(), distinct.end(), [&](const Cvss& d) { return d.vector == c.vector; })) {
      distinct.push_back(std::move(c));
    }
  }
  out.cvss = std::move(distinct);
  if (auto ok = parse_references(record, out.references); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = check_credits(record); !ok) {
    return std::unexpected(ok.error());
  }
  return out;
}

// ---- bulk import
// --------------------------------------------------------------------------------------------

void add_record(std::string_view text, const std::string& where, ImportResult& result) {
  auto advisory = parse_osv_record(text, where);
  if (!advisory) {
    result.rejected.push_back(Rejected{where, advisory.error().message});
    return;
  }
  if (!known_osv_id_prefix(advisory->id)) {
    result.warnings.push_back(ImportWarning{
        where, "id prefix of \"" + advisory->id + "\" is not in the schema's list; taken as it is"});
  }
  result.advisories.push_back(std::move(*advisory));
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

ArchivePtr new_zip_reader() {
  ArchivePtr a(archive_read_new());
  archive_read_support_format_zip(a.get());
  return a;
}

std::string archive_message(archive* a) {
  const char* message = archive_error_string(a);
  return message == nullptr ? "unknown libarchive error" : message;
}

Result<ImportResult> read_zip(archive* a, const std::string& name, const ImportLimits& limits) {
  ImportResult result;
  std::size_t entries = 0;
  std::size_t total = 0;
  std::string data;
  std::array<char, 64 * 1024> buffer{};
  while (true) {
    archive_entry* entry = nullptr;
    const int status = archive_read_next_header(a, &entry);
    if (status == ARCHIVE_EOF) {
      break;
    }
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
      return invalid("osv: " + name + ": " + archive_message(a));
    }
    if (++entries > limits.max_entries) {
      return fail(ErrorCode::ResourceExhausted,
                  "osv: " + name + ": more than " + std::to_string(limits.max_entries) + " entries");
    }
    const char* path = archive_entry_pathname(entry);
    const std::string where = name + "/" + (path == nullptr ? std::string("?") : std::string(path));
    if (archive_entry_filetype(entry) != AE_IFREG || !where.ends_with(".json")) {
      continue;
    }
    if (archive_entry_size_is_set(entry) != 0 &&
        static_cast<std::size_t>(std::max<la_int64_t>(archive_entry_size(entry), 0)) >
            limits.max_record_bytes) {
      result.rejected.push_back(
          Rejected{where, "record larger than " + std::to_string(limits.max_record_bytes) + " bytes"});
      continue;
    }
    data.clear();
    bool too_large = false;
    while (true) {
      const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
      if (n < 0) {
        return invalid("osv: " + where + ": " + archive_message(a));
      }
      if (n == 0) {
        break;
      }
      total += static_cast<std::size_t>(n);
      if (total > limits.max_total_bytes) {
        return fail(
            ErrorCode::ResourceExhausted,
            "osv: " + name + ": more than " + std::to_string(limits.max_total_bytes) + " bytes uncompressed");
      }
      if (data.size() + static_cast<std::size_t>(n) > limits.max_record_bytes) {
        too_large = true;
        break;
      }
      data.append(buffer.data(), static_cast<std::size_t>(n));
    }
    if (too_large) {
      result.rejected.push_back(
          Rejected{where, "record larger than " + std::to_string(limits.max_record_bytes) + " bytes"});
      continue;
    }
    add_record(data, where, result);
  }
  return result;
}

}  // namespace

bool known_osv_id_prefix(std::string_view id) {
  return std::any_of(kIdPrefixes.begin(), kIdPrefixes.end(), [&](std::string_view prefix) {
    if (prefix == "x_") {
      return id.starts_with(prefix);
    }
    return id.size() > prefix.size() && id.starts_with(prefix) && id[prefix.size()] == '-';
  });
}

Result<Advisory> parse_osv_record(std::string_view text, std::string_view where) {
  auto document = parse_json(text, kJsonLimits);
  if (!document) {
    return invalid("osv: " + std::string(where) + ": " + document.error().message);
  }
  auto advisory = parse_record(*document);
  if (!advisory) {
    std::string id;
    if (document->is_object()) {
      const auto it = document->find("id");
      if (it != document->end() && it->is_string()) {
        id = it->get<std::string>() + ": ";
      }
    }
    return invalid("osv: " + std::string(where) + ": " + id + advisory.error().message);
  }
  return advisory;
}

Result<ImportResult> import_osv_directory(const std::filesystem::path& dir, const ImportLimits& limits) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return fail(ErrorCode::NotFound, "osv: " + dir.string() + " is not a directory");
  }
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file(ec)) {
      files.push_back(it->path());
      if (files.size() > limits.max_entries) {
        return fail(ErrorCode::ResourceExhausted,
                    "osv: " + dir.string() + ": more than " + std::to_string(limits.max_entries) + " files");
      }
    }
  }
  if (ec) {
    return fail(ErrorCode::Unavailable, "osv: " + dir.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  ImportResult result;
  for (const auto& file : files) {
    const std::string where = file.lexically_relative(dir).generic_string();
    const auto size = fs::file_size(file, ec);
    if (ec || size > limits.max_record_bytes) {
      result.rejected.push_back(
          Rejected{where, ec ? ec.message()
                             : "record larger than " + std::to_string(limits.max_record_bytes) + " bytes"});
      ec.clear();
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    std::string text(size, '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::size_t>(in.gcount()) != size) {
      result.rejected.push_back(Rejected{where, "short read"});
      continue;
    }
    add_record(text, where, result);
  }
  return result;
}

Result<ImportResult> import_osv_zip(const std::filesystem::path& zip, const ImportLimits& limits) {
  auto a = new_zip_reader();
  const std::string name = zip.filename().string();
  if (archive_read_open_filename(a.get(), zip.c_str(), 64 * 1024) != ARCHIVE_OK) {
    return invalid("osv: " + zip.string() + ": " + archive_message(a.get()));
  }
  return read_zip(a.get(), name, limits);
}

Result<ImportResult> import_osv_zip_bytes(std::string_view zip, const ImportLimits& limits) {
  auto a = new_zip_reader();
  if (archive_read_open_memory(a.get(), zip.data(), zip.size()) != ARCHIVE_OK) {
    return invalid("osv: zip: " + archive_message(a.get()));
  }
  return read_zip(a.get(), "zip", limits);
}

}  // namespace regscand::scanner::feeds::osv
