// CycloneDX 1.5 JSON SBOM with vulnerabilities for one image: metadata (timestamp, the tool in the 1.5
// "components" form, the image as a container component), every inventory package as a component (purl
// as bom-ref, introducing layer as properties; the distribution as an operating-system component), and one
// vulnerability per id with ratings, advisories, affects and a recommendation. The serial number is a
// UUID v5 of the image digest. Pure; never fails.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "server/reports/report.hpp"

namespace regscand::server::reports {

inline constexpr std::string_view kCycloneDxContentType = "application/vnd.cyclonedx+json;version=1.5";

nlohmann::json render_cyclonedx(const ImageReport& report);

// "urn:uuid:" + a UUID v5 (RFC 4122, SHA-1, URL namespace) of `name`.
std::string uuid_v5_urn(std::string_view name);

// CycloneDX 1.5 severity: critical, high, medium, low, info (negligible), unknown.
std::string_view cyclonedx_severity(std::string_view severity);

// CycloneDX 1.5 rating method of a CVSS vector: CVSSv31, CVSSv3, CVSSv4, CVSSv2 or other.
std::string_view cyclonedx_method(std::string_view vector);

}  // namespace regscand::server::reports
