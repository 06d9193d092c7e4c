// The subcommands of the regscand binary. Each returns the process exit code; none throws for a
// configuration or environment problem (it logs it and returns non-zero).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace regscand::server {

// Runs the daemon until SIGINT or SIGTERM: database (embedded or URL), migrations, HTTP server.
int run_serve(const config::Config& config);

// Applies pending migrations and exits.
int run_migrate(const config::Config& config);

// Imports feed sources (these, or feeds.sources), re-matches the stored inventories they touch and prints
// a line per source. Exit 0 when every source imported or was unchanged, 1 otherwise, 2 with no source.
int run_feeds_import(const config::Config& config, std::vector<std::string> sources, bool force);

// Prints each effective feed source's stored state (kind, advisories, last success, last check, last
// attempt, last error), then stored sources no longer configured. Exit 0 when every configured source has
// been imported and its last attempt succeeded, 1 otherwise.
int run_feeds_status(const config::Config& config);

// Downloads every effective URL source (from feeds.mirror when set, so a mirror can feed another) into
// dir/<host>/<path>, so a static file server on dir is a feeds.mirror. A source that fails is reported and
// the others go on. Exit 0 when every URL was written, 1 otherwise.
int run_feeds_mirror(const config::Config& config, const std::filesystem::path& dir);

}  // namespace regscand::server
