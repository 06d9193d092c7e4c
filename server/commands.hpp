// The subcommands of the regscand binary. Each returns the process exit code; none throws for a
// configuration or environment problem (it logs it and returns non-zero).
#pragma once

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

}  // namespace regscand::server
