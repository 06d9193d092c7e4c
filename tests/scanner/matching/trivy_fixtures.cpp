#include "tests/scanner/matching/trivy_fixtures.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace regscand::testing::trivy {
namespace {

namespace feeds = scanner::feeds;
using feeds::FixState;
using feeds::Range;
using feeds::RangeEvent;
using feeds::Severity;

// trivy-db's pkg/types Status, stored as its index.
enum class Status {
  Unknown,
  NotAffected,
  Affected,
  Fixed,
  UnderInvestigation,
  WillNotFix,
  FixDeferred,
  EndOfLife
};

// What the vulnerability bucket says about one id.
struct Details {
  std::string title;
  std::string description;
  std::string severity;                  // "HIGH"
  std::map<std::string, int> by_vendor;  // VendorSeverity: "nvd" -> 3
  std::vector<std::string> references;
  std::string published;
  std::string modified;
};

struct Db {
  std::map<std::string, Details> details;
  std::map<std::string, std::string> data_sources;  // bucket -> data source id ("debian 10" -> "debian")
  std::map<std::string, std::string> cpes;          // Red Hat CPE index -> "cpe:/o:redhat:..."
  std::map<std::string, feeds::Advisory> advisories;
  std::vector<feeds::Rejected> rejected;
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The text after `prefix` when `s` starts with it (case-insensitively); nullopt otherwise.
std::optional<std::string> after(std::string_view s, std::string_view prefix) {
  if (s.size() <= prefix.size() || lower(s.substr(0, prefix.size())) != lower(prefix)) return std::nullopt;
  return std::string(s.substr(prefix.size()));
}

std::string scalar(const YAML::Node& node, const char* key) {
  const auto child = node[key];
  return child && child.IsScalar() ? child.Scalar() : std::string();
}

// Trivy stores severities as numbers (1 low ... 4 critical; the fixtures write 1 or 1.0).
Severity severity_of(int trivy) {
  switch (trivy) {
    case 1:
      return Severity::Low;
    case 2:
      return Severity::Medium;
    case 3:
      return Severity::High;
    case 4:
      return Severity::Critical;
    default:
      return Severity::Unknown;
  }
}

Severity severity_of(std::string_view name) {
  const auto n = lower(name);
  if (n == "low") return Severity::Low;
  if (n == "medium") return Severity::Medium;
  if (n == "high") return Severity::High;
  if (n == "critical") return Severity::Critical;
  return Severity::Unknown;
}

int number(const YAML::Node& node) {
  return node && node.IsScalar() ? static_cast<int>(node.as<double>()) : 0;
}

// Status as trivy-db stores it, or as its Debian importer derives it from the tracker's state. (Trivy's
// Advisory has no State field: a fixture "State: postponed" reads as Unknown there, reported "affected";
// both land on NotFixed here.)
Status status_of(const YAML::Node& value) {
  if (const auto n = number(value["Status"]); n > 0 && n <= static_cast<int>(Status::EndOfLife)) {
    return static_cast<Status>(n);
  }
  const auto state = lower(scalar(value, "State"));
  if (state == "ignored") return Status::WillNotFix;
  if (state == "postponed") return Status::FixDeferred;
  if (state == "end-of-life") return Status::EndOfLife;
  if (state == "no-dsa" || state == "unfixed") return Status::Affected;
  return Status::Unknown;
}

// Our fix states are coarser than Trivy's: a distribution's "will not fix" and "end of life" are both
// "no fix coming"; affected, fix deferred and under investigation are "no fix yet".
FixState fix_state_of(Status status) {
  switch (status) {
    case Status::NotAffected:
      return FixState::NotAffected;
    case Status::WillNotFix:
    case Status::EndOfLife:
      return FixState::WontFix;
    default:
      return FixState::NotFixed;
  }
}

feeds::Affected affected_of(std::string ecosystem, std::string name, const std::string& fixed,
                            Status status) {
  feeds::Affected a;
  a.ecosystem = std::move(ecosystem);
  a.name = std::move(name);
  if (!fixed.empty()) {
    a.ranges.push_back(Range{Range::Type::Ecosystem,
                             {{RangeEvent::Kind::Introduced, "0"}, {RangeEvent::Kind::Fixed, fixed}}});
    a.fix_state = FixState::Fixed;
    return a;
  }
  a.fix_state = fix_state_of(status);
  if (a.fix_state != FixState::NotAffected) {
    a.ranges.push_back(Range{Range::Type::Ecosystem, {{RangeEvent::Kind::Introduced, "0"}}});
  }
  return a;
}

feeds::Advisory& advisory(Db& db, const std::string& id) {
  auto& a = db.advisories[id];
  if (a.id.empty()) {
    a.source = "trivy-db-fixture";
    a.id = id;
  }
  return a;
}

void add_alias(feeds::Advisory& a, const std::string& alias) {
  if (alias.empty() || alias == a.id) return;
  if (std::find(a.aliases.begin(), a.aliases.end(), alias) != a.aliases.end()) return;
  a.aliases.push_back(alias);
}

// Per package: the advisory's own severity, else the data source's grade in the vulnerability bucket.
void grade(feeds::Affected& a, const Db& db, const std::string& id, int own, const std::string& source) {
  if (own > 0) {
    a.severity = severity_of(own);
    a.severity_source = source;
    return;
  }
  const auto details = db.details.find(id);
  if (details == db.details.end() || source.empty()) return;
  const auto vendor = details->second.by_vendor.find(source);
  if (vendor == details->second.by_vendor.end()) return;
  a.severity = severity_of(vendor->second);
  a.severity_source = source;
}

// bucket -> pairs of {bucket: package, pairs: [{key: id, value: advisory}]}.
template <class F>
void for_each_advisory(const YAML::Node& packages, F&& f) {
  for (const auto& package : packages) {
    const auto name = scalar(package, "bucket");
    for (const auto& pair : package["pairs"]) {
      // "- key: CVE-..." with no value is an empty advisory.
      const auto value = pair["value"] ? pair["value"] : YAML::Node(YAML::NodeType::Null);
      f(name, scalar(pair, "key"), value);
    }
  }
}

void convert_os_bucket(Db& db, const std::string& bucket, const std::string& ecosystem,
                       const YAML::Node& pairs) {
  const auto source_it = db.data_sources.find(bucket);
  const std::string source = source_it == db.data_sources.end() ? std::string() : source_it->second;
  for_each_advisory(pairs, [&](const std::string& package, const std::string& id, const YAML::Node& value) {
    auto& adv = advisory(db, id);
    for (const auto& vendor_id : value["VendorIDs"]) add_alias(adv, vendor_id.Scalar());
    auto affected = affected_of(ecosystem, package, scalar(value, "FixedVersion"), status_of(value));
    grade(affected, db, id, number(value["Severity"]), source);
    adv.affected.push_back(std::move(affected));
  });
}

// "cpe:/o:redhat:enterprise_linux:7::server" -> "Red Hat:enterprise_linux:7::server".
std::optional<std::string> red_hat_ecosystem(const std::string& cpe) {
  for (const std::string_view prefix : {"cpe:/o:redhat:", "cpe:/a:redhat:"}) {
    if (auto rest = after(cpe, prefix)) return "Red Hat:" + *rest;
  }
  return std::nullopt;
}

// Red Hat OVAL v2 as trivy-db stores it: package -> CVE or RHSA -> Entries, each naming the CPE indices
// it affects, its CVEs (with severity) and a fixed version or a status. An RHSA stands for each of its
// CVEs, as Trivy reports it.
void convert_red_hat(Db& db, const YAML::Node& pairs) {
  for_each_advisory(pairs, [&](const std::string& package, const std::string& key, const YAML::Node& value) {
    for (const auto& entry : value["Entries"]) {
      std::set<std::string> ecosystems;
      for (const auto& index : entry["Affected"]) {
        const auto cpe = db.cpes.find(index.Scalar());
        if (cpe == db.cpes.end()) continue;
        if (auto ecosystem = red_hat_ecosystem(cpe->second)) ecosystems.insert(*ecosystem);
      }
      if (ecosystems.empty()) {
        db.rejected.push_back({"Red Hat/" + package + "/" + key, "no CPE index known to cpe.yaml"});
        continue;
      }
      const auto fixed = scalar(entry, "FixedVersion");
      const auto status = status_of(entry);
      for (const auto& cve : entry["Cves"]) {
        const auto id = cve["ID"] ? cve["ID"].Scalar() : key;
        auto& adv = advisory(db, id);
        add_alias(adv, key);
        for (const auto& ecosystem : ecosystems) {
          auto affected = affected_of(ecosystem, package, fixed, status);
          grade(affected, db, id, number(cve["Severity"]), "redhat");
          adv.affected.push_back(std::move(affected));
        }
      }
    }
  });
}

void read_details(Db& db, const YAML::Node& pairs) {
  for (const auto& pair : pairs) {
    const auto value = pair["value"];
    Details d;
    d.title = scalar(value, "Title");
    d.description = scalar(value, "Description");
    d.severity = scalar(value, "Severity");
    d.published = scalar(value, "PublishedDate");
    d.modified = scalar(value, "LastModifiedDate");
    for (const auto& vendor : value["VendorSeverity"]) {
      d.by_vendor[vendor.first.Scalar()] = number(vendor.second);
    }
    for (const auto& reference : value["References"]) d.references.push_back(reference.Scalar());
    db.details[scalar(pair, "key")] = std::move(d);
  }
}

void read_cpes(Db& db, const YAML::Node& pairs) {
  for (const auto& sub : pairs) {
    if (scalar(sub, "bucket") != "cpe") continue;
    for (const auto& pair : sub["pairs"]) db.cpes[scalar(pair, "key")] = scalar(pair, "value");
  }
}

// Advisory level: NVD's grade, else the generic one; title, text, references and dates.
void describe(feeds::Advisory& a, const Db& db) {
  const auto it = db.details.find(a.id);
  if (it == db.details.end()) return;
  const auto& d = it->second;
  a.summary = d.title;
  a.details = d.description;
  a.references = d.references;
  a.published = d.published;
  a.modified = d.modified;
  if (const auto nvd = d.by_vendor.find("nvd"); nvd != d.by_vendor.end()) {
    a.severity = severity_of(nvd->second);
    a.severity_source = "nvd";
  } else if (severity_of(d.severity) != Severity::Unknown) {
    a.severity = severity_of(d.severity);
    a.severity_source = "trivy";
  }
}

}  // namespace

std::optional<std::string> ecosystem_of(std::string_view bucket) {
  if (auto v = after(bucket, "debian ")) return "Debian:" + *v;
  if (auto v = after(bucket, "ubuntu ")) return "Ubuntu:" + *v;
  if (auto v = after(bucket, "alpine ")) {
    if (*v == "edge") return std::nullopt;
    return "Alpine:v" + *v;
  }
  if (auto v = after(bucket, "amazon linux ")) return "Amazon Linux:" + *v;
  if (auto v = after(bucket, "Photon OS ")) return "Photon OS:" + *v;
  if (auto v = after(bucket, "openSUSE Leap ")) return "openSUSE:Leap " + *v;
  if (lower(bucket) == "opensuse tumbleweed") return "openSUSE:Tumbleweed";
  if (auto v = after(bucket, "SUSE Linux Enterprise Micro ")) return "SUSE:Linux Enterprise Micro " + *v;
  if (auto v = after(bucket, "SUSE Linux Enterprise ")) {
    // "15-SP3" -> "15 SP3"
    if (const auto dash = v->find("-SP"); dash != std::string::npos) v->replace(dash, 1, " ");
    return "SUSE:Linux Enterprise Server " + *v;
  }
  if (auto v = after(bucket, "alma ")) return "AlmaLinux:" + *v;
  if (auto v = after(bucket, "rocky ")) return "Rocky Linux:" + *v;
  if (auto v = after(bucket, "CBL-Mariner ")) return "Azure Linux:" + *v;
  return std::nullopt;
}

Result<feeds::ImportResult> load_db_fixtures(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  if (ec) return fail(ErrorCode::NotFound, "trivy fixtures: " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());

  // Top-level buckets of every file; the lookup tables first, then the advisories that use them.
  std::vector<std::pair<std::string, YAML::Node>> buckets;
  for (const auto& file : files) {
    try {
      for (const auto& bucket : YAML::LoadFile(file.string())) {
        buckets.emplace_back(scalar(bucket, "bucket"), bucket["pairs"]);
      }
    } catch (const YAML::Exception& e) {
      return fail(ErrorCode::InvalidArgument, "trivy fixtures: " + file.string() + ": " + e.what());
    }
  }
  Db db;
  try {
    for (const auto& [name, pairs] : buckets) {
      if (name == "vulnerability") read_details(db, pairs);
      if (name == "Red Hat CPE") read_cpes(db, pairs);
      if (name != "data-source") continue;
      for (const auto& pair : pairs) db.data_sources[scalar(pair, "key")] = scalar(pair["value"], "ID");
    }
    for (const auto& [name, pairs] : buckets) {
      if (name == "vulnerability" || name == "Red Hat CPE" || name == "data-source") continue;
      if (name == "Red Hat") {
        convert_red_hat(db, pairs);
        continue;
      }
      if (const auto ecosystem = ecosystem_of(name)) {
        convert_os_bucket(db, name, *ecosystem, pairs);
        continue;
      }
      db.rejected.push_back({name, name.find("::") != std::string::npos
                                       ? "language advisories (version constraints) are not converted"
                                       : "no regscand matcher for this distribution"});
    }
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::InvalidArgument, std::string("trivy fixtures: ") + e.what());
  }

  feeds::ImportResult out;
  for (auto& [id, adv] : db.advisories) {
    describe(adv, db);
    out.advisories.push_back(std::move(adv));
  }
  out.rejected = std::move(db.rejected);
  return out;
}

}  // namespace regscand::testing::trivy
