#include "scanner/pipeline/docker_archive_source.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "config/base/json_input.hpp"
#include "scanner/model/image_manifest.hpp"
#include "scanner/registry/digester.hpp"
#include "scanner/registry/manifest.hpp"

namespace regscand::scanner::pipeline {
namespace {

constexpr std::size_t kMaxEntries = 100'000;
constexpr std::uint64_t kMaxJsonBytes = 8 * 1024 * 1024;
constexpr std::size_t kBlock = 64 * 1024;

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

Result<ArchivePtr> open_archive(const std::filesystem::path& file, const std::string& where) {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return fail(ErrorCode::NotFound, where + ": no such file");
  if (archive_read_open_filename(a.get(), file.c_str(), kBlock) != ARCHIVE_OK) {
    return fail(ErrorCode::InvalidArgument, where + ": not a tar archive: " + archive_error_string(a.get()));
  }
  return a;
}

// Entry names as stored, without a leading "./".
std::string entry_name(archive_entry* entry) {
  const char* raw = archive_entry_pathname(entry);
  std::string name = raw == nullptr ? std::string() : std::string(raw);
  while (name.starts_with("./")) name.erase(0, 2);
  return name;
}

// Streams the current entry's data into `consume(bytes)`; false from consume stops early.
template <class F>
Result<void> read_entry(archive* a, const std::string& where, F&& consume) {
  std::string buffer(kBlock, '\0');
  while (true) {
    const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
    if (n < 0) return fail(ErrorCode::InvalidArgument, where + ": " + archive_error_string(a));
    if (n == 0) return {};
    if (auto ok = consume(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !ok) return ok;
  }
}

std::string synthesized_manifest(const std::string& config_digest, std::uint64_t config_size,
                                 const std::vector<std::pair<std::string, std::uint64_t>>& layers) {
  nlohmann::json layer_list = nlohmann::json::array();
  for (const auto& [digest, size] : layers) {
    layer_list.push_back(
        {{"mediaType", "application/vnd.docker.image.rootfs.diff.tar"}, {"size", size}, {"digest", digest}});
  }
  return nlohmann::json{{"schemaVersion", 2},
                        {"mediaType", registry::kDockerManifest},
                        {"config",
                         {{"mediaType", "application/vnd.docker.container.image.v1+json"},
                          {"size", config_size},
                          {"digest", config_digest}}},
                        {"layers", std::move(layer_list)}}
      .dump();
}

}  // namespace

Result<DockerArchiveSource> DockerArchiveSource::open(std::filesystem::path file) {
  DockerArchiveSource source(std::move(file));
  const std::string where = source.describe();
  auto a = open_archive(source.file_, where);
  if (!a) return std::unexpected(std::move(a).error());

  std::map<std::string, std::pair<std::string, std::uint64_t>> by_name;  // name -> (digest, size)
  std::string manifest_text;
  archive_entry* entry = nullptr;
  std::size_t entries = 0;
  int status = ARCHIVE_OK;
  while ((status = archive_read_next_header(a->get(), &entry)) == ARCHIVE_OK) {
    if (++entries > kMaxEntries) return fail(ErrorCode::ResourceExhausted, where + ": too many entries");
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const std::string name = entry_name(entry);
    auto digester = registry::Digester::create("sha256");
    if (!digester) return std::unexpected(digester.error());
    std::uint64_t size = 0;
    const bool keep = name == "manifest.json";
    auto read = read_entry(a->get(), where + ": " + name, [&](std::string_view bytes) -> Result<void> {
      digester->update(bytes);
      size += bytes.size();
      if (keep) {
        if (size > kMaxJsonBytes)
          return fail(ErrorCode::ResourceExhausted, where + ": manifest.json too large");
        manifest_text.append(bytes);
      }
      return {};
    });
    if (!read) return std::unexpected(std::move(read).error());
    by_name[name] = {digester->finish().str(), size};
  }
  if (status != ARCHIVE_EOF) {
    return fail(ErrorCode::InvalidArgument,
                where + ": not a readable tar: " + archive_error_string(a->get()));
  }
  if (manifest_text.empty())
    return fail(ErrorCode::InvalidArgument, where + ": no manifest.json (not a docker save archive)");
  auto manifest = parse_json(manifest_text);
  if (!manifest || !manifest->is_array() || manifest->empty()) {
    return fail(ErrorCode::InvalidArgument, where + ": manifest.json: must be a non-empty array");
  }
  auto lookup = [&](const nlohmann::json& name,
                    std::string_view field) -> Result<std::pair<std::string, std::uint64_t>> {
    if (!name.is_string())
      return fail(ErrorCode::InvalidArgument,
                  where + ": manifest.json: " + std::string(field) + " must be a string");
    const auto it = by_name.find(name.get<std::string>());
    if (it == by_name.end()) {
      return fail(ErrorCode::InvalidArgument, where + ": manifest.json names " +
                                                  name.get<std::string>().substr(0, 200) +
                                                  ", which the archive does not hold");
    }
    source.blobs_[it->second.first] = Entry{it->first, it->second.second};
    return it->second;
  };
  for (const auto& item : *manifest) {
    if (!item.is_object() || !item.contains("Config") || !item.contains("Layers") ||
        !item["Layers"].is_array()) {
      return fail(ErrorCode::InvalidArgument, where + ": manifest.json: each image needs Config and Layers");
    }
    auto config = lookup(item["Config"], "Config");
    if (!config) return std::unexpected(config.error());
    std::vector<std::pair<std::string, std::uint64_t>> layers;
    if (item["Layers"].size() > kMaxLayers)
      return fail(ErrorCode::InvalidArgument, where + ": too many layers");
    for (const auto& layer_name : item["Layers"]) {
      auto layer = lookup(layer_name, "Layers[]");
      if (!layer) return std::unexpected(layer.error());
      layers.push_back(*layer);
    }
    std::vector<std::string> repo_tags;
    if (const auto tags = item.find("RepoTags"); tags != item.end() && tags->is_array()) {
      for (const auto& tag : *tags) {
        if (tag.is_string()) repo_tags.push_back(tag.get<std::string>());
      }
    }
    std::string manifest_json = synthesized_manifest(config->first, config->second, layers);
    auto digest = registry::digest_of("sha256", manifest_json);
    if (!digest) return std::unexpected(digest.error());
    source.images_.push_back(Image{std::move(repo_tags), std::move(manifest_json), std::move(*digest)});
  }
  return source;
}

Result<registry::ManifestHead> DockerArchiveSource::manifest(std::string_view reference) {
  for (const auto& image : images_) {
    bool match = reference.empty() || reference == image.manifest_digest.str();
    for (const auto& tag : image.repo_tags) {
      match = match || tag == reference ||
              (tag.size() > reference.size() && tag.ends_with(reference) &&
               tag[tag.size() - reference.size() - 1] == ':');
    }
    if (!match) continue;
    return registry::ManifestHead{image.manifest_digest,
                                  std::string(registry::kDockerManifest),
                                  registry::ManifestKind::DockerManifest,
                                  image.manifest_json.size(),
                                  image.manifest_json,
                                  false};
  }
  return fail(ErrorCode::NotFound, describe() + ": no image \"" + std::string(reference) + "\"");
}

Result<void> DockerArchiveSource::blob(const Digest& digest, registry::ByteSink& sink,
                                       std::uint64_t max_bytes) {
  for (const auto& image : images_) {
    if (digest == image.manifest_digest) {
      if (image.manifest_json.size() > max_bytes)
        return fail(ErrorCode::ResourceExhausted, describe() + ": manifest too large");
      return sink.write(image.manifest_json);
    }
  }
  const auto it = blobs_.find(digest.str());
  if (it == blobs_.end()) return fail(ErrorCode::NotFound, describe() + ": no blob " + digest.str());
  const std::string where = describe() + ": " + it->second.name;
  if (it->second.size > max_bytes) {
    return fail(ErrorCode::ResourceExhausted,
                where + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  auto a = open_archive(file_, describe());
  if (!a) return std::unexpected(std::move(a).error());
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a->get(), &entry) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG || entry_name(entry) != it->second.name) continue;
    auto digester = registry::Digester::create(digest.algorithm());
    if (!digester) return std::unexpected(digester.error());
    auto read = read_entry(a->get(), where, [&](std::string_view bytes) {
      digester->update(bytes);
      return sink.write(bytes);
    });
    if (!read) return read;
    if (digester->finish() != digest)
      return fail(ErrorCode::FailedPrecondition, where + ": digest mismatch (the archive changed)");
    return {};
  }
  return fail(ErrorCode::NotFound, where + ": vanished from the archive");
}

}  // namespace regscand::scanner::pipeline
