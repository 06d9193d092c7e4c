// What a webhook parser returns: the events regscand acts on, and how many it acknowledged but dropped
// (blob/layer events, charts, unknown actions). A parser fails only on malformed input, naming the field.
#pragma once

#include <cstddef>
#include <vector>

#include "scanner/model/registry_event.hpp"

namespace regscand::server::webhooks {

struct ParsedWebhook {
  std::vector<scanner::RegistryEvent> events;
  std::size_t ignored = 0;
};

}  // namespace regscand::server::webhooks
