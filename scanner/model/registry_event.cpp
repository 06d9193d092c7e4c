#include "scanner/model/registry_event.hpp"

#include <array>

namespace regscand::scanner {

std::string_view to_string(EventAction action) {
  switch (action) {
    case EventAction::Push:
      return "push";
    case EventAction::Pull:
      return "pull";
    case EventAction::Delete:
      return "delete";
  }
  return "push";
}

bool is_manifest_media_type(std::string_view media_type) {
  static constexpr std::array<std::string_view, 6> kManifestTypes = {
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.docker.distribution.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.v1+prettyjws",
  };
  const auto semicolon = media_type.find(';');
  const auto bare = media_type.substr(0, semicolon);
  for (const auto t : kManifestTypes) {
    if (bare == t) return true;
  }
  return false;
}

}  // namespace regscand::scanner
