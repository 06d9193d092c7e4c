// Walks one image layer (a tar, plain or gzip/zstd-compressed, detected by magic bytes) pulled from a
// PullSource, without writing it anywhere and without holding it: only the regular files `wants` accepts are
// read, each up to LayerLimits::max_file_bytes. Returns the layer's facts (files, whiteouts, symlinks) for
// FilesystemView. Hostile entries are skipped with a reason; hostile streams fail the walk (see read_layer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"
#include "scanner/layers/layer_files.hpp"

namespace regscand::scanner::layers {

// Where layer bytes come from. read() fills up to out.size() bytes and returns how many; 0 is the end.
class PullSource {
 public:
  virtual ~PullSource() = default;
  [[nodiscard]] virtual Result<std::size_t> read(std::span<char> out) = 0;
};

// Bytes in memory (tests, fuzzing); the caller keeps them alive.
class MemorySource final : public PullSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  [[nodiscard]] Result<std::size_t> read(std::span<char> out) override;

 private:
  std::string_view bytes_;
};

// A stream (a file in tests); Unavailable when it goes bad before its end.
class IstreamSource final : public PullSource {
 public:
  explicit IstreamSource(std::istream& in) : in_(in) {}
  [[nodiscard]] Result<std::size_t> read(std::span<char> out) override;

 private:
  std::istream& in_;
};

enum class Compression { None, Gzip, Zstd };
std::string_view to_string(Compression compression);

// The compression a layer media type announces (OCI and Docker). The walk trusts the magic bytes, as
// container runtimes do; this only gates the media types we read. Unimplemented for other layer types
// (bzip2, xz, encrypted), InvalidArgument for non-layer types.
[[nodiscard]] Result<Compression> compression_of_media_type(std::string_view media_type);

struct LayerLimits {
  std::uint64_t max_file_bytes = 64ull << 20;         // per wanted file; a larger one is skipped
  std::uint64_t max_total_file_bytes = 512ull << 20;  // all wanted files of the layer; more fails
  std::uint64_t max_uncompressed_bytes = 32ull << 30;
  std::uint64_t max_ratio = 200;  // uncompressed / compressed bytes, once past ratio_grace_bytes
  std::uint64_t ratio_grace_bytes = 64ull << 20;
  std::uint64_t max_entries = 1'000'000;
  std::size_t max_path_len = 4096;  // longer entry names and link targets are skipped
};

enum class EntryKind { File, Directory, Symlink, Other };

struct SkippedEntry {
  std::string name;    // as stored in the tar, cut to 256 bytes
  std::string reason;  // "\"..\" leaves the root", "12 bytes over max_file_bytes 4", ...
};

struct LayerFacts {
  Compression compression = Compression::None;
  LayerFiles files;                                      // wanted regular files that were read
  std::map<std::string, EntryKind, std::less<>> wanted;  // every wanted path this layer holds, read or not
  std::set<std::string, std::less<>> removed;            // ".wh.<name>" targets (hide lower layers only)
  std::set<std::string, std::less<>> opaque_dirs;        // ".wh..wh..opq" directories ("" = the root)
  std::map<std::string, std::string, std::less<>> symlinks;     // path -> target as stored; never followed
  std::map<std::string, std::uint64_t, std::less<>> oversized;  // wanted files over max_file_bytes: size
  std::vector<SkippedEntry> skipped;                            // the first kMaxSkippedRecorded
  std::uint64_t skipped_count = 0;
  std::uint64_t entries = 0;
  std::uint64_t compressed_bytes = 0;    // pulled from the source, including bytes after the tar's end
  std::uint64_t uncompressed_bytes = 0;  // of tar stream walked

  static constexpr std::size_t kMaxSkippedRecorded = 64;
};

using WantsFn = std::function<bool(std::string_view path)>;

// Walks the layer to its end and pulls the source to its end (so a streamed blob's digest is checked).
// Duplicate entries: the last one wins. Whiteouts apply to lower layers only. Hardlinks to a wanted path
// take the content of their target when that was read earlier in this layer; else they are skipped.
// Fails with the source's error, InvalidArgument for a stream that is not a (compressed) tar or is
// truncated or damaged, ResourceExhausted naming the cap for max_uncompressed_bytes, max_ratio,
// max_entries and max_total_file_bytes. Messages start with "layer: ".
[[nodiscard]] Result<LayerFacts> read_layer(PullSource& source, const WantsFn& wants,
                                            const LayerLimits& limits = {});

}  // namespace regscand::scanner::layers
