// Pure detection of what a manifest body is: OCI manifest or index, Docker v2 manifest or manifest list, or
// Docker schema 1 (reported as unsupported by callers). Uses the response Content-Type and the JSON itself;
// InvalidArgument when the JSON is malformed, the types contradict each other, or the shape fits nothing.
#pragma once

#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::scanner::registry {

inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerSchema1Signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

// The Accept header of a manifest GET: every type above.
std::string_view manifest_accept_header();

enum class ManifestKind { OciManifest, OciIndex, DockerManifest, DockerManifestList, DockerSchema1 };
std::string_view to_string(ManifestKind kind);

struct ManifestShape {
  ManifestKind kind = ManifestKind::OciManifest;
  std::string
      media_type;  // the Content-Type essence, else the JSON mediaType, else the kind's OCI/Docker type

  bool is_index() const { return kind == ManifestKind::OciIndex || kind == ManifestKind::DockerManifestList; }
  bool is_schema1() const { return kind == ManifestKind::DockerSchema1; }
};

// "Application/JSON; charset=utf-8" -> "application/json": type/subtype, trimmed, lower case.
std::string media_type_essence(std::string_view content_type);

// `content_type` may be empty or generic (application/json, text/plain, application/octet-stream); then the
// body's mediaType field, or failing that its shape (manifests[] vs config+layers), decides.
[[nodiscard]] Result<ManifestShape> detect_manifest(std::string_view content_type, std::string_view body);

}  // namespace regscand::scanner::registry
