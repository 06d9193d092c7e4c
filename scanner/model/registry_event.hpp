// One registry notification reduced to what regscand acts on, whatever registry kind sent it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/model/digest.hpp"

namespace regscand::scanner {

enum class EventAction { Push, Pull, Delete };
std::string_view to_string(EventAction action);

struct RegistryEvent {
  std::string id;  // the registry's event id (or one derived from the payload): the idempotency key
  EventAction action = EventAction::Push;
  std::string repository;
  std::optional<Digest> digest;  // absent only for a tag-only delete
  std::string tag;               // empty when the event names no tag
  std::string media_type;        // of the manifest; empty on distribution deletes
  std::int64_t size = 0;
  std::string occurred_at;  // RFC 3339 as the registry sent it; empty when unknown
  std::string method;       // HTTP method of the registry request (GET/HEAD for pulls); may be empty
  std::string user_agent;   // User-Agent of that request (distribution, ACR); empty when not sent
  std::string actor;        // Harbor's operator: the account that made the request; empty elsewhere
  bool quarantine = false;  // ACR quarantine: pushed but held until scanned
};

// Manifest, index and manifest-list media types (OCI and Docker, incl. schema 1, which scans report as
// unsupported). Blob and layer events are not images and are dropped by the parsers.
bool is_manifest_media_type(std::string_view media_type);

}  // namespace regscand::scanner
