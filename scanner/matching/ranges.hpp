// Whether a version falls in an advisory's affected ranges, evaluated as the OSV specification says:
// events sorted by version, introduced opens an interval, fixed (exclusive) or last_affected (inclusive)
// closes it; explicit `versions` match exactly. Pure; the version order is the ecosystem's.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "scanner/feeds/advisory.hpp"

namespace regscand::scanner::matching {

using VersionOrder = std::function<std::optional<int>(std::string_view, std::string_view)>;

struct RangeHit {
  std::string fixed;  // the fixed version closing the interval that holds the version; "" when none
};

// nullopt when not affected. A range holding a version the order refuses is skipped (never a match by
// accident), as is an invalid installed version. GIT ranges are skipped: they need commit history.
std::optional<RangeHit> affected_version(const feeds::Affected& affected, std::string_view version,
                                         const VersionOrder& order);

}  // namespace regscand::scanner::matching
