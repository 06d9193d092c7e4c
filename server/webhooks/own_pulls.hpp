// regscand's own manifest GETs come back from the registry as pull events. They are not user pulls: counted,
// every scanned image would look recently pulled and the rescan rule ("pulled within 30 days") would mean
// nothing. They are recognised by the User-Agent the registry echoes (distribution; ACR sends no pull
// events), or, for an event with none (Harbor), by its operator being the account regscand pulls with.
#pragma once

#include <cstddef>
#include <vector>

#include "config/config.hpp"
#include "scanner/model/registry_event.hpp"

namespace regscand::server::webhooks {

bool is_own_pull(const scanner::RegistryEvent& event, const config::RegistryConfig& registry);

// Removes regscand's own pulls from `events`; returns how many there were.
std::size_t drop_own_pulls(std::vector<scanner::RegistryEvent>& events,
                           const config::RegistryConfig& registry);

}  // namespace regscand::server::webhooks
