#include "scanner/layers/layer_reader.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <memory>
#include <optional>
#include <utility>

#include "scanner/layers/path.hpp"

namespace regscand::scanner::layers {
namespace {

constexpr std::size_t kPullChunk = 64 * 1024;
constexpr std::size_t kMaxNameInReport = 256;

using Contents = std::map<std::string, std::string, std::less<>>;

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

struct Walk {
  Walk(PullSource& s, const WantsFn& w, const LayerLimits& l) : source(s), wants(w), limits(l) {}
  PullSource& source;
  const WantsFn& wants;
  const LayerLimits& limits;
  archive* a = nullptr;
  std::vector<char> buffer = std::vector<char>(kPullChunk);
  std::optional<Error> source_error;
  LayerFacts facts;
  Contents contents;
  std::uint64_t file_bytes = 0;
};

la_ssize_t pull(archive* a, void* data, const void** out) {
  auto& walk = *static_cast<Walk*>(data);
  auto n = walk.source.read(walk.buffer);
  if (!n) {
    walk.source_error = std::move(n).error();
    archive_set_error(a, EIO, "layer source failed");
    return -1;
  }
  walk.facts.compressed_bytes += *n;
  *out = walk.buffer.data();
  return static_cast<la_ssize_t>(*n);
}

std::string quoted(std::string_view name) {
  return "\"" + std::string(name.substr(0, kMaxNameInReport)) + "\"";
}

// The source's own error when it failed, else libarchive's reason.
Error archive_failure(const Walk& w, std::string_view where) {
  if (w.source_error) return *w.source_error;
  const char* reason = archive_error_string(w.a);
  return Error{ErrorCode::InvalidArgument,
               "layer: " + std::string(where) + ": " + (reason ? reason : "unreadable archive")};
}

Result<void> check_caps(Walk& w) {
  const auto out = static_cast<std::uint64_t>(std::max<la_int64_t>(archive_filter_bytes(w.a, 0), 0));
  w.facts.uncompressed_bytes = out;
  if (out > w.limits.max_uncompressed_bytes) {
    return fail(ErrorCode::ResourceExhausted, "layer: more than max_uncompressed_bytes " +
                                                  std::to_string(w.limits.max_uncompressed_bytes) +
                                                  " after decompression");
  }
  const std::uint64_t in = std::max<std::uint64_t>(w.facts.compressed_bytes, 1);
  if (out > w.limits.ratio_grace_bytes && out / in > w.limits.max_ratio) {
    return fail(ErrorCode::ResourceExhausted,
                "layer: decompression ratio over max_ratio " + std::to_string(w.limits.max_ratio) + " (" +
                    std::to_string(out) + " bytes from " + std::to_string(in) + ")");
  }
  return {};
}

void skip(Walk& w, std::string_view name, std::string reason) {
  ++w.facts.skipped_count;
  if (w.facts.skipped.size() >= LayerFacts::kMaxSkippedRecorded) return;
  w.facts.skipped.push_back({std::string(name.substr(0, kMaxNameInReport)), std::move(reason)});
}

// Pulls an entry's data through the decompressor without keeping it.
Result<void> consume(Walk& w, std::string_view name) {
  for (;;) {
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    const int rc = archive_read_data_block(w.a, &block, &size, &offset);
    if (rc == ARCHIVE_EOF) return {};
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return std::unexpected(archive_failure(w, quoted(name)));
    if (auto caps = check_caps(w); !caps) return caps;
  }
}

template <class Map>
void erase_below(Map& map, const std::string& dir) {
  const std::string prefix = dir + "/";
  auto it = map.lower_bound(prefix);
  while (it != map.end() && it->first.starts_with(prefix)) it = map.erase(it);
}

// A later entry replaces what this layer held at `path`; a non-directory also replaces what lay below it.
void replace(Walk& w, const std::string& path, bool directory) {
  const auto held = w.facts.wanted.find(path);
  const bool merges = directory && held != w.facts.wanted.end() && held->second == EntryKind::Directory;
  w.facts.oversized.erase(path);
  if (!merges) {
    w.contents.erase(path);
    if (held != w.facts.wanted.end()) w.facts.wanted.erase(held);
  }
  w.facts.symlinks.erase(path);
  if (directory) return;
  erase_below(w.contents, path);
  erase_below(w.facts.wanted, path);
  erase_below(w.facts.symlinks, path);
  erase_below(w.facts.oversized, path);
}

Result<void> keep_content(Walk& w, const std::string& path, std::string content) {
  if (content.size() >
      w.limits.max_total_file_bytes - std::min(w.file_bytes, w.limits.max_total_file_bytes)) {
    return fail(ErrorCode::ResourceExhausted, "layer: wanted files over max_total_file_bytes " +
                                                  std::to_string(w.limits.max_total_file_bytes) + " at " +
                                                  quoted(path));
  }
  w.file_bytes += content.size();
  w.contents.insert_or_assign(path, std::move(content));
  return {};
}

Result<void> read_wanted(Walk& w, archive_entry* entry, std::string_view name, const std::string& path) {
  const std::uint64_t declared =
      static_cast<std::uint64_t>(std::max<la_int64_t>(archive_entry_size(entry), 0));
  const std::uint64_t cap = w.limits.max_file_bytes;
  if (declared > cap) {
    w.facts.oversized.insert_or_assign(path, declared);
    skip(w, name, std::to_string(declared) + " bytes over max_file_bytes " + std::to_string(cap));
    return consume(w, name);
  }
  std::string content;
  for (;;) {
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    const int rc = archive_read_data_block(w.a, &block, &size, &offset);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return std::unexpected(archive_failure(w, quoted(name)));
    if (auto caps = check_caps(w); !caps) return caps;
    const auto start = static_cast<std::uint64_t>(offset);
    if (offset < 0 || start < content.size() || start + size > declared) {
      skip(w, name, "data outside the entry's declared size");
      return consume(w, name);
    }
    content.resize(start);
    content.append(static_cast<const char*>(block), size);
  }
  content.resize(declared);
  return keep_content(w, path, std::move(content));
}

Result<void> link_wanted(Walk& w, std::string_view name, const std::string& path, std::string_view link) {
  if (link.size() > w.limits.max_path_len) {
    skip(w, name, "hardlink target longer than max_path_len " + std::to_string(w.limits.max_path_len));
    return {};
  }
  auto target = normalize_path(link);
  if (!target || target->empty()) {
    skip(w, name, "hardlink target " + quoted(link) + " is outside the layer");
    return {};
  }
  const auto held = w.contents.find(*target);
  if (held == w.contents.end()) {
    skip(w, name, "hardlink to " + quoted(*target) + ", which this layer did not read before");
    return {};
  }
  std::string copy = held->second;
  return keep_content(w, path, std::move(copy));
}

const char* link_of(archive_entry* entry) {
  const char* link = archive_entry_hardlink_utf8(entry);
  return link ? link : archive_entry_hardlink(entry);
}

const char* symlink_of(archive_entry* entry) {
  const char* link = archive_entry_symlink_utf8(entry);
  return link ? link : archive_entry_symlink(entry);
}

Result<void> visit_entry(Walk& w, archive_entry* entry, std::string_view name, const std::string& path) {
  const auto whiteout = classify_whiteout(path);
  switch (whiteout.kind) {
    case WhiteoutKind::Remove:
      w.facts.removed.insert(whiteout.target);
      return consume(w, name);
    case WhiteoutKind::Opaque:
      w.facts.opaque_dirs.insert(whiteout.target);
      return consume(w, name);
    case WhiteoutKind::Invalid:
      skip(w, name, "unusable whiteout");
      return consume(w, name);
    case WhiteoutKind::None:
      break;
  }
  const char* hardlink = link_of(entry);
  const auto type = archive_entry_filetype(entry);
  const bool directory = hardlink == nullptr && type == AE_IFDIR;
  replace(w, path, directory);
  const bool wanted = w.wants(path);
  if (hardlink != nullptr) {
    if (!wanted) return consume(w, name);
    w.facts.wanted[path] = EntryKind::File;
    if (auto linked = link_wanted(w, name, path, hardlink); !linked) return linked;
    return consume(w, name);
  }
  if (type == AE_IFREG) {
    if (!wanted) return consume(w, name);
    w.facts.wanted[path] = EntryKind::File;
    return read_wanted(w, entry, name, path);
  }
  if (type == AE_IFLNK) {
    const char* target = symlink_of(entry);
    const std::string_view link = target ? target : "";
    if (link.size() > w.limits.max_path_len) {
      skip(w, name, "symlink target longer than max_path_len " + std::to_string(w.limits.max_path_len));
    } else {
      w.facts.symlinks.insert_or_assign(path, std::string(link));
    }
  }
  if (wanted) {
    w.facts.wanted[path] = directory          ? EntryKind::Directory
                           : type == AE_IFLNK ? EntryKind::Symlink
                                              : EntryKind::Other;
  }
  return consume(w, name);
}

Result<void> walk_entry(Walk& w, archive_entry* entry) {
  const char* stored = archive_entry_pathname_utf8(entry);
  if (stored == nullptr) stored = archive_entry_pathname(entry);
  if (stored == nullptr) {
    skip(w, "", "unreadable entry name");
    return consume(w, "");
  }
  const std::string_view name = stored;
  if (name.size() > w.limits.max_path_len) {
    skip(w, name, "name longer than max_path_len " + std::to_string(w.limits.max_path_len));
    return consume(w, name);
  }
  auto path = normalize_path(name);
  if (!path) {
    skip(w, name, path.error().message);
    return consume(w, name);
  }
  if (path->empty()) return consume(w, name);
  return visit_entry(w, entry, name, *path);
}

Result<void> walk_entries(Walk& w) {
  for (;;) {
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(w.a, &entry);
    if (rc == ARCHIVE_EOF) return {};
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return std::unexpected(archive_failure(w, "entry " + std::to_string(w.facts.entries + 1)));
    }
    if (++w.facts.entries > w.limits.max_entries) {
      return fail(ErrorCode::ResourceExhausted,
                  "layer: more than max_entries " + std::to_string(w.limits.max_entries) + " entries");
    }
    if (auto walked = walk_entry(w, entry); !walked) return walked;
    if (auto caps = check_caps(w); !caps) return caps;
  }
}

Result<void> drain(Walk& w) {
  for (;;) {
    auto n = w.source.read(w.buffer);
    if (!n) return std::unexpected(std::move(n).error());
    if (*n == 0) return {};
    w.facts.compressed_bytes += *n;
  }
}

Result<void> open_archive(Walk& w) {
  if (w.a == nullptr) return fail(ErrorCode::Internal, "layer: cannot allocate a libarchive reader");
  // ARCHIVE_WARN here means an external (de)compressor program: never run one on untrusted input.
  if (archive_read_support_filter_gzip(w.a) != ARCHIVE_OK ||
      archive_read_support_filter_zstd(w.a) != ARCHIVE_OK) {
    return fail(ErrorCode::Internal, "layer: libarchive lacks built-in gzip or zstd support");
  }
  if (archive_read_support_format_tar(w.a) != ARCHIVE_OK ||
      archive_read_support_format_empty(w.a) != ARCHIVE_OK) {
    return fail(ErrorCode::Internal, "layer: libarchive lacks tar support");
  }
  if (archive_read_open(w.a, &w, nullptr, pull, nullptr) != ARCHIVE_OK) {
    return std::unexpected(archive_failure(w, "open"));
  }
  switch (archive_filter_code(w.a, 0)) {
    case ARCHIVE_FILTER_GZIP:
      w.facts.compression = Compression::Gzip;
      break;
    case ARCHIVE_FILTER_ZSTD:
      w.facts.compression = Compression::Zstd;
      break;
    default:
      w.facts.compression = Compression::None;
  }
  return {};
}

}  // namespace

