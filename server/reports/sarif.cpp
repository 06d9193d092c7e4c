#include "server/reports/sarif.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "config/base/percent.hpp"
#include "config/base/sha256.hpp"
#include "server/reports/purl.hpp"

namespace regscand::server::reports {
namespace {

using nlohmann::json;
using scanner::feeds::Severity;

constexpr std::string_view kInformationUri = "https://github.com/regscand/regscand";

std::string upper(std::string_view s) {
  std::string out(s.empty() ? "unknown" : s);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// GitHub reads security-severity as a number in a string: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium,
// 0.1-3.9 low. Without a CVSS score the severity gives one (Trivy's values).
std::string score_text(double score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", score);
  return buf;
}
std::string severity_score(std::string_view severity) {
  switch (severity_of(severity)) {
    case Severity::Critical:
      return "9.5";
    case Severity::High:
      return "8.0";
    case Severity::Medium:
      return "5.5";
    case Severity::Low:
      return "2.0";
    default:
      return "0.0";
  }
}

// Markdown with the text shown literally: backslash before punctuation Markdown interprets, and HTML's
// specials as entities (GitHub renders help.markdown).
// A table cell (`cell`) also has its line breaks turned into spaces.
std::string markdown_escape(std::string_view text, bool cell = false) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '\r':
      case '\n':
        out += cell ? ' ' : c;
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '&':
        out += "&amp;";
        continue;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '{':
      case '}':
      case '[':
      case ']':
      case '(':
      case ')':
      case '#':
      case '+':
      case '-':
      case '.':
      case '!':
      case '|':
        out += '\\';
        break;
      default:
        break;
    }
    out += c;
  }
  return out;
}

// A relative URI reference (to ROOTPATH) for a path or an image reference: bytes outside RFC 3986 pchar
// and '/' are percent-encoded, ':' too (a colon in the first segment would read as a scheme).
std::string artifact_uri(std::string_view text) {
  while (text.starts_with('/')) text.remove_prefix(1);
  return text::percent_encode(text, "-._~!$&'()*+,;=@/");
}

std::string fallback_url(std::string_view id) {
  return "https://osv.dev/vulnerability/" + purl_encode(id);
}

struct Rule {
  const ReportFinding* first = nullptr;  // the finding describing the vulnerability
  std::string severity;                  // worst over its findings
  std::optional<double> score;           // highest over its findings
  std::string type;                      // "os" or "language" of the first finding's package
};

bool is_os(std::string_view ecosystem) {
  return ecosystem == "dpkg" || ecosystem == "apk" || ecosystem == "rpm";
}

std::string first_url(const ReportFinding& f) {
  for (const auto& ref : f.references) {
    if (is_web_url(ref)) return ref;
  }
  return fallback_url(f.vulnerability);
}

std::string short_text(const ReportFinding& f) {
  if (!f.summary.empty()) return f.summary;
  return f.vulnerability + " in " + f.package.name;
}

std::string full_text(const ReportFinding& f) {
  if (!f.details.empty()) return f.details;
  return short_text(f);
}

json rule_json(const Rule& rule) {
  const ReportFinding& f = *rule.first;
  const std::string url = first_url(f);
  const std::string severity = upper(rule.severity);
  const std::string sev_score = rule.score ? score_text(*rule.score) : severity_score(rule.severity);
  // The advisory's summary, a table naming the first package and its fix, then the details when they differ.
  const std::string summary = short_text(f);
  const std::string details = f.details.empty() || f.details == summary ? std::string() : f.details;
  const std::string fixed = f.fixed_version.empty() ? "(none)" : f.fixed_version;
  std::string text = "Vulnerability " + f.vulnerability + "\nSeverity: " + severity +
                     "\nPackage: " + f.package.name + "\nFixed Version: " + fixed + "\nLink: " + url + "\n" +
                     summary;
  std::string markdown =
      "**Vulnerability " + markdown_escape(f.vulnerability, true) + "**\n\n" + markdown_escape(summary) +
      "\n\n| Severity | Package | Fixed Version | Link |\n| --- | --- | --- | --- |\n|" + severity + "|" +
      markdown_escape(f.package.name, true) + "|" + markdown_escape(fixed, true) + "|[" +
      markdown_escape(f.vulnerability, true) + "](" + url + ")|\n";
  if (!details.empty()) {
    text += "\n" + details;
    markdown += "\n" + markdown_escape(details);
  }
  json tags = json::array({"security", "vulnerability", severity});
  if (!rule.type.empty()) tags.push_back(rule.type);
  return json{{"id", f.vulnerability},
              {"name", rule.type == "os" ? "OsPackageVulnerability" : "LanguageSpecificPackageVulnerability"},
              {"shortDescription", {{"text", short_text(f)}}},
              {"fullDescription", {{"text", full_text(f)}}},
              {"helpUri", url},
              {"help", {{"text", text}, {"markdown", markdown}}},
              {"defaultConfiguration", {{"level", sarif_level(rule.severity)}}},
              {"properties",
               {{"security-severity", sev_score}, {"tags", std::move(tags)}, {"precision", "very-high"}}}};
}

