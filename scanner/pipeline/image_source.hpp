// Where a scan reads an image from: a registry repository, or (for `regscand scan`) an OCI layout directory.
// Both give manifests by tag or digest and stream blobs into a ByteSink, verifying every digest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "scanner/registry/client.hpp"

namespace regscand::scanner::pipeline {

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // For messages: "registry local, repository team/app", "oci layout /tmp/x".
  virtual std::string describe() const = 0;
  // The manifest `reference` names (a tag or a digest); NotFound when there is none.
  [[nodiscard]] virtual Result<registry::ManifestHead> manifest(std::string_view reference) = 0;
  // Streams blob `digest` into `sink` (at most max_bytes) and checks its digest at the end.
  [[nodiscard]] virtual Result<void> blob(const Digest& digest, registry::ByteSink& sink,
                                          std::uint64_t max_bytes) = 0;
};

// One repository of a registry, through a RegistryClient.
class RegistrySource final : public ImageSource {
 public:
  RegistrySource(registry::RegistryClient client, std::string registry_name, std::string repository)
      : client_(std::move(client)), registry_(std::move(registry_name)), repository_(std::move(repository)) {}
  std::string describe() const override { return "registry " + registry_ + ", repository " + repository_; }
  [[nodiscard]] Result<registry::ManifestHead> manifest(std::string_view reference) override {
    return client_.resolve_manifest(repository_, reference);
  }
  [[nodiscard]] Result<void> blob(const Digest& digest, registry::ByteSink& sink,
                                  std::uint64_t max_bytes) override {
    return client_.fetch_blob(repository_, digest, sink, max_bytes);
  }

 private:
  registry::RegistryClient client_;
  std::string registry_;
  std::string repository_;
};

// An OCI image layout (index.json, blobs/<alg>/<hex>). A tag is looked up in index.json by its
// org.opencontainers.image.ref.name annotation; "" takes the only manifest there is.
class OciLayoutSource final : public ImageSource {
 public:
  explicit OciLayoutSource(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::string describe() const override { return "oci layout " + dir_.string(); }
  [[nodiscard]] Result<registry::ManifestHead> manifest(std::string_view reference) override;
  [[nodiscard]] Result<void> blob(const Digest& digest, registry::ByteSink& sink,
                                  std::uint64_t max_bytes) override;

 private:
  std::filesystem::path blob_path(const Digest& digest) const;
  std::filesystem::path dir_;
};

}  // namespace regscand::scanner::pipeline
