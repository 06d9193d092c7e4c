#include "scanner/ecosystems/rpm/bdb.hpp"

#include <cstdint>

namespace regscand::scanner::ecosystems::rpm {
namespace {

constexpr std::uint32_t kHashMagic = 0x061561;
constexpr std::uint32_t kBtreeMagic = 0x053162;
constexpr std::size_t kMetaBytes = 72;
constexpr std::size_t kPageHeaderBytes = 26;
constexpr std::size_t kChecksumBytes = 6;
constexpr std::uint8_t kMetaChecksum = 0x01;

constexpr std::uint8_t kPageHashUnsorted = 2;
constexpr std::uint8_t kPageOverflow = 7;
constexpr std::uint8_t kPageHashMeta = 8;
constexpr std::uint8_t kPageHash = 13;

constexpr std::uint8_t kItemKeyData = 1;
constexpr std::uint8_t kItemDuplicate = 2;
constexpr std::uint8_t kItemOffPage = 3;
constexpr std::uint8_t kItemOffDuplicate = 4;
constexpr std::size_t kOffPageBytes = 12;

class Bytes {
 public:
  Bytes(std::string_view data, bool big_endian) : data_(data), big_(big_endian) {}

  std::uint8_t u8(std::size_t at) const { return static_cast<std::uint8_t>(data_[at]); }
  std::uint16_t u16(std::size_t at) const {
    const std::uint16_t a = u8(at), b = u8(at + 1);
    return static_cast<std::uint16_t>(big_ ? (a << 8 | b) : (b << 8 | a));
  }
  std::uint32_t u32(std::size_t at) const {
    const std::uint32_t a = u8(at), b = u8(at + 1), c = u8(at + 2), d = u8(at + 3);
    return big_ ? (a << 24 | b << 16 | c << 8 | d) : (d << 24 | c << 16 | b << 8 | a);
  }
  std::string_view data() const { return data_; }
  bool big_endian() const { return big_; }

 private:
  std::string_view data_;
  bool big_;
};

class Walker {
 public:
  Walker(std::string_view file, std::string_view path, bool big_endian, std::size_t page_size,
         std::size_t pages, std::size_t header_bytes)
      : file_(file, big_endian),
        where_("rpm: " + std::string(path) + ": "),
        page_size_(page_size),
        pages_(pages),
        header_bytes_(header_bytes),
        overflow_used_(pages, false) {}

  Result<std::vector<std::string>> run() {
    std::vector<std::string> out;
    for (std::size_t p = 1; p < pages_; ++p) {
      const Bytes page = page_at(p);
      const std::uint8_t type = page.u8(25);
      if (type != kPageHash && type != kPageHashUnsorted) continue;
      if (auto ok = hash_page(p, page, out); !ok) return std::unexpected(std::move(ok).error());
    }
    return out;
  }

 private:
  Bytes page_at(std::size_t p) const {
    return Bytes(file_.data().substr(p * page_size_, page_size_), big_endian());
  }
  bool big_endian() const { return file_.big_endian(); }

  Error error(std::size_t page, const std::string& what) const {
    return Error{ErrorCode::InvalidArgument, where_ + "page " + std::to_string(page) + ": " + what};
  }

  Result<void> hash_page(std::size_t p, const Bytes& page, std::vector<std::string>& out) {
    const std::size_t entries = page.u16(20);
    if (entries % 2 != 0) {
      return std::unexpected(error(p, std::to_string(entries) + " items, not key/value pairs"));
    }
    if (header_bytes_ + 2 * entries > page_size_) {
      return std::unexpected(error(p, std::to_string(entries) + " items do not fit the page"));
    }
    std::size_t item_end = page_size_;
    for (std::size_t i = 0; i < entries; i += 2) {
      const std::size_t key_at = page.u16(header_bytes_ + 2 * i);
      const std::size_t value_at = page.u16(header_bytes_ + 2 * i + 2);
      const std::size_t index_end = header_bytes_ + 2 * entries;
      if (key_at < index_end || key_at >= item_end || value_at < index_end || value_at >= key_at) {
        return std::unexpected(error(p, "item " + std::to_string(i) + " offsets " + std::to_string(key_at) +
                                            "/" + std::to_string(value_at) + " outside the item area"));
      }
      const std::string_view key = page.data().substr(key_at, item_end - key_at);
      const std::string_view value = page.data().substr(value_at, key_at - value_at);
      item_end = value_at;
      if (auto ok = pair(p, i, key, value, out); !ok) return std::unexpected(std::move(ok).error());
    }
    return {};
  }

  static bool is_counter_key(std::string_view key) {
    return key.size() == 5 && static_cast<std::uint8_t>(key[0]) == kItemKeyData &&
           key.substr(1) == std::string_view("\0\0\0\0", 4);
  }

