// A `docker save` archive (tar, optionally gzip-compressed: manifest.json + config JSON + layer tars) as
// an ImageSource. Opening reads the archive once to hash its entries; the image then looks like a
// registry's Docker v2 manifest (config and layers addressed by the sha256 of their bytes), and a blob
// read streams that entry out of the archive again, verified. Nothing is extracted.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "scanner/pipeline/image_source.hpp"

namespace regscand::scanner::pipeline {

class DockerArchiveSource final : public ImageSource {
 public:
  // InvalidArgument when the file is not a docker save archive (no usable manifest.json), NotFound when
  // it cannot be opened; the archive's entries are capped (count, JSON sizes).
  [[nodiscard]] static Result<DockerArchiveSource> open(std::filesystem::path file);

  std::string describe() const override { return "docker archive " + file_.string(); }
  // "" = the first image; a tag ("3.10" or "alpine:3.10") picks by RepoTags; a digest = the synthesized
  // manifest's digest.
  [[nodiscard]] Result<registry::ManifestHead> manifest(std::string_view reference) override;
  [[nodiscard]] Result<void> blob(const Digest& digest, registry::ByteSink& sink,
                                  std::uint64_t max_bytes) override;

 private:
  struct Entry {
    std::string name;
    std::uint64_t size = 0;
  };
  struct Image {
    std::vector<std::string> repo_tags;
    std::string manifest_json;
    Digest manifest_digest;
  };

  explicit DockerArchiveSource(std::filesystem::path file) : file_(std::move(file)) {}

  std::filesystem::path file_;
  std::map<std::string, Entry> blobs_;  // digest text -> entry
  std::vector<Image> images_;
};

}  // namespace regscand::scanner::pipeline
