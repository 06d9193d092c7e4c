// A small ImageReport for the renderer tests: Debian 12 with openssl, libssl3 and libc6, a PyPI Django with
// no path and a scoped npm package; CVE-2023-0001 on openssl (critical, 9.8) and libssl3 (high, 7.5),
// GHSA-aaaa medium (no score, an alias, a date-only published), a low one whose texts and references are
// hostile (markup, quotes, control bytes, invalid UTF-8, javascript: URLs) and an unknown one.
#pragma once

#include "server/reports/report.hpp"

namespace regscand::server::reports::testing {

inline ReportPackage package(std::string ecosystem, std::string name, std::string version, std::string path,
                             int layer = 0) {
  ReportPackage p;
  p.ecosystem = std::move(ecosystem);
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = p.ecosystem == "dpkg" ? "amd64" : "";
  p.source_name = p.name;
  p.source_version = p.version;
  p.path = std::move(path);
  p.layer = layer;
  p.layer_digest = "sha256:" + std::string(64, static_cast<char>('0' + layer));
  return p;
}

inline ReportFinding finding(std::string id, std::string severity, const ReportPackage& p,
                             std::optional<double> score, std::string fixed) {
  ReportFinding f;
  f.vulnerability = std::move(id);
  f.severity = std::move(severity);
  f.cvss_score = score;
  f.cvss_vector = score ? "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" : "";
  f.fixed_version = std::move(fixed);
  f.fix_state = f.fixed_version.empty() ? "not-fixed" : "fixed";
  f.references = {"https://example.test/" + f.vulnerability, "https://example.test/second"};
  f.sources = {"osv"};
  f.package = p;
  return f;
}

inline ImageReport sample_report() {
  ImageReport r;
  r.image.registry = "registry.example:5000";
  r.image.repository = "team/app";
  r.image.digest = "sha256:" + std::string(64, 'a');
  r.image.tags = {"v1", "latest"};
  r.image.platform = "linux/amd64";
  r.image.os_id = "debian";
  r.image.os_version = "12";
  r.image.os_name = "Debian GNU/Linux 12 (bookworm)";
  r.tool_version = "0.1.0";
  r.timestamp = "2026-11-29T10:00:00Z";
  const auto openssl = package("dpkg", "openssl", "1:3.0.11-1", "var/lib/dpkg/status");
  const auto libssl = package("dpkg", "libssl3", "1:3.0.11-1", "var/lib/dpkg/status");
  const auto libc = package("dpkg", "libc6", "2.36-9", "var/lib/dpkg/status");
  const auto django = package("pypi", "Django", "4.2.0", "", 1);
  const auto scoped = package("npm", "@scope/pkg", "1.0.0", "app/node_modules/@scope/pkg/package.json", 1);
  r.packages = {openssl, libssl, libc, django, scoped};
  auto critical = finding("CVE-2023-0001", "critical", openssl, 9.8, "1:3.0.12-1");
  critical.summary = "openssl overflow";
  critical.details = "A long description of the overflow.";
  critical.published = "2023-01-02T00:00:00Z";
  auto critical2 = finding("CVE-2023-0001", "high", libssl, 7.5, "1:3.0.12-1");
  auto medium = finding("GHSA-aaaa", "medium", django, std::nullopt, "4.2.1");
  medium.aliases = {"CVE-2023-0003"};
  medium.published = "2023-03-04";  // a date, not a date-time
  auto hostile = finding("CVE-2023-<9>", "low", scoped, 3.1, "");
  hostile.summary = "<script>alert(\"x\")</script> *bold* [link](javascript:alert(1)) | pipe\n# heading";
  hostile.details = "bad utf-8: \xff\xfe end \x01";
  hostile.references = {"javascript:alert(1)", "https://ok.example/a b"};
  auto unknown = finding("OSV-2020-1", "unknown", libc, std::nullopt, "");
  unknown.published = "2020-01-01T00:00:00.123+02:00";
  r.findings = {critical, critical2, medium, hostile, unknown};
  return r;
}

}  // namespace regscand::server::reports::testing
