// Maven version ordering as current Maven master's ComparableVersion does it (post MNG-7644: `2.0.a` equals
// `2.0.0.a`): items split at `.`, `-` and digit/letter changes, known qualifiers alpha < beta < milestone
// < rc < snapshot < "" = ga = final = release < sp, then other qualifiers as strings.
#pragma once

#include <optional>
#include <string_view>

namespace regscand::scanner::ecosystems::maven {

// <0, 0 or >0 as `a` sorts before, with or after `b`. Every string Maven accepts is ordered; nullopt for
// what it refuses (over 256 UTF-16 code units) and for invalid UTF-8. Letters are lower-cased as Java's
// toLowerCase(Locale.ENGLISH) does for Latin, Greek and Cyrillic; only ASCII digits count as digits.
std::optional<int> compare(std::string_view a, std::string_view b);

}  // namespace regscand::scanner::ecosystems::maven
