// SARIF 2.1.0 for one image's open findings, in the shape GitHub code scanning uploads accept (modelled on
// Trivy's): one run; one rule per vulnerability id (descriptions, helpUri, help, security-severity, tags,
// precision, default level); one result per finding with a physical location (the package's database
// file, or the image reference when it has none) at line 1 and partialFingerprints. Pure; never fails.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "server/reports/report.hpp"

namespace regscand::server::reports {

inline constexpr std::string_view kSarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";
inline constexpr std::string_view kSarifContentType = "application/sarif+json";

nlohmann::json render_sarif(const ImageReport& report);

// "error" (critical, high), "warning" (medium), "note" (anything else).
std::string_view sarif_level(std::string_view severity);

}  // namespace regscand::server::reports
