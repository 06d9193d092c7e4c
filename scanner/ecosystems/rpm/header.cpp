#include "scanner/ecosystems/rpm/header.hpp"

namespace regscand::scanner::ecosystems::rpm {
namespace {

constexpr std::size_t kPreambleBytes = 8;
constexpr std::size_t kEntryBytes = 16;

enum Type : std::uint32_t {
  kNull = 0,
  kChar = 1,
  kInt8 = 2,
  kInt16 = 3,
  kInt32 = 4,
  kInt64 = 5,
  kString = 6,
  kBin = 7,
  kStringArray = 8,
  kI18nString = 9,
};

enum Tag : std::uint32_t {
  kTagName = 1000,
  kTagVersion = 1001,
  kTagRelease = 1002,
  kTagEpoch = 1003,
  kTagVendor = 1011,
  kTagLicense = 1014,
  kTagArch = 1022,
  kTagSourceRpm = 1044,
  kTagModularityLabel = 5096,
};

std::uint32_t be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return std::uint32_t{u[0]} << 24 | std::uint32_t{u[1]} << 16 | std::uint32_t{u[2]} << 8 | u[3];
}

// Bytes one element of a fixed-size type takes; 0 for the variable-size string types.
std::uint64_t element_bytes(std::uint32_t type) {
  switch (type) {
    case kNull:
      return 0;
    case kChar:
    case kInt8:
    case kBin:
      return 1;
    case kInt16:
      return 2;
    case kInt32:
      return 4;
    case kInt64:
      return 8;
    default:
      return 0;
  }
}

bool is_string_type(std::uint32_t type) {
  return type == kString || type == kStringArray || type == kI18nString;
}

struct Entry {
  std::uint32_t tag;
  std::uint32_t type;
  std::uint32_t offset;
  std::uint32_t count;
};

std::string entry_place(std::size_t index, const Entry& e) {
  return "index entry " + std::to_string(index) + " (tag " + std::to_string(e.tag) + ")";
}

class Reader {
 public:
  Reader(std::string_view index, std::string_view data) : index_(index), data_(data) {}

  std::size_t size() const { return index_.size() / kEntryBytes; }

  Entry entry(std::size_t i) const {
    const char* p = index_.data() + i * kEntryBytes;
    return Entry{be32(p), be32(p + 4), be32(p + 8), be32(p + 12)};
  }

  Result<void> check(std::size_t i) const {
    const Entry e = entry(i);
    if (e.type > kI18nString) {
      return fail(ErrorCode::InvalidArgument, entry_place(i, e) + ": unknown type " + std::to_string(e.type));
    }
    if (e.offset > data_.size()) {
      return fail(ErrorCode::InvalidArgument, entry_place(i, e) + ": offset " + std::to_string(e.offset) +
                                                  " outside the data (" + std::to_string(data_.size()) +
                                                  " bytes)");
    }
    const std::uint64_t end = std::uint64_t{e.offset} + std::uint64_t{e.count} * element_bytes(e.type);
    if (end > data_.size()) {
      return fail(ErrorCode::InvalidArgument, entry_place(i, e) + ": " + std::to_string(e.count) +
                                                  " elements run past the data (" +
                                                  std::to_string(data_.size()) + " bytes)");
    }
    return {};
  }

  std::optional<std::size_t> find(std::uint32_t tag) const {
    for (std::size_t i = 0; i < size(); ++i) {
      if (entry(i).tag == tag) return i;
    }
    return std::nullopt;
  }

  // The first string of a string-typed tag; empty when the tag is absent.
  Result<std::optional<std::string>> string(std::uint32_t tag) const {
    const auto i = find(tag);
    if (!i) return std::optional<std::string>();
    const Entry e = entry(*i);
    if (!is_string_type(e.type)) {
      return fail(ErrorCode::InvalidArgument,
                  entry_place(*i, e) + ": type " + std::to_string(e.type) + " is not a string");
    }
    if (e.count == 0) return fail(ErrorCode::InvalidArgument, entry_place(*i, e) + ": no string");
    const std::string_view rest = data_.substr(e.offset);
    const auto nul = rest.find('\0');
    if (nul == std::string_view::npos) {
      return fail(ErrorCode::InvalidArgument, entry_place(*i, e) + ": string not terminated in the data");
    }
    return std::optional<std::string>(std::string(rest.substr(0, nul)));
  }

