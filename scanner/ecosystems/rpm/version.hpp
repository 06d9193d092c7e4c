// RPM version ordering as rpm 4.18 does it: rpmvercmp() on single strings (alphanumeric segments, digits
// by value at any length, `~` before everything, `^` after the base), EVR on [epoch:]version[-release].
// rpm accepts any string; the one refusal here is a NUL byte, which no rpm header string can hold.
#pragma once

#include <optional>
#include <string_view>

namespace regscand::scanner::ecosystems::rpm {

// rpmvercmp(): <0, 0 or >0 as `a` sorts before, with or after `b`; nullopt when either holds a NUL.
std::optional<int> compare_segments(std::string_view a, std::string_view b);

struct Evr {
  std::string_view epoch;  // empty when absent (compares as 0)
  std::string_view version;
  std::optional<std::string_view> release;  // absent (no `-`) sorts before any release, even an empty one
};

// rpm's parseEVR(): leading digits then `:` are the epoch, the text after the last `-` the release.
Evr parse_evr(std::string_view text);

// rpm's labelCompare() (as rpmdev-vercmp orders): epoch, version, release, each by rpmvercmp(). Not
// rpmverCmp(), which lets a missing release match any in dependency ranges and so is no total order.
int compare(const Evr& a, const Evr& b);

// Both parsed as EVRs and compared; nullopt when either holds a NUL.
std::optional<int> compare(std::string_view a, std::string_view b);

// claircore's NEVRA ordering (name, epoch, version, release, arch) for `[name-]E:V-R[.arch]` strings, the
// arch recognised from a fixed list (aarch64 i386 i686 noarch ppc64le riscv s390x src x86_64); a missing name
// or arch sorts first. nullopt when either has no `-` or holds a NUL.
std::optional<int> compare_nevra(std::string_view a, std::string_view b);

}  // namespace regscand::scanner::ecosystems::rpm
