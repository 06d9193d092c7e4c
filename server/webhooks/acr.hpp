// Azure Container Registry webhooks: one flat event per POST ({id, timestamp, action, target, request}).
// push and quarantine (flagged) and delete are acted on; chart_push/chart_delete and others are ignored.
#pragma once

#include <string_view>

#include "config/base/error.hpp"
#include "server/webhooks/parsed_webhook.hpp"

namespace regscand::server::webhooks {

[[nodiscard]] Result<ParsedWebhook> parse_acr(std::string_view body);

}  // namespace regscand::server::webhooks
