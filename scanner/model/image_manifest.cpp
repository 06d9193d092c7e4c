#include "scanner/model/image_manifest.hpp"

#include <nlohmann/json.hpp>

#include "config/base/json_input.hpp"

namespace regscand::scanner {
namespace {

using nlohmann::json;

constexpr JsonLimits kManifestLimits{16, 4 * 1024 * 1024};
constexpr JsonLimits kConfigLimits{32, 8 * 1024 * 1024};
constexpr std::size_t kMaxHistory = 1024;
constexpr std::size_t kMaxEnv = 4096;

Result<const json*> member(const json& object, std::string_view key, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end())
    return fail(ErrorCode::InvalidArgument, path + "." + std::string(key) + ": missing");
  return &*it;
}

std::string string_or_empty(const json& object, std::string_view key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<Descriptor> descriptor(const json& node, const std::string& path) {
  if (!node.is_object()) return fail(ErrorCode::InvalidArgument, path + ": must be an object");
  auto digest = member(node, "digest", path);
  if (!digest) return std::unexpected(digest.error());
  if (!(*digest)->is_string()) return fail(ErrorCode::InvalidArgument, path + ".digest: must be a string");
  auto parsed = Digest::parse((*digest)->get<std::string>());
  if (!parsed) return fail(ErrorCode::InvalidArgument, path + ".digest: " + parsed.error().message);
  auto size = member(node, "size", path);
  if (!size) return std::unexpected(size.error());
  if (!(*size)->is_number_unsigned()) {
    return fail(ErrorCode::InvalidArgument, path + ".size: must be a non-negative integer");
  }
  return Descriptor{string_or_empty(node, "mediaType"), std::move(*parsed), (*size)->get<std::uint64_t>()};
}

Result<json> parse_object(std::string_view body, JsonLimits limits, std::string_view what) {
  auto doc = parse_json(body, limits);
  if (!doc) return fail(ErrorCode::InvalidArgument, std::string(what) + ": " + doc.error().message);
  if (!doc->is_object())
    return fail(ErrorCode::InvalidArgument, std::string(what) + ": must be a JSON object");
  return doc;
}

Platform platform_of(const json& node) {
  return Platform{string_or_empty(node, "os"), string_or_empty(node, "architecture"),
                  string_or_empty(node, "variant")};
}

}  // namespace

std::string Platform::str() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

Result<ImageManifest> parse_image_manifest(std::string_view body) {
  auto doc = parse_object(body, kManifestLimits, "manifest");
  if (!doc) return std::unexpected(doc.error());
  auto config = member(*doc, "config", "manifest");
  if (!config) return std::unexpected(config.error());
  auto config_descriptor = descriptor(**config, "manifest.config");
  if (!config_descriptor) return std::unexpected(config_descriptor.error());
  ImageManifest out{std::move(*config_descriptor), {}};
  auto layers = member(*doc, "layers", "manifest");
  if (!layers) return std::unexpected(layers.error());
  if (!(*layers)->is_array()) return fail(ErrorCode::InvalidArgument, "manifest.layers: must be an array");
  if ((*layers)->size() > kMaxLayers) {
    return fail(ErrorCode::InvalidArgument,
                "manifest.layers: more than " + std::to_string(kMaxLayers) + " layers");
  }
  for (std::size_t i = 0; i < (*layers)->size(); ++i) {
    auto layer = descriptor((**layers)[i], "manifest.layers[" + std::to_string(i) + "]");
    if (!layer) return std::unexpected(layer.error());
    out.layers.push_back(std::move(*layer));
  }
  return out;
}

Result<ImageIndex> parse_image_index(std::string_view body) {
  auto doc = parse_object(body, kManifestLimits, "index");
  if (!doc) return std::unexpected(doc.error());
  auto manifests = member(*doc, "manifests", "index");
  if (!manifests) return std::unexpected(manifests.error());
  if (!(*manifests)->is_array()) return fail(ErrorCode::InvalidArgument, "index.manifests: must be an array");
  if ((*manifests)->size() > kMaxIndexEntries) {
    return fail(ErrorCode::InvalidArgument,
                "index.manifests: more than " + std::to_string(kMaxIndexEntries) + " entries");
  }
  ImageIndex out;
  for (std::size_t i = 0; i < (*manifests)->size(); ++i) {
    const std::string path = "index.manifests[" + std::to_string(i) + "]";
    const json& node = (**manifests)[i];
    auto manifest = descriptor(node, path);
    if (!manifest) return std::unexpected(manifest.error());
    IndexEntry entry{std::move(*manifest), std::nullopt, false};
    if (const auto p = node.find("platform"); p != node.end() && p->is_object())
      entry.platform = platform_of(*p);
    if (const auto a = node.find("annotations"); a != node.end() && a->is_object()) {
      entry.attestation = a->contains("vnd.docker.reference.type");
    }
    if (entry.platform && entry.platform->os == "unknown" && entry.platform->architecture == "unknown") {
      entry.attestation = true;
    }
    out.manifests.push_back(std::move(entry));
  }
  return out;
}

Result<ImageConfig> parse_image_config(std::string_view body) {
  auto doc = parse_object(body, kConfigLimits, "image config");
  if (!doc) return std::unexpected(doc.error());
  ImageConfig out;
  out.platform = platform_of(*doc);
  if (const auto c = doc->find("config"); c != doc->end() && c->is_object()) {
    out.user = string_or_empty(*c, "User");
    if (const auto env = c->find("Env"); env != c->end() && env->is_array()) {
      for (const auto& e : *env) {
        if (out.env.size() >= kMaxEnv) break;
        if (e.is_string()) out.env.push_back(e.get<std::string>());
      }
    }
  }
  if (const auto h = doc->find("history"); h != doc->end() && h->is_array()) {
    for (const auto& entry : *h) {
      if (out.history.size() >= kMaxHistory) break;
      if (!entry.is_object()) continue;
      const auto empty = entry.find("empty_layer");
      out.history.push_back({string_or_empty(entry, "created_by"),
                             empty != entry.end() && empty->is_boolean() && empty->get<bool>()});
    }
  }
  if (const auto r = doc->find("rootfs"); r != doc->end() && r->is_object()) {
    if (const auto ids = r->find("diff_ids"); ids != r->end() && ids->is_array()) {
      if (ids->size() > kMaxLayers)
        return fail(ErrorCode::InvalidArgument, "image config.rootfs.diff_ids: too many");
      for (std::size_t i = 0; i < ids->size(); ++i) {
        const auto& id = (*ids)[i];
        auto digest = id.is_string() ? Digest::parse(id.get<std::string>())
                                     : Result<Digest>(fail(ErrorCode::InvalidArgument, "must be a string"));
        if (!digest) {
          return fail(ErrorCode::InvalidArgument,
                      "image config.rootfs.diff_ids[" + std::to_string(i) + "]: " + digest.error().message);
        }
        out.diff_ids.push_back(std::move(*digest));
      }
    }
  }
  return out;
}

bool is_filesystem_layer(std::string_view media_type) {
  return media_type.empty() || media_type.starts_with("application/vnd.oci.image.layer.") ||
         media_type.starts_with("application/vnd.docker.image.rootfs.");
}

}  // namespace regscand::scanner
