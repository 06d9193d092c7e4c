#include "scanner/ecosystems/rpm/ndb.hpp"

#include <cstdint>

namespace regscand::scanner::ecosystems::rpm {
namespace {

constexpr std::uint32_t kFileMagic = 'R' | 'p' << 8 | 'm' << 16 | 'P' << 24;
constexpr std::uint32_t kSlotMagic = 'S' | 'l' << 8 | 'o' << 16 | 't' << 24;
constexpr std::uint32_t kBlobHeadMagic = 'B' | 'l' << 8 | 'b' << 16 | 'S' << 24;
constexpr std::uint32_t kBlobTailMagic = 'B' | 'l' << 8 | 'b' << 16 | 'E' << 24;
constexpr std::size_t kPageBytes = 4096;
constexpr std::size_t kSlotBytes = 16;
constexpr std::size_t kFirstSlot = 2;  // the file header takes the first two slots
constexpr std::size_t kBlockBytes = 16;
constexpr std::size_t kBlobHeadBytes = 16;
constexpr std::size_t kBlobTailBytes = 12;

std::uint32_t le32(std::string_view s, std::size_t at) {
  const auto* u = reinterpret_cast<const unsigned char*>(s.data() + at);
  return std::uint32_t{u[3]} << 24 | std::uint32_t{u[2]} << 16 | std::uint32_t{u[1]} << 8 | u[0];
}

}  // namespace

Result<std::vector<std::string>> read_ndb_blobs(std::string_view file, std::string_view path) {
  const std::string where = "rpm: " + std::string(path) + ": ";
  if (file.size() < kFirstSlot * kSlotBytes) {
    return fail(ErrorCode::InvalidArgument,
                where + "truncated: " + std::to_string(file.size()) + " bytes, no ndb header");
  }
  if (le32(file, 0) != kFileMagic) {
    return fail(ErrorCode::InvalidArgument, where + "not an ndb database (bad magic)");
  }
  if (const auto version = le32(file, 4); version != 0) {
    return fail(ErrorCode::InvalidArgument, where + "ndb version " + std::to_string(version) + ", want 0");
  }
  const std::uint64_t slot_bytes = std::uint64_t{le32(file, 12)} * kPageBytes;
  if (slot_bytes == 0 || slot_bytes > file.size()) {
    return fail(ErrorCode::InvalidArgument, where + "truncated: " + std::to_string(le32(file, 12)) +
                                                " slot pages do not fit " + std::to_string(file.size()) +
                                                " bytes");
  }
  std::vector<std::string> out;
  std::uint64_t total = 0;
  for (std::size_t slot = kFirstSlot; slot < slot_bytes / kSlotBytes; ++slot) {
    const std::size_t at = slot * kSlotBytes;
    const std::string place = where + "slot " + std::to_string(slot - kFirstSlot) + ": ";
    if (le32(file, at) != kSlotMagic) return fail(ErrorCode::InvalidArgument, place + "bad slot magic");
    const std::uint32_t index = le32(file, at + 4);
    const std::uint64_t offset = std::uint64_t{le32(file, at + 8)} * kBlockBytes;
    const std::uint64_t size = std::uint64_t{le32(file, at + 12)} * kBlockBytes;
    if (index == 0 || offset == 0) continue;
    if (offset < slot_bytes || offset + size > file.size() || size < kBlobHeadBytes + kBlobTailBytes) {
      return fail(ErrorCode::InvalidArgument, place + "blob at " + std::to_string(offset) + " of " +
                                                  std::to_string(size) + " bytes outside the data area");
    }
    const std::string_view blob = file.substr(offset, size);
    if (le32(blob, 0) != kBlobHeadMagic || le32(blob, 4) != index) {
      return fail(ErrorCode::InvalidArgument,
                  place + "blob at " + std::to_string(offset) + ": bad head (magic or package index)");
    }
    const std::uint32_t length = le32(blob, 12);
    if (std::uint64_t{length} + kBlobHeadBytes + kBlobTailBytes > size) {
      return fail(ErrorCode::InvalidArgument, place + "blob length " + std::to_string(length) +
                                                  " larger than its " + std::to_string(size) + " bytes");
    }
    const std::string_view tail = blob.substr(size - kBlobTailBytes);
    if (le32(tail, 8) != kBlobTailMagic || le32(tail, 4) != length) {
      return fail(ErrorCode::InvalidArgument,
                  place + "blob at " + std::to_string(offset) + ": bad tail (magic or length)");
    }
    total += length;
    if (total > file.size()) {
      return fail(ErrorCode::InvalidArgument, place + "slots share blobs: more blob bytes than the file");
    }
    out.emplace_back(blob.substr(kBlobHeadBytes, length));
  }
  return out;
}

}  // namespace regscand::scanner::ecosystems::rpm