json result_json(const ReportFinding& f, std::size_t rule_index, const ReportImage& image) {
  const std::string where = artifact_uri(f.package.path.empty() ? image_reference(image) : f.package.path);
  const std::string fixed = f.fixed_version.empty() ? "(none)" : f.fixed_version;
  const std::string message = "Package: " + f.package.name + "\nInstalled Version: " + f.package.version +
                              "\nVulnerability " + f.vulnerability + "\nSeverity: " + upper(f.severity) +
                              "\nFixed Version: " + fixed + "\nLink: " + first_url(f);
  // Stable across scans of the same package in the same repository; different per package and path.
  const std::string fingerprint = sha256_hex(
      image.registry + '\n' + image.repository + '\n' + f.vulnerability + '\n' + f.package.ecosystem + '\n' +
      f.package.name + '\n' + f.package.version + '\n' + f.package.path);
  json location = {
      {"physicalLocation",
       {{"artifactLocation", {{"uri", where}, {"uriBaseId", "ROOTPATH"}}},
        {"region", {{"startLine", 1}, {"startColumn", 1}, {"endLine", 1}, {"endColumn", 1}}}}},
      {"message", {{"text", image_reference(image) + ": " + f.package.name + "@" + f.package.version}}}};
  return json{{"ruleId", f.vulnerability},
              {"ruleIndex", rule_index},
              {"level", sarif_level(f.severity)},
              {"message", {{"text", message}}},
              {"locations", json::array({std::move(location)})},
              {"partialFingerprints", {{"regscandFindingHash/v1", fingerprint}}}};
}

}  // namespace

std::string_view sarif_level(std::string_view severity) {
  const Severity level = severity_of(severity);
  if (level >= Severity::High) return "error";
  if (level == Severity::Medium) return "warning";
  return "note";
}

json render_sarif(const ImageReport& report) {
  std::vector<Rule> rules;
  std::map<std::string, std::size_t, std::less<>> index;  // vulnerability id -> rule index
  for (const auto& f : report.findings) {
    auto [it, added] = index.try_emplace(f.vulnerability, rules.size());
    if (added) {
      rules.push_back(Rule{&f, f.severity, f.cvss_score, is_os(f.package.ecosystem) ? "os" : "language"});
      continue;
    }
    Rule& rule = rules[it->second];
    if (severity_of(f.severity) > severity_of(rule.severity)) rule.severity = f.severity;
    if (f.cvss_score && (!rule.score || *f.cvss_score > *rule.score)) rule.score = f.cvss_score;
    if (rule.first->summary.empty() && !f.summary.empty()) rule.first = &f;
  }
  json rules_json = json::array();
  for (const auto& rule : rules) rules_json.push_back(rule_json(rule));
  json results = json::array();
  for (const auto& f : report.findings)
    results.push_back(result_json(f, index.find(f.vulnerability)->second, report.image));

  json run = {{"tool",
               {{"driver",
                 {{"name", "regscand"},
                  {"fullName", "regscand container image scanner"},
                  {"version", report.tool_version},
                  {"informationUri", kInformationUri},
                  {"rules", std::move(rules_json)}}}}},
              {"results", std::move(results)},
              {"columnKind", "utf16CodeUnits"},
              {"originalUriBaseIds", {{"ROOTPATH", {{"uri", "file:///"}}}}},
              {"properties",
               {{"imageName", report.image.repository},
                {"imageReference", image_reference(report.image)},
                {"imageDigest", report.image.digest},
                {"repoTags", report.image.tags}}}};
  return json{{"$schema", kSarifSchema}, {"version", "2.1.0"}, {"runs", json::array({std::move(run)})}};
}

}  // namespace regscand::server::reports
