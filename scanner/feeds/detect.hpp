// What kind of feed a path holds, decided by its content, never its name:
//   a directory                                                   OsvDirectory (OSV records, one per file)
//   bytes starting "PK\x03\x04" (or "PK\x05\x06", an empty zip)   OsvZip
//   a JSON object with a string "distroversion" and "packages"    AlpineSecdb
//   a JSON object whose members are objects with "CVE-…"/"TEMP-…"
//     members that are objects with "releases"                    DebianTracker
//   a JSON object with string "id" and "modified"                 OsvRecord
//   anything else, an unreadable path or a missing one            Unknown
// Only the first kDetectPrefixBytes are read, and read as a stream of JSON events (nlohmann's SAX parser,
// stopped at the first decisive member), so a truncated prefix is fine as long as the decisive members lie
// in it: an OSV record whose "id" or "modified" comes after a megabyte of "affected" is Unknown.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace regscand::scanner::feeds {

enum class FeedKind { OsvZip, OsvDirectory, OsvRecord, DebianTracker, AlpineSecdb, Unknown };

inline constexpr std::size_t kDetectPrefixBytes = std::size_t{1} << 20;

// "osv-zip", "osv-dir", "osv-record", "debian-tracker", "alpine-secdb", "unknown".
std::string_view feed_kind_name(FeedKind kind);

FeedKind detect_feed(const std::filesystem::path& path);

// The same decision on the first bytes of a file (at most kDetectPrefixBytes are looked at).
FeedKind detect_feed_content(std::string_view prefix);

}  // namespace regscand::scanner::feeds
