// The plain input of the report renderers (sarif.hpp, cyclonedx.hpp): one image, its inventory and its open
// findings, already read from storage. Strings are as stored (untrusted text: renderers escape as their
// format needs); nothing here touches the database or the network.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/feeds/advisory.hpp"

namespace regscand::server::reports {

struct ReportImage {
  std::string registry;    // "registry.example:5000"
  std::string repository;  // "team/app"
  std::string digest;      // "sha256:..."
  std::vector<std::string> tags;
  std::string platform;  // "linux/amd64", "" unknown
  // The distribution (os-release), "" when none was detected.
  std::string os_id;       // "debian"
  std::string os_version;  // "12"
  std::string os_name;     // "Debian GNU/Linux 12 (bookworm)"
};

struct ReportPackage {
  std::string ecosystem;  // "dpkg", "apk", "rpm", "pypi", "npm", "gem", ...
  std::string name;
  std::string version;  // as the database holds it (epochs included: "1:2.3-4")
  std::string arch;
  std::string source_name;
  std::string source_version;
  std::string path;          // the database file it came from, "" when none
  int layer = -1;            // introducing layer position, -1 unknown
  std::string layer_digest;  // "" unknown
};

struct ReportFinding {
  std::string vulnerability;  // "CVE-2023-0001", "GHSA-..."
  std::string severity;       // lower case: critical, high, medium, low, negligible, unknown
  std::optional<double> cvss_score;
  std::string cvss_vector;    // "CVSS:3.1/AV:N/...", "" none
  std::string fix_state;      // "fixed", "not-fixed", ...
  std::string fixed_version;  // "" none
  std::string remediation;
  std::vector<std::string> aliases;
  std::vector<std::string> references;  // URLs, most relevant first
  std::vector<std::string> sources;     // feed names ("osv")
  std::string summary;                  // advisory summary, "" unknown
  std::string details;                  // advisory details, "" unknown
  std::string published;                // RFC 3339, "" unknown
  ReportPackage package;                // name, version, ecosystem, path, layer (arch may be "")
};

struct ImageReport {
  ReportImage image;
  std::vector<ReportPackage> packages;  // the whole inventory
  std::vector<ReportFinding> findings;  // open findings
  std::string tool_version;             // regscand's version
  std::string timestamp;                // RFC 3339 UTC, when the report is made
};

// A finding's severity (lower case, as ReportFinding holds it); Unknown for any other word.
scanner::feeds::Severity severity_of(std::string_view severity);

// "registry/repository@digest" (the registry omitted when empty).
std::string image_reference(const ReportImage& image);

// An http(s) URL safe to link: no whitespace, control bytes, non-ASCII, quotes, brackets or backslashes.
bool is_web_url(std::string_view url);

}  // namespace regscand::server::reports
