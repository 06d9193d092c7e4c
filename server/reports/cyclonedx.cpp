#include "server/reports/cyclonedx.hpp"

#include <openssl/evp.h>

#include <array>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "server/reports/purl.hpp"

namespace regscand::server::reports {
namespace {

using nlohmann::json;
using scanner::feeds::Severity;

// RFC 4122 namespace for URLs: 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
constexpr std::array<unsigned char, 16> kUrlNamespace{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                                      0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};

using PackageKey =
    std::tuple<std::string, std::string, std::string, std::string>;  // ecosystem name version path

PackageKey key_of(const ReportPackage& p) {
  return {p.ecosystem, p.name, p.version, p.path};
}

json property(std::string name, std::string value) {
  return json{{"name", std::move(name)}, {"value", std::move(value)}};
}

json component_json(const ReportPackage& p, const std::string& bom_ref, const std::string& purl_text) {
  json properties = json::array({property("regscand:ecosystem", p.ecosystem)});
  if (!p.path.empty()) properties.push_back(property("regscand:path", p.path));
  if (p.layer >= 0) properties.push_back(property("regscand:layer:position", std::to_string(p.layer)));
  if (!p.layer_digest.empty()) properties.push_back(property("regscand:layer:digest", p.layer_digest));
  if (!p.source_name.empty() && p.source_name != p.name) {
    properties.push_back(property("regscand:source:name", p.source_name));
  }
  if (!p.source_version.empty() && p.source_version != p.version) {
    properties.push_back(property("regscand:source:version", p.source_version));
  }
  return json{{"bom-ref", bom_ref},   {"type", "library"}, {"name", p.name},
              {"version", p.version}, {"purl", purl_text}, {"properties", std::move(properties)}};
}

// RFC 3339 date-time (the schema's format for published): a date alone or free text is left out.
bool is_date_time(std::string_view text) {
  // "YYYY-MM-DDTHH:MM:SS": digits except at the separators.
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < kShape.size()) return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return false;
  }
  text.remove_prefix(kShape.size());
  if (text.starts_with('.')) {
    text.remove_prefix(1);
    const auto digits = text.find_first_not_of("0123456789");
    if (digits == 0 || digits == std::string_view::npos) return false;
    text.remove_prefix(digits);
  }
  if (text == "Z") return true;
  return text.size() == 6 && (text[0] == '+' || text[0] == '-') && text[3] == ':' &&
         text.find_first_not_of("0123456789", 1) == 3 &&
         text.substr(4).find_first_not_of("0123456789") == std::string_view::npos;
}

struct Vulnerability {
  const ReportFinding* first = nullptr;
  std::string severity;
  const ReportFinding* scored = nullptr;  // the finding with the highest CVSS score
  std::vector<const ReportFinding*> all;
};

std::string source_url(std::string_view id) {
  if (id.starts_with("CVE-")) return "https://nvd.nist.gov/vuln/detail/" + purl_encode(id);
  if (id.starts_with("GHSA-")) return "https://github.com/advisories/" + purl_encode(id);
  return "https://osv.dev/vulnerability/" + purl_encode(id);
}

json ratings_json(const Vulnerability& v) {
  json rating = {{"severity", cyclonedx_severity(v.severity)}};
  if (v.scored != nullptr) {
    rating["score"] = *v.scored->cvss_score;
    rating["method"] = cyclonedx_method(v.scored->cvss_vector);
    if (!v.scored->cvss_vector.empty()) rating["vector"] = v.scored->cvss_vector;
  }
  if (!v.first->sources.empty()) rating["source"] = {{"name", v.first->sources.front()}};
  return json::array({std::move(rating)});
}

std::string recommendation(const Vulnerability& v) {
  std::set<std::string> lines;
  for (const auto* f : v.all) {
    lines.insert(f->fixed_version.empty()
                     ? "No fixed version of " + f->package.name + " is known yet."
                     : "Upgrade " + f->package.name + " to " + f->fixed_version + " or later.");
  }
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : " ") + line;
  return out;
}

json vulnerability_json(const Vulnerability& v, const std::map<PackageKey, std::string>& refs) {
  const ReportFinding& f = *v.first;
  json vuln = {{"bom-ref", "vulnerability:" + f.vulnerability},
               {"id", f.vulnerability},
               {"source",
                {{"name", f.sources.empty() ? std::string("regscand") : f.sources.front()},
                 {"url", source_url(f.vulnerability)}}},
               {"ratings", ratings_json(v)}};
  const std::string description = f.summary.empty() ? f.details : f.summary;
  if (!description.empty()) vuln["description"] = description;
  if (!f.details.empty() && f.details != description) vuln["detail"] = f.details;
  vuln["recommendation"] = recommendation(v);
  std::set<std::string> urls;
  for (const auto& ref : f.references) {
    if (is_web_url(ref)) urls.insert(ref);
  }
  if (!urls.empty()) {
    json advisories = json::array();
    for (const auto& url : urls) advisories.push_back({{"url", url}});
    vuln["advisories"] = std::move(advisories);
  }
  if (!f.aliases.empty()) {
    json references = json::array();
    for (const auto& alias : std::set<std::string>(f.aliases.begin(), f.aliases.end())) {
      references.push_back({{"id", alias}, {"source", {{"name", "alias"}, {"url", source_url(alias)}}}});
    }
    vuln["references"] = std::move(references);
  }
  if (is_date_time(f.published)) vuln["published"] = f.published;
  // One entry per component; each lists the installed version it holds.
  std::map<std::string, std::set<std::string>> affected;
  for (const auto* each : v.all) {
    const auto ref = refs.find(key_of(each->package));
    if (ref != refs.end()) affected[ref->second].insert(each->package.version);
  }
  json affects = json::array();
  for (const auto& [ref, versions] : affected) {
    json list = json::array();
    for (const auto& version : versions) list.push_back({{"version", version}, {"status", "affected"}});
    affects.push_back({{"ref", ref}, {"versions", std::move(list)}});
  }
  vuln["affects"] = std::move(affects);
  return vuln;
}

}  // namespace

