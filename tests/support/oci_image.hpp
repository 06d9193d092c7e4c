// OCI image layouts built in test code, and the skopeo helpers that move them into a registry.
//
// OciLayoutBuilder writes `oci-layout`, `index.json` and `blobs/sha256/...` under a directory: images of N
// layers (tar, gzip by default, built with libarchive) with a config JSON that carries a random nonce label,
// so every image is unique even when its files are not; index.json tags each with
// org.opencontainers.image.ref.name. Failures throw std::runtime_error (tests only).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace regscand::testing {

struct TarEntry {
  enum class Type { File, Directory, Symlink, Hardlink };
  Type type = Type::File;
  std::string path;     // as stored: "etc/os-release", "var/lib/dpkg/status", ".wh.removed"
  std::string content;  // File only
  std::string link;     // Symlink and Hardlink targets
  unsigned mode = 0644;
};

enum class Compression { None, Gzip, Zstd };

struct LayerSpec {
  std::vector<TarEntry> entries;
  Compression compression = Compression::Gzip;
};

// A layer of regular files, path -> content.
LayerSpec files_layer(const std::map<std::string, std::string>& files,
                      Compression compression = Compression::Gzip);

// The bytes of a tar archive of `entries` (pax), and gzip or zstd of arbitrary bytes.
std::string make_tar(const std::vector<TarEntry>& entries);
std::string gzip_bytes(std::string_view data);
std::string zstd_bytes(std::string_view data);

// Random lower-case hex, for content that must differ between tests and runs.
std::string unique_suffix(std::size_t hex_chars = 16);

struct OciBlob {
  std::string digest;  // "sha256:<hex>"
  std::uint64_t size = 0;
  std::string media_type;
};

struct OciImage {
  std::string tag;  // empty when not tagged in index.json
  OciBlob manifest;
  OciBlob config;
  std::vector<OciBlob> layers;        // as stored (compressed)
  std::vector<std::string> diff_ids;  // sha256 of each uncompressed tar
  std::string manifest_json;          // exact bytes
  std::string config_json;            // exact bytes
};

struct ImageOptions {
  std::string architecture = "amd64";
  std::string os = "linux";
  // Merged (JSON merge patch) into the config document, e.g. {{"config", {{"User", "root"}}}}.
  nlohmann::json config_patch = nlohmann::json::object();
  // Manifest annotations.
  std::map<std::string, std::string> annotations;
};

struct Platform {
  std::string architecture = "amd64";
  std::string os = "linux";
  std::string variant;
};

class OciLayoutBuilder {
 public:
  // Creates `dir` (and parents) with an empty layout.
  explicit OciLayoutBuilder(std::filesystem::path dir);

  const std::filesystem::path& dir() const { return dir_; }
  // "oci:DIR:TAG", the skopeo source of a tagged manifest.
  std::string reference(const std::string& tag) const;

  // Writes the layers, the config and the manifest; tags the manifest in index.json unless `tag` is empty.
  OciImage add_image(const std::vector<LayerSpec>& layers, const std::string& tag,
                     const ImageOptions& options = {});
  // An OCI index over images already added here, tagged unless `tag` is empty.
  OciBlob add_index(const std::vector<std::pair<OciImage, Platform>>& images, const std::string& tag);
  // Any manifest bytes (hand-written shapes), tagged unless `tag` is empty.
  OciBlob add_manifest(const std::string& json, const std::string& media_type, const std::string& tag);
  // Stores bytes as a blob; returns its digest and size.
  OciBlob write_blob(std::string_view bytes, std::string media_type = "application/octet-stream");

 private:
  void tag(const OciBlob& manifest, const std::string& tag, const nlohmann::json& platform);
  void write_index() const;

  std::filesystem::path dir_;
  nlohmann::json manifests_ = nlohmann::json::array();
};

struct CommandResult {
  int exit_code = -1;  // 128+signal when killed; -1 when it could not run
  std::string output;  // stdout and stderr, interleaved
  bool ok() const { return exit_code == 0; }
};

// Runs argv (no shell; argv[0] is looked up in PATH), capturing stdout and stderr; killed after `timeout`.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::seconds timeout = std::chrono::seconds(120));

// skopeo --insecure-policy copy --src-tls-verify=false --dest-tls-verify=false [extra...] SRC DST
CommandResult skopeo_copy(const std::string& src, const std::string& dst,
                          const std::vector<std::string>& extra = {});
// skopeo --insecure-policy inspect --tls-verify=false [extra...] REF   (extra: "--raw", "--creds", "u:p")
CommandResult skopeo_inspect(const std::string& ref, const std::vector<std::string>& extra = {});

}  // namespace regscand::testing
