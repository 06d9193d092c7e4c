// The subcommands of the regscand binary. Each returns the process exit code; none throws for a
// configuration or environment problem (it logs it and returns non-zero).
#pragma once

#include "config/config.hpp"

namespace regscand::server {

// Runs the daemon until SIGINT or SIGTERM: database (embedded or URL), migrations, HTTP server.
int run_serve(const config::Config& config);

// Applies pending migrations and exits.
int run_migrate(const config::Config& config);

}  // namespace regscand::server