Result<std::size_t> MemorySource::read(std::span<char> out) {
  const std::size_t n = std::min(out.size(), bytes_.size());
  std::copy_n(bytes_.data(), n, out.data());
  bytes_.remove_prefix(n);
  return n;
}

Result<std::size_t> IstreamSource::read(std::span<char> out) {
  in_.read(out.data(), static_cast<std::streamsize>(out.size()));
  const auto n = static_cast<std::size_t>(in_.gcount());
  if (in_.bad() || (in_.fail() && !in_.eof()))
    return fail(ErrorCode::Unavailable, "layer: stream read failed");
  return n;
}

std::string_view to_string(Compression compression) {
  switch (compression) {
    case Compression::Gzip:
      return "gzip";
    case Compression::Zstd:
      return "zstd";
    case Compression::None:
      break;
  }
  return "none";
}

Result<Compression> compression_of_media_type(std::string_view media_type) {
  static constexpr std::pair<std::string_view, Compression> kKnown[] = {
      {"application/vnd.oci.image.layer.v1.tar", Compression::None},
      {"application/vnd.oci.image.layer.v1.tar+gzip", Compression::Gzip},
      {"application/vnd.oci.image.layer.v1.tar+zstd", Compression::Zstd},
      {"application/vnd.oci.image.layer.nondistributable.v1.tar", Compression::None},
      {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", Compression::Gzip},
      {"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", Compression::Zstd},
      {"application/vnd.docker.image.rootfs.diff.tar", Compression::None},
      {"application/vnd.docker.image.rootfs.diff.tar.gzip", Compression::Gzip},
      {"application/vnd.docker.image.rootfs.diff.tar.zstd", Compression::Zstd},
      {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", Compression::Gzip},
  };
  for (const auto& [known, compression] : kKnown) {
    if (media_type == known) return compression;
  }
  if (media_type.starts_with("application/vnd.oci.image.layer.") ||
      media_type.starts_with("application/vnd.docker.image.rootfs.")) {
    return fail(ErrorCode::Unimplemented, "layer: unsupported layer media type " + quoted(media_type));
  }
  return fail(ErrorCode::InvalidArgument, "layer: not a layer media type " + quoted(media_type));
}

Result<LayerFacts> read_layer(PullSource& source, const WantsFn& wants, const LayerLimits& limits) {
  std::unique_ptr<archive, ArchiveFree> reader(archive_read_new());
  Walk w(source, wants, limits);
  w.a = reader.get();
  if (auto opened = open_archive(w); !opened) return std::unexpected(std::move(opened).error());
  if (auto walked = walk_entries(w); !walked) return std::unexpected(std::move(walked).error());
  if (auto caps = check_caps(w); !caps) return std::unexpected(std::move(caps).error());
  if (auto drained = drain(w); !drained) return std::unexpected(std::move(drained).error());
  for (auto& [path, content] : w.contents) w.facts.files.add(path, std::move(content));
  return std::move(w.facts);
}

}  // namespace regscand::scanner::layers
