#include "scanner/pipeline/resolve.hpp"

#include <algorithm>

#include "scanner/registry/manifest.hpp"

namespace regscand::scanner::pipeline {
namespace {

using registry::ManifestKind;

Result<ResolvedImage> image_of(ImageSource& source, registry::ManifestHead head,
                               const ResolveOptions& options, std::uint64_t& bytes) {
  const std::string where = "manifest " + head.digest.str();
  auto manifest = parse_image_manifest(head.body);
  if (!manifest) return fail(ErrorCode::InvalidArgument, where + ": " + manifest.error().message);
  std::optional<std::string> cached;
  if (options.configs != nullptr) {
    auto found = options.configs->find_config(manifest->config.digest);
    if (!found) return std::unexpected(std::move(found).error());
    cached = std::move(*found);
  }
  registry::StringSink sink(options.max_config_bytes);
  if (!cached) {
    if (auto fetched = source.blob(manifest->config.digest, sink, options.max_config_bytes); !fetched) {
      auto error = std::move(fetched).error();
      error.message.insert(0, where + ": config: ");
      return std::unexpected(std::move(error));
    }
    bytes += sink.data().size();
  }
  const std::string_view bytes_read = cached ? std::string_view(*cached) : std::string_view(sink.data());
  auto config = parse_image_config(bytes_read);
  if (!config) return fail(ErrorCode::InvalidArgument, where + ": " + config.error().message);
  if (!cached && options.configs != nullptr) {
    if (auto stored = options.configs->store_config(manifest->config.digest, bytes_read); !stored) {
      return std::unexpected(std::move(stored).error());
    }
  }
  return ResolvedImage{std::move(head.digest), std::move(head.media_type), head.size,
                       std::nullopt,           std::move(*manifest),       std::move(*config)};
}

bool is_image(ManifestKind kind) {
  return kind == ManifestKind::OciManifest || kind == ManifestKind::DockerManifest;
}

}  // namespace

Result<Resolved> resolve_images(ImageSource& source, std::string_view reference,
                                const ResolveOptions& options) {
  auto head = source.manifest(reference);
  if (!head) return std::unexpected(std::move(head).error());
  return resolve_images(source, std::move(*head), options);
}

Result<Resolved> resolve_images(ImageSource& source, registry::ManifestHead head,
                                const ResolveOptions& options) {
  if (head.schema1) {
    return fail(ErrorCode::Unimplemented, "unsupported manifest: Docker schema 1 (" + head.media_type + ")");
  }
  Resolved out{head.digest, head.media_type, {}, {}, head.size};
  if (is_image(head.kind)) {
    auto image = image_of(source, std::move(head), options, out.bytes_fetched);
    if (!image) return std::unexpected(std::move(image).error());
    out.images.push_back(std::move(*image));
    return out;
  }
  auto index = parse_image_index(head.body);
  if (!index)
    return fail(ErrorCode::InvalidArgument, "index " + head.digest.str() + ": " + index.error().message);
  for (const auto& entry : index->manifests) {
    const std::string platform = entry.platform ? entry.platform->str() : "unknown platform";
    const std::string name = entry.manifest.digest.str() + " (" + platform + ")";
    if (entry.attestation) {
      out.skipped.push_back(name + ": attestation");
      continue;
    }
    if (!options.platforms.empty() &&
        std::find(options.platforms.begin(), options.platforms.end(), platform) == options.platforms.end()) {
      out.skipped.push_back(name + ": platform not selected");
      continue;
    }
    auto child = source.manifest(entry.manifest.digest.str());
    if (!child) return std::unexpected(std::move(child).error());
    out.bytes_fetched += child->size;
    if (!is_image(child->kind)) {
      out.skipped.push_back(name + ": not an image manifest (" + child->media_type + ")");
      continue;
    }
    auto image = image_of(source, std::move(*child), options, out.bytes_fetched);
    if (!image) return std::unexpected(std::move(image).error());
    image->index = out.digest;
    out.images.push_back(std::move(*image));
  }
  return out;
}

}  // namespace regscand::scanner::pipeline
