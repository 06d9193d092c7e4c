// The first phase of a scan: from a reference to the images it names. An image manifest gives one image;
// an index (OCI index, Docker manifest list) fans out to its platform manifests, attestations skipped and
// optionally filtered by platform. Each image comes with its parsed manifest and config (fetched and
// verified). Schema 1 and unknown media types are Unimplemented ("unsupported manifest: ...").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scanner/model/image_manifest.hpp"
#include "scanner/pipeline/config_cache.hpp"
#include "scanner/pipeline/image_source.hpp"

namespace regscand::scanner::pipeline {

struct ResolvedImage {
  Digest digest;  // of the image manifest
  std::string media_type;
  std::uint64_t size = 0;
  std::optional<Digest> index;  // the index it was reached through
  ImageManifest manifest;
  ImageConfig config;
};

struct Resolved {
  Digest digest;  // of what `reference` named (the index, for an index)
  std::string media_type;
  std::vector<ResolvedImage> images;
  std::vector<std::string> skipped;  // index entries not scanned, with the reason
  std::uint64_t bytes_fetched = 0;   // manifests and configs
};

struct ResolveOptions {
  std::vector<std::string> platforms = {};  // "linux/amd64", "linux/arm64/v8"; empty = all
  std::uint64_t max_config_bytes = 8 * 1024 * 1024;
  ConfigCache* configs = nullptr;  // configs known from earlier scans are not fetched again
};

[[nodiscard]] Result<Resolved> resolve_images(ImageSource& source, std::string_view reference,
                                              const ResolveOptions& options = {});
// The same from the manifest the reference named, already fetched from `source` (it is not fetched again).
[[nodiscard]] Result<Resolved> resolve_images(ImageSource& source, registry::ManifestHead head,
                                              const ResolveOptions& options = {});

}  // namespace regscand::scanner::pipeline
