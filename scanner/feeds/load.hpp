// A feed source read from the filesystem: its kind, detected by content (an OSV zip or directory or record,
// a Debian tracker JSON, an Alpine secdb JSON), a fingerprint of the bytes read (an unchanged source is
// skipped), and its advisories with the records rejected. URLs are not fetched here.
#pragma once

#include <filesystem>
#include <string>

#include "config/base/error.hpp"
#include "scanner/feeds/advisory.hpp"

namespace regscand::scanner::feeds {

struct LoadedFeed {
  std::string kind;  // "osv-zip", "osv-dir", "osv-record", "debian-tracker", "alpine-secdb"
  std::string fingerprint;
  ImportResult result;
};

// sha256 of a file's bytes; for a directory, of its regular files' relative paths and digests, sorted.
[[nodiscard]] Result<std::string> fingerprint_source(const std::filesystem::path& path);

// InvalidArgument when the content is none of the known kinds; NotFound when the path does not exist.
[[nodiscard]] Result<LoadedFeed> load_feed(const std::filesystem::path& path);

}  // namespace regscand::scanner::feeds
