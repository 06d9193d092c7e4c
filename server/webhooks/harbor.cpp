#include "server/webhooks/harbor.hpp"

#include <optional>

#include "config/base/json_input.hpp"
#include "config/base/sha256.hpp"
#include "server/webhooks/json_fields.hpp"

namespace regscand::server::webhooks {
namespace {

using scanner::EventAction;
using scanner::RegistryEvent;

constexpr std::size_t kMaxResources = 10'000;

std::optional<EventAction> action_of(std::string_view type) {
  if (type == "PUSH_ARTIFACT" || type == "harbor.artifact.pushed") return EventAction::Push;
  if (type == "PULL_ARTIFACT" || type == "harbor.artifact.pulled") return EventAction::Pull;
  if (type == "DELETE_ARTIFACT" || type == "harbor.artifact.deleted") return EventAction::Delete;
  return std::nullopt;
}

Result<std::string> repository_of(const nlohmann::json& data, const std::string& path) {
  auto repo = required_object(data, "repository", path);
  if (!repo) return std::unexpected(repo.error());
  auto full = optional_string(**repo, "repo_full_name", path + ".repository");
  if (!full) return std::unexpected(full.error());
  if (full->empty()) {
    auto ns = required_string(**repo, "namespace", path + ".repository");
    if (!ns) return std::unexpected(ns.error());
    auto name = required_string(**repo, "name", path + ".repository");
    if (!name) return std::unexpected(name.error());
    *full = *ns + "/" + *name;
  }
  return checked_repository(std::move(*full), path + ".repository.repo_full_name");
}

// occur_at is Unix seconds in the default format; time is RFC 3339 in CloudEvents.
std::string occurred_at(const nlohmann::json& doc) {
  if (const auto t = doc.find("time"); t != doc.end() && t->is_string()) return t->get<std::string>();
  if (const auto t = doc.find("occur_at"); t != doc.end() && t->is_number_integer()) {
    return std::to_string(t->get<std::int64_t>());
  }
  return {};
}

}  // namespace

Result<ParsedWebhook> parse_harbor(std::string_view body) {
  auto doc = parse_json(body);
  if (!doc) return std::unexpected(doc.error());
  if (!doc->is_object()) return fail(ErrorCode::InvalidArgument, "body: must be a Harbor event object");
  const bool cloud_event = doc->contains("specversion");
  auto type = required_string(*doc, "type", "");
  if (!type) return std::unexpected(type.error());
  ParsedWebhook parsed;
  const auto action = action_of(*type);
  if (!action) {
    parsed.ignored = 1;
    return parsed;
  }
  const std::string data_key = cloud_event ? "data" : "event_data";
  auto data = required_object(*doc, data_key, "");
  if (!data) return std::unexpected(data.error());
  auto repository = repository_of(**data, data_key);
  if (!repository) return std::unexpected(repository.error());
  std::string base_id;
  if (cloud_event) {
    auto id = required_string(*doc, "id", "");
    if (!id) return std::unexpected(id.error());
    if (id->empty() || id->size() > 200) return fail(ErrorCode::InvalidArgument, "id: must be 1..200 bytes");
    base_id = "ce:" + *id;
  }
  const auto resources = data.value()->find("resources");
  if (resources == data.value()->end() || !resources->is_array()) {
    return fail(ErrorCode::InvalidArgument, data_key + ".resources: missing array");
  }
  if (resources->size() > kMaxResources)
    return fail(ErrorCode::InvalidArgument, data_key + ".resources: too many");
  const std::string when = occurred_at(*doc);
  auto operator_name = optional_string(*doc, "operator", "");
  if (!operator_name) return std::unexpected(operator_name.error());
  for (std::size_t i = 0; i < resources->size(); ++i) {
    const std::string path = data_key + ".resources[" + std::to_string(i) + "]";
    const auto& resource = (*resources)[i];
    if (!resource.is_object()) return fail(ErrorCode::InvalidArgument, path + ": must be an object");
    auto digest_text = required_string(resource, "digest", path);
    if (!digest_text) return std::unexpected(digest_text.error());
    auto digest = parse_digest_field(*digest_text, path + ".digest");
    if (!digest) return std::unexpected(digest.error());
    auto tag = optional_string(resource, "tag", path);
    if (!tag) return std::unexpected(tag.error());
    if (*tag == *digest_text) tag->clear();  // Harbor repeats the digest as "tag" for untagged artifacts
    auto checked = checked_tag(std::move(*tag), path + ".tag");
    if (!checked) return std::unexpected(checked.error());

    RegistryEvent event;
    event.action = *action;
    event.repository = *repository;
    event.digest = std::move(*digest);
    event.tag = std::move(*checked);
    event.occurred_at = when;
    event.method = *action == EventAction::Pull ? "GET" : "";
    event.actor = *operator_name;
    event.id = cloud_event ? base_id + ":" + std::to_string(i)
                           : "harbor:" + sha256_hex(*type + "\n" + when + "\n" + event.repository + "\n" +
                                                    event.digest->str() + "\n" + event.tag);
    parsed.events.push_back(std::move(event));
  }
  return parsed;
}

}  // namespace regscand::server::webhooks
