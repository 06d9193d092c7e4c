// Pure parsers for the documents that describe an image: an image manifest (OCI or Docker v2: config and
// layer descriptors), an index (OCI index or Docker manifest list: platform manifests) and the image config
// (platform, user, env, history, diff ids). Bounded: at most kMaxLayers layers and kMaxIndexEntries entries;
// InvalidArgument naming the field on anything malformed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"
#include "scanner/model/digest.hpp"

namespace regscand::scanner {

inline constexpr std::size_t kMaxLayers = 256;
inline constexpr std::size_t kMaxIndexEntries = 256;

struct Descriptor {
  std::string media_type;
  Digest digest;
  std::uint64_t size = 0;
};

struct ImageManifest {
  Descriptor config;
  std::vector<Descriptor> layers;  // base first
};

struct Platform {
  std::string os, architecture, variant;
  friend bool operator==(const Platform&, const Platform&) = default;
  std::string str() const;  // "linux/arm64/v8"
};

struct IndexEntry {
  Descriptor manifest;
  std::optional<Platform> platform;
  // Attestation manifests (BuildKit's "unknown/unknown" with vnd.docker.reference.type) and entries of
  // other artifact types: not images to scan.
  bool attestation = false;
};

struct ImageIndex {
  std::vector<IndexEntry> manifests;
};

struct HistoryEntry {
  std::string created_by;
  bool empty_layer = false;
};

struct ImageConfig {
  Platform platform;
  std::string user;
  std::vector<std::string> env;
  std::vector<HistoryEntry> history;
  std::vector<Digest> diff_ids;
};

[[nodiscard]] Result<ImageManifest> parse_image_manifest(std::string_view body);
[[nodiscard]] Result<ImageIndex> parse_image_index(std::string_view body);
[[nodiscard]] Result<ImageConfig> parse_image_config(std::string_view body);

// Whether the layer carries a filesystem tar at all (not a foreign/non-distributable layer, not an artifact).
bool is_filesystem_layer(std::string_view media_type);

}  // namespace regscand::scanner
