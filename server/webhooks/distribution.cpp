#include "server/webhooks/distribution.hpp"

#include "config/base/json_input.hpp"
#include "server/webhooks/json_fields.hpp"

namespace regscand::server::webhooks {
namespace {

using scanner::EventAction;
using scanner::RegistryEvent;

std::optional<EventAction> action_of(std::string_view action) {
  if (action == "push") return EventAction::Push;
  if (action == "pull") return EventAction::Pull;
  if (action == "delete") return EventAction::Delete;
  return std::nullopt;
}

Result<void> read_common(const nlohmann::json& event, const nlohmann::json& target, const std::string& path,
                         RegistryEvent& out) {
  auto id = required_string(event, "id", path);
  if (!id) return std::unexpected(id.error());
  if (id->empty() || id->size() > 256)
    return fail(ErrorCode::InvalidArgument, path + ".id: must be 1..256 bytes");
  out.id = std::move(*id);
  auto repository = required_string(target, "repository", path + ".target");
  if (!repository) return std::unexpected(repository.error());
  auto checked = checked_repository(std::move(*repository), path + ".target.repository");
  if (!checked) return std::unexpected(checked.error());
  out.repository = std::move(*checked);
  auto tag = optional_string(target, "tag", path + ".target");
  if (!tag) return std::unexpected(tag.error());
  auto checked_t = checked_tag(std::move(*tag), path + ".target.tag");
  if (!checked_t) return std::unexpected(checked_t.error());
  out.tag = std::move(*checked_t);
  auto timestamp = optional_string(event, "timestamp", path);
  if (!timestamp) return std::unexpected(timestamp.error());
  out.occurred_at = std::move(*timestamp);
  const auto request = event.find("request");
  if (request != event.end() && request->is_object()) {
    auto method = optional_string(*request, "method", path + ".request");
    if (!method) return std::unexpected(method.error());
    out.method = std::move(*method);
    auto user_agent = optional_string(*request, "useragent", path + ".request");
    if (!user_agent) return std::unexpected(user_agent.error());
    out.user_agent = std::move(*user_agent);
  }
  return {};
}

}  // namespace

Result<std::optional<RegistryEvent>> parse_distribution_event(const nlohmann::json& event,
                                                              std::string_view at) {
  const std::string path(at);
  if (!event.is_object()) return fail(ErrorCode::InvalidArgument, path + ": must be an object");
  auto action_name = required_string(event, "action", path);
  if (!action_name) return std::unexpected(action_name.error());
  const auto action = action_of(*action_name);
  if (!action) return std::optional<RegistryEvent>();
  auto target = required_object(event, "target", path);
  if (!target) return std::unexpected(target.error());
  auto media_type = optional_string(**target, "mediaType", path + ".target");
  if (!media_type) return std::unexpected(media_type.error());
  // Deletes carry no media type in distribution; every other blob/layer event is dropped here, unread.
  if (*action != EventAction::Delete && !scanner::is_manifest_media_type(*media_type)) {
    return std::optional<RegistryEvent>();
  }

  RegistryEvent out;
  out.action = *action;
  out.media_type = std::move(*media_type);
  if (auto common = read_common(event, **target, path, out); !common) return std::unexpected(common.error());
  auto digest = optional_string(**target, "digest", path + ".target");
  if (!digest) return std::unexpected(digest.error());
  if (!digest->empty()) {
    auto parsed = parse_digest_field(*digest, path + ".target.digest");
    if (!parsed) return std::unexpected(parsed.error());
    out.digest = std::move(*parsed);
  } else if (*action != EventAction::Delete || out.tag.empty()) {
    return fail(ErrorCode::InvalidArgument, path + ".target.digest: missing");
  }
  auto size = optional_size(**target, "size", path + ".target");
  if (!size) return std::unexpected(size.error());
  out.size = *size;
  return std::optional<RegistryEvent>(std::move(out));
}

Result<ParsedWebhook> parse_distribution(std::string_view body) {
  auto doc = parse_json(body);
  if (!doc) return std::unexpected(doc.error());
  if (!doc->is_object())
    return fail(ErrorCode::InvalidArgument, "body: must be an object with an events array");
  const auto events = doc->find("events");
  if (events == doc->end() || !events->is_array())
    return fail(ErrorCode::InvalidArgument, "events: missing array");
  ParsedWebhook parsed;
  for (std::size_t i = 0; i < events->size(); ++i) {
    auto event = parse_distribution_event((*events)[i], "events[" + std::to_string(i) + "]");
    if (!event) return std::unexpected(event.error());
    if (!*event) {
      ++parsed.ignored;
      continue;
    }
    parsed.events.push_back(std::move(**event));
  }
  return parsed;
}

}  // namespace regscand::server::webhooks
