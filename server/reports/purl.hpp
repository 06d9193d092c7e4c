// Package URLs (github.com/package-url/purl-spec) for inventory packages. The type follows the ecosystem
// (dpkg -> deb, apk, rpm, pypi, npm, gem, maven; anything else generic); OS packages take the distribution as
// namespace and the qualifiers arch, distro (and epoch for rpm, split off the version); every component is
// percent-encoded (all but A-Za-z0-9 . - _ ~), qualifiers sorted by key. Pure; never fails.
#pragma once

#include <string>
#include <string_view>

#include "server/reports/report.hpp"

namespace regscand::server::reports {

std::string purl(const ReportPackage& package, const ReportImage& image);

// Percent-encodes every byte outside A-Za-z0-9 . - _ ~ (upper-case hex).
std::string purl_encode(std::string_view text);

}  // namespace regscand::server::reports
