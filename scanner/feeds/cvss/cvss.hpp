// CVSS base scores from vector strings. v3.0/v3.1: the specification's base equations (v3.1 with Appendix A's
// floating-point-safe Roundup, v3.0 with its plain ceiling). v4.0: CVSS-B, the MacroVector lookup and
// interpolation of FIRST's reference calculator, from the base metrics alone. Pure; a malformed vector
// (bad prefix, unknown or duplicate metric, bad value, missing base metric) is InvalidArgument naming the
// fault.
#pragma once

#include <string_view>

#include "config/base/error.hpp"
#include "scanner/feeds/advisory.hpp"

namespace regscand::scanner::feeds::cvss {

enum class Version { V3_0, V3_1, V4_0 };

struct Score {
  Version version = Version::V3_1;
  double base = 0;  // one decimal place, 0.0 to 10.0
  Severity severity = Severity::Unknown;
};

// Metrics may come in any order; threat, temporal, environmental and supplemental metrics are checked but do
// not change the base score.
[[nodiscard]] Result<Score> score(std::string_view vector);

// The specification's qualitative rating, with its "None" (0.0) mapped to Negligible.
Severity rating(double score);

}  // namespace regscand::scanner::feeds::cvss
