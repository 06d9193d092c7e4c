// The environment layer: applies REGSCAND_* variables onto a Config (internal to config/).
// Scalars: REGSCAND_ + the key path upper-cased with '_' for '.', from the fixed key table.
// Lists: REGSCAND_AUTH_TOKENS="name:role:token,...", REGSCAND_AUTH_WEBHOOK_TOKENS="name:token,..." and
// REGSCAND_FEEDS_SOURCES="path-or-url,...", each replacing the list below it. `registries` has no variables
// (REGSCAND_REGISTRIES* is an error pointing to the file). REGSCAND_CONFIG is skipped (see
// resolve_config_file); any other unknown REGSCAND_* variable is an error naming it.
#pragma once

#include <string>
#include <vector>

#include "config/base/error.hpp"
#include "config/config.hpp"

namespace regscand::config {

inline constexpr std::string_view kTokensVariable = "REGSCAND_AUTH_TOKENS";
inline constexpr std::string_view kWebhookTokensVariable = "REGSCAND_AUTH_WEBHOOK_TOKENS";
inline constexpr std::string_view kFeedSourcesVariable = "REGSCAND_FEEDS_SOURCES";

[[nodiscard]] Result<void> apply_environment(Config& config, const Environment& env);

// Every variable apply_environment() understands, REGSCAND_CONFIG included, sorted.
std::vector<std::string> known_variables();

}  // namespace regscand::config
