// CNCF distribution notifications: {"events":[...]} envelopes (events.v1+json and v2+json). Also the
// per-event reader ACR reuses, since ACR posts one event of the same shape per request.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/base/error.hpp"
#include "server/webhooks/parsed_webhook.hpp"

namespace regscand::server::webhooks {

[[nodiscard]] Result<ParsedWebhook> parse_distribution(std::string_view body);

// One distribution-shaped event; nullopt when it is acknowledged but not acted on (blob events, mounts,
// unknown actions). `path` prefixes field names in errors.
[[nodiscard]] Result<std::optional<scanner::RegistryEvent>> parse_distribution_event(
    const nlohmann::json& event, std::string_view path);

}  // namespace regscand::server::webhooks