  Result<std::optional<std::int32_t>> int32(std::uint32_t tag) const {
    const auto i = find(tag);
    if (!i) return std::optional<std::int32_t>();
    const Entry e = entry(*i);
    if (e.type != kInt32 || e.count == 0) {
      return fail(ErrorCode::InvalidArgument, entry_place(*i, e) + ": type " + std::to_string(e.type) +
                                                  " count " + std::to_string(e.count) + ", want one int32");
    }
    return std::optional<std::int32_t>(static_cast<std::int32_t>(be32(data_.data() + e.offset)));
  }

 private:
  std::string_view index_;
  std::string_view data_;
};

Result<std::string> required(const Reader& r, std::uint32_t tag, std::string_view what) {
  auto s = r.string(tag);
  if (!s) return std::unexpected(std::move(s).error());
  if (!*s || (*s)->empty()) return fail(ErrorCode::InvalidArgument, "no " + std::string(what));
  return std::move(**s);
}

Result<void> optional_string(const Reader& r, std::uint32_t tag, std::string& out) {
  auto s = r.string(tag);
  if (!s) return std::unexpected(std::move(s).error());
  if (*s) out = std::move(**s);
  return {};
}

}  // namespace

Result<Header> parse_header(std::string_view blob) {
  if (blob.size() < kPreambleBytes) {
    return fail(ErrorCode::InvalidArgument,
                "header of " + std::to_string(blob.size()) + " bytes is shorter than its preamble");
  }
  const std::uint32_t il = be32(blob.data());
  const std::uint32_t dl = be32(blob.data() + 4);
  if (il == 0 || il > kMaxHeaderEntries) {
    return fail(ErrorCode::InvalidArgument, "header index count " + std::to_string(il) + " outside 1.." +
                                                std::to_string(kMaxHeaderEntries));
  }
  if (dl > kMaxHeaderDataBytes) {
    return fail(ErrorCode::InvalidArgument,
                "header data length " + std::to_string(dl) + " over " + std::to_string(kMaxHeaderDataBytes));
  }
  const std::uint64_t want = kPreambleBytes + std::uint64_t{il} * kEntryBytes + dl;
  if (want != blob.size()) {
    return fail(ErrorCode::InvalidArgument, "header of " + std::to_string(blob.size()) + " bytes, but " +
                                                std::to_string(il) + " entries and " + std::to_string(dl) +
                                                " data bytes make " + std::to_string(want));
  }
  const Reader r(blob.substr(kPreambleBytes, std::size_t{il} * kEntryBytes),
                 blob.substr(kPreambleBytes + std::size_t{il} * kEntryBytes));
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (auto ok = r.check(i); !ok) return std::unexpected(std::move(ok).error());
  }

  Header h;
  auto name = required(r, kTagName, "NAME");
  if (!name) return std::unexpected(std::move(name).error());
  h.name = std::move(*name);
  auto version = required(r, kTagVersion, "VERSION");
  if (!version) return std::unexpected(std::move(version).error());
  h.version = std::move(*version);
  auto release = required(r, kTagRelease, "RELEASE");
  if (!release) return std::unexpected(std::move(release).error());
  h.release = std::move(*release);
  auto epoch = r.int32(kTagEpoch);
  if (!epoch) return std::unexpected(std::move(epoch).error());
  h.epoch = *epoch;
  for (const auto& [tag, out] : {std::pair{kTagArch, &h.arch}, std::pair{kTagSourceRpm, &h.source_rpm},
                                 std::pair{kTagModularityLabel, &h.modularity_label},
                                 std::pair{kTagVendor, &h.vendor}, std::pair{kTagLicense, &h.license}}) {
    if (auto ok = optional_string(r, tag, *out); !ok) return std::unexpected(std::move(ok).error());
  }
  return h;
}

std::string evr(const Header& header) {
  std::string out;
  if (header.epoch) out = std::to_string(*header.epoch) + ":";
  return out + header.version + "-" + header.release;
}

std::optional<SourceRpm> split_source_rpm(std::string_view source_rpm) {
  std::string_view s = source_rpm;
  if (s.ends_with(".src.rpm")) {
    s.remove_suffix(std::string_view(".src.rpm").size());
  } else if (s.ends_with(".nosrc.rpm")) {
    s.remove_suffix(std::string_view(".nosrc.rpm").size());
  } else {
    return std::nullopt;
  }
  const auto r = s.rfind('-');
  if (r == std::string_view::npos || r == 0 || r + 1 == s.size()) return std::nullopt;
  const auto v = s.rfind('-', r - 1);
  if (v == std::string_view::npos || v == 0 || v + 1 == r) return std::nullopt;
  return SourceRpm{std::string(s.substr(0, v)), std::string(s.substr(v + 1, r - v - 1)),
                   std::string(s.substr(r + 1))};
}

}  // namespace regscand::scanner::ecosystems::rpm
