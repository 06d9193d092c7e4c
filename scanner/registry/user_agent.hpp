// The User-Agent regscand sends to registries, and its recognition when a registry echoes it back in a
// webhook (request.useragent): regscand's own manifest GETs are not user pulls.
#pragma once

#include <string>
#include <string_view>

namespace regscand::scanner::registry {

// "regscand/<version>".
std::string user_agent();

// True when the first product token of `value` is "regscand", whatever the version and comments
// ("regscand", "regscand/0.1.0", "regscand/0.2.0 (x)"): replicas of two versions share a registry during
// an upgrade. False for "regscandal/1", "curl/8.0 regscand/0.1.0", "".
bool is_own_user_agent(std::string_view value);

}  // namespace regscand::scanner::registry