std::string uuid_v5_urn(std::string_view name) {
  std::string input(reinterpret_cast<const char*>(kUrlNamespace.data()), kUrlNamespace.size());
  input += name;
  std::array<unsigned char, EVP_MAX_MD_SIZE> hash{};
  unsigned int size = 0;
  EVP_Digest(input.data(), input.size(), hash.data(), &size, EVP_sha1(), nullptr);
  hash[6] = static_cast<unsigned char>((hash[6] & 0x0f) | 0x50);  // version 5
  hash[8] = static_cast<unsigned char>((hash[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "urn:uuid:";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[hash[i] >> 4];
    out += kHex[hash[i] & 0xf];
  }
  return out;
}

std::string_view cyclonedx_severity(std::string_view severity) {
  switch (severity_of(severity)) {
    case Severity::Critical:
      return "critical";
    case Severity::High:
      return "high";
    case Severity::Medium:
      return "medium";
    case Severity::Low:
      return "low";
    case Severity::Negligible:
      return "info";
    case Severity::Unknown:
      break;
  }
  return "unknown";
}

std::string_view cyclonedx_method(std::string_view vector) {
  if (vector.starts_with("CVSS:3.1/")) return "CVSSv31";
  if (vector.starts_with("CVSS:3.0/")) return "CVSSv3";
  if (vector.starts_with("CVSS:4.0/")) return "CVSSv4";
  if (vector.starts_with("AV:") || vector.starts_with("(AV:")) return "CVSSv2";
  return "other";
}

json render_cyclonedx(const ImageReport& report) {
  const ReportImage& image = report.image;
  const std::string image_ref = image_reference(image);
  json components = json::array();
  if (!image.os_id.empty()) {
    components.push_back({{"bom-ref", "os:" + image.os_id + "@" + image.os_version},
                          {"type", "operating-system"},
                          {"name", image.os_id},
                          {"version", image.os_version},
                          {"description", image.os_name}});
  }
  std::map<PackageKey, std::string> refs;  // package -> its component's bom-ref
  std::set<std::string> used;
  for (const auto& p : report.packages) {
    if (refs.contains(key_of(p))) continue;
    const std::string purl_text = purl(p, image);
    std::string bom_ref = purl_text;
    // The same purl at two paths (vendored npm copies) is two components: bom-refs must be unique.
    for (int n = 2; used.contains(bom_ref); ++n) bom_ref = purl_text + "#" + std::to_string(n);
    used.insert(bom_ref);
    refs.emplace(key_of(p), bom_ref);
    components.push_back(component_json(p, bom_ref, purl_text));
  }

  std::vector<Vulnerability> vulns;
  std::map<std::string, std::size_t, std::less<>> index;
  for (const auto& f : report.findings) {
    auto [it, added] = index.try_emplace(f.vulnerability, vulns.size());
    if (added) vulns.push_back(Vulnerability{&f, f.severity, nullptr, {}});
    Vulnerability& v = vulns[it->second];
    v.all.push_back(&f);
    if (severity_of(f.severity) > severity_of(v.severity)) v.severity = f.severity;
    if (f.cvss_score && (v.scored == nullptr || *f.cvss_score > *v.scored->cvss_score)) v.scored = &f;
    if (v.first->summary.empty() && !f.summary.empty()) v.first = &f;
  }
  json vulnerabilities = json::array();
  for (const auto& v : vulns) vulnerabilities.push_back(vulnerability_json(v, refs));

  json container = {
      {"bom-ref", image_ref},
      {"type", "container"},
      {"name", image.repository},
      {"version", image.digest},
      {"purl",
       "pkg:oci/" + purl_encode(image.repository.substr(image.repository.rfind('/') + 1)) + "@" +
           purl_encode(image.digest) + "?repository_url=" +
           purl_encode(image.registry.empty() ? image.repository : image.registry + "/" + image.repository)}};
  json image_properties = json::array();
  for (const auto& tag : image.tags) image_properties.push_back(property("regscand:tag", tag));
  if (!image.platform.empty()) image_properties.push_back(property("regscand:platform", image.platform));
  if (!image_properties.empty()) container["properties"] = std::move(image_properties);

  json metadata = {
      {"timestamp", report.timestamp},
      {"tools",
       {{"components",
         json::array({{{"type", "application"}, {"name", "regscand"}, {"version", report.tool_version}}})}}},
      {"component", std::move(container)}};
  return json{{"$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json"},
              {"bomFormat", "CycloneDX"},
              {"specVersion", "1.5"},
              {"serialNumber", uuid_v5_urn("regscand:" + image_ref)},
              {"version", 1},
              {"metadata", std::move(metadata)},
              {"components", std::move(components)},
              {"vulnerabilities", std::move(vulnerabilities)}};
}

}  // namespace regscand::server::reports
