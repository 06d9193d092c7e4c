#include "server/webhooks/acr.hpp"

#include "config/base/json_input.hpp"
#include "server/webhooks/distribution.hpp"
#include "server/webhooks/json_fields.hpp"

namespace regscand::server::webhooks {

Result<ParsedWebhook> parse_acr(std::string_view body) {
  auto doc = parse_json(body);
  if (!doc) return std::unexpected(doc.error());
  if (!doc->is_object()) return fail(ErrorCode::InvalidArgument, "body: must be an ACR event object");
  auto action = required_string(*doc, "action", "");
  if (!action) return std::unexpected(action.error());

  ParsedWebhook parsed;
  const bool quarantine = *action == "quarantine";
  if (*action != "push" && *action != "delete" && !quarantine) {
    parsed.ignored = 1;  // chart_push, chart_delete, ping and future actions
    return parsed;
  }
  nlohmann::json event = *doc;
  if (quarantine) event["action"] = "push";
  auto read = parse_distribution_event(event, "event");
  if (!read) return std::unexpected(read.error());
  if (!*read) {
    parsed.ignored = 1;
    return parsed;
  }
  (*read)->quarantine = quarantine;
  parsed.events.push_back(std::move(**read));
  return parsed;
}

}  // namespace regscand::server::webhooks
