// Harbor webhooks, in both of Harbor's payload formats (detected from the body):
//   default JSON  {type: PUSH_ARTIFACT|PULL_ARTIFACT|DELETE_ARTIFACT, occur_at, operator,
//   event_data{resources[], repository{}}} CloudEvents   {specversion, id, type:
//   harbor.artifact.pushed|pulled|deleted, time, data{resources[], repository{}}}
// Other event types are acknowledged and ignored. The default format has no event id, so one is derived
// from the payload: a redelivery of the same event gets the same id.
#pragma once

#include <string_view>

#include "config/base/error.hpp"
#include "server/webhooks/parsed_webhook.hpp"

namespace regscand::server::webhooks {

[[nodiscard]] Result<ParsedWebhook> parse_harbor(std::string_view body);

}  // namespace regscand::server::webhooks
