// rpm's ndb database (Packages.db, SUSE since 15.3): the header blob of every used slot. Little-endian
// file header, slot pages of 16-byte slots, and blobs framed by a head ("BlbS") and a tail ("BlbE").
// Every slot and blob is checked against the file; the blobs together never exceed the file's size.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"

namespace regscand::scanner::ecosystems::rpm {

// The header blobs of `file`, in slot order. Errors are InvalidArgument and start with "rpm: <path>: ".
[[nodiscard]] Result<std::vector<std::string>> read_ndb_blobs(std::string_view file, std::string_view path);

}  // namespace regscand::scanner::ecosystems::rpm
