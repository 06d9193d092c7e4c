// The rpm header blob as the rpm databases store it (index count, data length, index entries, data store;
// big-endian): the few tags that identify an installed package. Every offset and count is checked against
// the blob; a malformed blob is an InvalidArgument error saying which entry is wrong, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::scanner::ecosystems::rpm {

inline constexpr std::uint32_t kMaxHeaderEntries = 0xffff;        // rpm's own hdrchkTags limit
inline constexpr std::uint32_t kMaxHeaderDataBytes = 256u << 20;  // rpm's HEADER_DATA_MAX

struct Header {
  std::string name;                   // NAME (1000)
  std::string version;                // VERSION (1001)
  std::string release;                // RELEASE (1002)
  std::optional<std::int32_t> epoch;  // EPOCH (1003), absent when the package has none
  std::string arch;                   // ARCH (1022); empty for gpg-pubkey
  std::string source_rpm;             // SOURCERPM (1044), "name-version-release.src.rpm"
  std::string modularity_label;       // MODULARITYLABEL (5096)
  std::string vendor;                 // VENDOR (1011)
  std::string license;                // LICENSE (1014)
  friend bool operator==(const Header&, const Header&) = default;
};

// Parses one header blob. NAME, VERSION and RELEASE are required; the other tags are optional. Messages
// have no prefix: the caller names the database and record.
[[nodiscard]] Result<Header> parse_header(std::string_view blob);

// "[epoch:]version-release", as rpm prints %{EVR}.
std::string evr(const Header& header);

struct SourceRpm {
  std::string name;
  std::string version;
  std::string release;
};

// Splits "name-version-release.src.rpm" (or ".nosrc.rpm"); nullopt when it is not of that form.
std::optional<SourceRpm> split_source_rpm(std::string_view source_rpm);

}  // namespace regscand::scanner::ecosystems::rpm
