#include "tests/support/oci_image.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <stdexcept>

#include "config/base/sha256.hpp"

extern char** environ;

namespace regscand::testing {
namespace {

constexpr std::string_view kOciManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view kOciIndexType = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view kOciConfigType = "application/vnd.oci.image.config.v1+json";
constexpr std::string_view kRefName = "org.opencontainers.image.ref.name";

la_ssize_t append_to_string(archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

void check(archive* a, int rc, const char* what) {
  if (rc == ARCHIVE_OK || rc == ARCHIVE_WARN) return;
  const std::string message =
      std::string(what) + ": " + (archive_error_string(a) ? archive_error_string(a) : "?");
  archive_write_free(a);
  throw std::runtime_error("libarchive: " + message);
}

struct Entry {
  archive_entry* e = archive_entry_new();
  ~Entry() { archive_entry_free(e); }
};

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string digest_of(std::string_view bytes) {
  return "sha256:" + sha256_hex(bytes);
}

nlohmann::json descriptor(const OciBlob& blob) {
  return {{"mediaType", blob.media_type}, {"digest", blob.digest}, {"size", blob.size}};
}

}  // namespace

LayerSpec files_layer(const std::map<std::string, std::string>& files, Compression compression) {
  LayerSpec layer;
  layer.compression = compression;
  for (const auto& [path, content] : files) {
    layer.entries.push_back(TarEntry{TarEntry::Type::File, path, content, "", 0644});
  }
  return layer;
}

std::string make_tar(const std::vector<TarEntry>& entries) {
  std::string out;
  archive* a = archive_write_new();
  check(a, archive_write_set_format_pax_restricted(a), "set format");
  check(a, archive_write_set_bytes_in_last_block(a, 1), "set last block");
  check(a, archive_write_open(a, &out, nullptr, append_to_string, nullptr), "open");
  for (const auto& item : entries) {
    Entry entry;
    archive_entry_set_pathname(entry.e, item.path.c_str());
    archive_entry_set_perm(entry.e, item.mode);
    archive_entry_set_mtime(entry.e, 1'700'000'000, 0);
    archive_entry_set_uid(entry.e, 0);
    archive_entry_set_gid(entry.e, 0);
    switch (item.type) {
      case TarEntry::Type::File:
        archive_entry_set_filetype(entry.e, AE_IFREG);
        archive_entry_set_size(entry.e, static_cast<la_int64_t>(item.content.size()));
        break;
      case TarEntry::Type::Directory:
        archive_entry_set_filetype(entry.e, AE_IFDIR);
        break;
      case TarEntry::Type::Symlink:
        archive_entry_set_filetype(entry.e, AE_IFLNK);
        archive_entry_set_symlink(entry.e, item.link.c_str());
        break;
      case TarEntry::Type::Hardlink:
        archive_entry_set_filetype(entry.e, AE_IFREG);
        archive_entry_set_hardlink(entry.e, item.link.c_str());
        break;
    }
    check(a, archive_write_header(a, entry.e), "write header");
    if (item.type == TarEntry::Type::File && !item.content.empty()) {
      if (archive_write_data(a, item.content.data(), item.content.size()) < 0)
        check(a, ARCHIVE_FATAL, "write data");
    }
  }
  check(a, archive_write_close(a), "close");
  archive_write_free(a);
  return out;
}

namespace {

std::string compress(std::string_view data, Compression compression) {
  std::string out;
  archive* a = archive_write_new();
  check(a, archive_write_set_format_raw(a), "set raw format");
  if (compression == Compression::Zstd) {
    check(a, archive_write_add_filter_zstd(a), "add zstd");
  } else {
    check(a, archive_write_add_filter_gzip(a), "add gzip");
    check(a, archive_write_set_filter_option(a, "gzip", "timestamp", nullptr), "gzip timestamp");
  }
  check(a, archive_write_set_bytes_in_last_block(a, 1), "set last block");
  check(a, archive_write_open(a, &out, nullptr, append_to_string, nullptr), "open");
  Entry entry;
  archive_entry_set_pathname(entry.e, "data");
  archive_entry_set_filetype(entry.e, AE_IFREG);
  archive_entry_set_size(entry.e, static_cast<la_int64_t>(data.size()));
  check(a, archive_write_header(a, entry.e), "write header");
  if (!data.empty() && archive_write_data(a, data.data(), data.size()) < 0)
    check(a, ARCHIVE_FATAL, "write data");
  check(a, archive_write_close(a), "close");
  archive_write_free(a);
  return out;
}

}  // namespace

std::string gzip_bytes(std::string_view data) {
  return compress(data, Compression::Gzip);
}

std::string zstd_bytes(std::string_view data) {
  return compress(data, Compression::Zstd);
}

std::string unique_suffix(std::size_t hex_chars) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string out;
  for (std::size_t i = 0; i < hex_chars; ++i) out.push_back(kHex[device() % 16]);
  return out;
}

OciLayoutBuilder::OciLayoutBuilder(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_ / "blobs" / "sha256");
  write_file(dir_ / "oci-layout", R"({"imageLayoutVersion": "1.0.0"})");
  write_index();
}

std::string OciLayoutBuilder::reference(const std::string& tag) const {
  return "oci:" + dir_.string() + ":" + tag;
}

OciBlob OciLayoutBuilder::write_blob(std::string_view bytes, std::string media_type) {
  OciBlob blob{digest_of(bytes), bytes.size(), std::move(media_type)};
  write_file(dir_ / "blobs" / "sha256" / blob.digest.substr(7), bytes);
  return blob;
}

OciImage OciLayoutBuilder::add_image(const std::vector<LayerSpec>& layers, const std::string& tag,
                                     const ImageOptions& options) {
  OciImage image;
  image.tag = tag;
  nlohmann::json history = nlohmann::json::array();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto tar = make_tar(layers[i].entries);
    image.diff_ids.push_back(digest_of(tar));
    switch (layers[i].compression) {
      case Compression::Gzip:
        image.layers.push_back(write_blob(gzip_bytes(tar), "application/vnd.oci.image.layer.v1.tar+gzip"));
        break;
      case Compression::Zstd:
        image.layers.push_back(write_blob(zstd_bytes(tar), "application/vnd.oci.image.layer.v1.tar+zstd"));
        break;
      case Compression::None:
        image.layers.push_back(write_blob(tar, "application/vnd.oci.image.layer.v1.tar"));
        break;
    }
    history.push_back(
        {{"created", "2024-01-01T00:00:00Z"}, {"created_by", "regscand test layer " + std::to_string(i)}});
  }
  nlohmann::json config = {
      {"created", "2024-01-01T00:00:00Z"},
      {"architecture", options.architecture},
      {"os", options.os},
      {"config",
       {{"Env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
        {"Labels", {{"org.regscand.test.nonce", unique_suffix()}}}}},
      {"rootfs", {{"type", "layers"}, {"diff_ids", image.diff_ids}}},
      {"history", history},
  };
  config.merge_patch(options.config_patch);
  image.config_json = config.dump();
  image.config = write_blob(image.config_json, std::string(kOciConfigType));

  nlohmann::json manifest = {{"schemaVersion", 2},
                             {"mediaType", kOciManifestType},
                             {"config", descriptor(image.config)},
                             {"layers", nlohmann::json::array()}};
  for (const auto& layer : image.layers) manifest["layers"].push_back(descriptor(layer));
  if (!options.annotations.empty()) manifest["annotations"] = options.annotations;
  image.manifest_json = manifest.dump();
  image.manifest = write_blob(image.manifest_json, std::string(kOciManifestType));
  this->tag(image.manifest, tag, {{"architecture", options.architecture}, {"os", options.os}});
  return image;
}

OciBlob OciLayoutBuilder::add_index(const std::vector<std::pair<OciImage, Platform>>& images,
                                    const std::string& tag) {
  nlohmann::json index = {
      {"schemaVersion", 2}, {"mediaType", kOciIndexType}, {"manifests", nlohmann::json::array()}};
  for (const auto& [image, platform] : images) {
    auto entry = descriptor(image.manifest);
    entry["platform"] = {{"architecture", platform.architecture}, {"os", platform.os}};
    if (!platform.variant.empty()) entry["platform"]["variant"] = platform.variant;
    index["manifests"].push_back(entry);
  }
  auto blob = write_blob(index.dump(), std::string(kOciIndexType));
  this->tag(blob, tag, nullptr);
  return blob;
}

OciBlob OciLayoutBuilder::add_manifest(const std::string& json, const std::string& media_type,
                                       const std::string& tag) {
  auto blob = write_blob(json, media_type);
  this->tag(blob, tag, nullptr);
  return blob;
}

void OciLayoutBuilder::tag(const OciBlob& manifest, const std::string& tag, const nlohmann::json& platform) {
  if (tag.empty()) return;
  for (auto it = manifests_.begin(); it != manifests_.end();) {
    const auto annotations = it->find("annotations");
    if (annotations != it->end() && annotations->value(std::string(kRefName), "") == tag) {
      it = manifests_.erase(it);
    } else {
      ++it;
    }
  }
  auto entry = descriptor(manifest);
  entry["annotations"] = {{std::string(kRefName), tag}};
  if (!platform.is_null()) entry["platform"] = platform;
  manifests_.push_back(entry);
  write_index();
}

void OciLayoutBuilder::write_index() const {
  const nlohmann::json index = {
      {"schemaVersion", 2}, {"mediaType", kOciIndexType}, {"manifests", manifests_}};
  write_file(dir_ / "index.json", index.dump());
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
  CommandResult result;
  if (argv.empty()) return result;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  for (auto& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    result.output = "cannot run " + argv[0];
    return result;
  }
  const auto until = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{pipe_fds[0], POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1000))) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
    if (n <= 0) break;
    result.output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (timed_out) result.output += "\n(killed after " + std::to_string(timeout.count()) + "s)";
  return result;
}

CommandResult skopeo_copy(const std::string& src, const std::string& dst,
                          const std::vector<std::string>& extra) {
  std::vector<std::string> argv{"skopeo", "--insecure-policy", "copy", "--src-tls-verify=false",
                                "--dest-tls-verify=false"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(src);
  argv.push_back(dst);
  return run_command(argv);
}

CommandResult skopeo_inspect(const std::string& ref, const std::vector<std::string>& extra) {
  std::vector<std::string> argv{"skopeo", "--insecure-policy", "inspect", "--tls-verify=false"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(ref);
  return run_command(argv);
}

}  // namespace regscand::testing