  Result<void> pair(std::size_t p, std::size_t i, std::string_view key, std::string_view value,
                    std::vector<std::string>& out) {
    if (is_counter_key(key)) return {};
    const auto type = static_cast<std::uint8_t>(value[0]);
    if (type == kItemKeyData) {
      out.emplace_back(value.substr(1));
      return {};
    }
    if (type == kItemOffPage) {
      if (value.size() < kOffPageBytes) {
        return std::unexpected(error(p, "item " + std::to_string(i + 1) + ": off-page reference of " +
                                            std::to_string(value.size()) + " bytes"));
      }
      const Bytes ref(value, big_endian());
      auto blob = overflow(p, ref.u32(4), ref.u32(8));
      if (!blob) return std::unexpected(std::move(blob).error());
      out.push_back(std::move(*blob));
      return {};
    }
    if (type == kItemDuplicate || type == kItemOffDuplicate) {
      return std::unexpected(
          error(p, "item " + std::to_string(i + 1) + ": duplicate records, which rpm never writes"));
    }
    return std::unexpected(
        error(p, "item " + std::to_string(i + 1) + ": unknown item type " + std::to_string(type)));
  }

  Result<std::string> overflow(std::size_t from, std::uint32_t first, std::uint32_t total) {
    if (total > file_.data().size()) {
      return std::unexpected(
          error(from, "off-page value of " + std::to_string(total) + " bytes is larger than the file"));
    }
    std::string out;
    out.reserve(total);
    const std::size_t capacity = page_size_ - header_bytes_;
    for (std::uint32_t p = first; p != 0;) {
      if (p >= pages_) {
        return std::unexpected(error(from, "overflow page " + std::to_string(p) + " outside the file (" +
                                               std::to_string(pages_) + " pages)"));
      }
      if (overflow_used_[p]) {
        return std::unexpected(error(p, "overflow chain loops or is shared"));
      }
      overflow_used_[p] = true;
      const Bytes page = page_at(p);
      if (page.u8(25) != kPageOverflow) {
        return std::unexpected(error(p, "type " + std::to_string(page.u8(25)) + " in an overflow chain"));
      }
      const std::size_t len = page.u16(22);
      if (len > capacity || len > total - out.size()) {
        return std::unexpected(error(p, "overflow length " + std::to_string(len) + " with " +
                                            std::to_string(total - out.size()) + " bytes left of " +
                                            std::to_string(total)));
      }
      out.append(page.data().substr(header_bytes_, len));
      p = page.u32(16);
    }
    if (out.size() != total) {
      return std::unexpected(error(from, "overflow chain from page " + std::to_string(first) +
                                             " ends after " + std::to_string(out.size()) + " of " +
                                             std::to_string(total) + " bytes"));
    }
    return out;
  }

  Bytes file_;
  std::string where_;
  std::size_t page_size_;
  std::size_t pages_;
  std::size_t header_bytes_;
  std::vector<bool> overflow_used_;
};

}  // namespace

Result<std::vector<std::string>> read_bdb_blobs(std::string_view file, std::string_view path) {
  const std::string where = "rpm: " + std::string(path) + ": ";
  if (file.size() < kMetaBytes) {
    return fail(ErrorCode::InvalidArgument,
                where + "truncated: " + std::to_string(file.size()) + " bytes, no BerkeleyDB metadata page");
  }
  const Bytes little(file, false);
  const Bytes big(file, true);
  if (little.u32(12) != kHashMagic && big.u32(12) != kHashMagic) {
    if (little.u32(12) == kBtreeMagic || big.u32(12) == kBtreeMagic) {
      return fail(ErrorCode::InvalidArgument, where + "a BerkeleyDB btree, not the hash rpm writes");
    }
    return fail(ErrorCode::InvalidArgument, where + "not a BerkeleyDB hash database (bad magic)");
  }
  const Bytes& meta = little.u32(12) == kHashMagic ? little : big;
  if (meta.u8(25) != kPageHashMeta) {
    return fail(ErrorCode::InvalidArgument,
                where + "page 0: type " + std::to_string(meta.u8(25)) + ", not hash metadata");
  }
  if (meta.u8(24) != 0) {
    return fail(ErrorCode::Unimplemented, where + "encrypted BerkeleyDB databases are not supported");
  }
  const std::uint32_t page_size = meta.u32(20);
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0) {
    return fail(ErrorCode::InvalidArgument,
                where + "page size " + std::to_string(page_size) + " is not a power of two in 512..65536");
  }
  const std::uint64_t pages = std::uint64_t{meta.u32(32)} + 1;
  if (pages * page_size > file.size()) {
    return fail(ErrorCode::InvalidArgument, where + "truncated: metadata says " + std::to_string(pages) +
                                                " pages of " + std::to_string(page_size) +
                                                " bytes, file has " + std::to_string(file.size()) + " bytes");
  }
  const std::size_t header_bytes = kPageHeaderBytes + ((meta.u8(26) & kMetaChecksum) ? kChecksumBytes : 0);
  return Walker(file, path, &meta == &big, page_size, pages, header_bytes).run();
}

}  // namespace regscand::scanner::ecosystems::rpm
