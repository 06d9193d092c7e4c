#include "server/webhooks/own_pulls.hpp"

#include <algorithm>

#include "scanner/registry/user_agent.hpp"

namespace regscand::server::webhooks {

bool is_own_pull(const scanner::RegistryEvent& event, const config::RegistryConfig& registry) {
  if (event.action != scanner::EventAction::Pull) return false;
  if (!event.user_agent.empty()) return scanner::registry::is_own_user_agent(event.user_agent);
  return registry.auth.type == config::RegistryAuthType::Basic && !registry.auth.username.empty() &&
         event.actor == registry.auth.username;
}

std::size_t drop_own_pulls(std::vector<scanner::RegistryEvent>& events,
                           const config::RegistryConfig& registry) {
  const auto removed = std::erase_if(events, [&](const auto& event) { return is_own_pull(event, registry); });
  return static_cast<std::size_t>(removed);
}

}  // namespace regscand::server::webhooks
