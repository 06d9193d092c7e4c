#include "scanner/registry/manifest.hpp"

#include <algorithm>
#include <optional>

#include "config/base/json_input.hpp"

namespace regscand::scanner::registry {
namespace {

std::optional<ManifestKind> kind_of(std::string_view media_type) {
  if (media_type == kOciManifest) return ManifestKind::OciManifest;
  if (media_type == kOciIndex) return ManifestKind::OciIndex;
  if (media_type == kDockerManifest) return ManifestKind::DockerManifest;
  if (media_type == kDockerManifestList) return ManifestKind::DockerManifestList;
  if (media_type == kDockerSchema1 || media_type == kDockerSchema1Signed) return ManifestKind::DockerSchema1;
  return std::nullopt;
}

bool is_generic(std::string_view media_type) {
  return media_type.empty() || media_type == "application/json" || media_type == "text/plain" ||
         media_type == "application/octet-stream";
}

std::unexpected<Error> invalid(std::string what) {
  return fail(ErrorCode::InvalidArgument, "manifest: " + std::move(what));
}

// Kind from the JSON shape alone (OCI allows manifests without mediaType).
Result<ManifestKind> kind_from_shape(const nlohmann::json& doc) {
  const auto version = doc.find("schemaVersion");
  if (version == doc.end() || !version->is_number_integer()) return invalid("no integer schemaVersion");
  if (*version == 1) return ManifestKind::DockerSchema1;
  if (*version != 2) return invalid("unsupported schemaVersion " + version->dump());
  const bool has_manifests = doc.contains("manifests") && doc["manifests"].is_array();
  const bool has_layers = doc.contains("layers") && doc["layers"].is_array();
  const bool has_config = doc.contains("config") && doc["config"].is_object();
  if (has_manifests && !has_layers && !has_config) return ManifestKind::OciIndex;
  if (has_layers && has_config && !has_manifests) return ManifestKind::OciManifest;
  return invalid("neither an image manifest nor an index");
}

// The shape must agree with the kind the media types claim.
Result<void> check_shape(ManifestKind kind, const nlohmann::json& doc) {
  auto shape = kind_from_shape(doc);
  if (!shape) return std::unexpected(std::move(shape).error());
  const bool index = kind == ManifestKind::OciIndex || kind == ManifestKind::DockerManifestList;
  const bool schema1 = kind == ManifestKind::DockerSchema1;
  if (schema1 != (*shape == ManifestKind::DockerSchema1))
    return invalid("schemaVersion contradicts media type");
  if (schema1) return {};
  if (index != (*shape == ManifestKind::OciIndex)) return invalid("JSON shape contradicts media type");
  return {};
}

}  // namespace

std::string_view manifest_accept_header() {
  static constexpr std::string_view kAccept =
      "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
      "application/vnd.docker.distribution.manifest.v2+json, "
      "application/vnd.docker.distribution.manifest.list.v2+json, "
      "application/vnd.docker.distribution.manifest.v1+prettyjws, "
      "application/vnd.docker.distribution.manifest.v1+json";
  return kAccept;
}

std::string_view to_string(ManifestKind kind) {
  switch (kind) {
    case ManifestKind::OciManifest:
      return "oci-manifest";
    case ManifestKind::OciIndex:
      return "oci-index";
    case ManifestKind::DockerManifest:
      return "docker-manifest";
    case ManifestKind::DockerManifestList:
      return "docker-manifest-list";
    case ManifestKind::DockerSchema1:
      return "docker-schema1";
  }
  return "oci-manifest";
}

std::string media_type_essence(std::string_view content_type) {
  auto essence = content_type.substr(0, content_type.find(';'));
  while (!essence.empty() && (essence.front() == ' ' || essence.front() == '\t')) essence.remove_prefix(1);
  while (!essence.empty() && (essence.back() == ' ' || essence.back() == '\t')) essence.remove_suffix(1);
  std::string out(essence);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

Result<ManifestShape> detect_manifest(std::string_view content_type, std::string_view body) {
  auto doc = parse_json(body, JsonLimits{.max_depth = 64, .max_bytes = body.size()});
  if (!doc) return invalid(doc.error().message);
  if (!doc->is_object()) return invalid("not a JSON object");

  std::string field;
  if (const auto it = doc->find("mediaType"); it != doc->end()) {
    if (!it->is_string()) return invalid("mediaType is not a string");
    field = it->get<std::string>();
  }
  const auto header = media_type_essence(content_type);
  const auto header_kind = kind_of(header);
  const auto field_kind = kind_of(field);
  if (!header_kind && !is_generic(header)) return invalid("unsupported Content-Type " + header);
  if (!field.empty() && !field_kind) return invalid("unsupported mediaType " + field);
  if (header_kind && field_kind && *header_kind != *field_kind) {
    return invalid("Content-Type " + header + " contradicts mediaType " + field);
  }

  ManifestShape shape;
  if (header_kind || field_kind) {
    shape.kind = header_kind ? *header_kind : *field_kind;
    shape.media_type = header_kind ? header : field;
  } else {
    auto kind = kind_from_shape(*doc);
    if (!kind) return std::unexpected(std::move(kind).error());
    shape.kind = *kind;
    shape.media_type = std::string(*kind == ManifestKind::OciIndex      ? kOciIndex
                                   : *kind == ManifestKind::OciManifest ? kOciManifest
                                                                        : kDockerSchema1);
  }
  auto checked = check_shape(shape.kind, *doc);
  if (!checked) return std::unexpected(std::move(checked).error());
  return shape;
}

}  // namespace regscand::scanner::registry
