// `regscand scan REF`: resolves an image from a registry, an OCI layout or a `docker save` archive without
// a daemon or a database and prints what it found as JSON or a table. Exit 0 when scanned, 1 when the
// scan failed (unreachable, not found, unsupported, corrupt, an unreadable feed), 2 for a malformed reference
// or options. With --feeds, the findings from those feed files too.
#pragma once

#include <string>
#include <vector>

namespace regscand::server {

struct ScanCommandOptions {
  std::string reference;
  std::string format = "json";         // json | table
  std::vector<std::string> platforms;  // empty = all
  std::string credentials;             // "user:password" for a registry; empty = anonymous
  bool plain_http = false;             // registry over http instead of https
  bool insecure_skip_verify = false;
  std::vector<std::string> feeds;  // feed files or directories to match against; none = inventory only
};

int run_scan(const ScanCommandOptions& options);

}  // namespace regscand::server
