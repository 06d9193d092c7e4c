// rpm's BerkeleyDB hash database (var/lib/rpm/Packages, rpm < 4.16: RHEL/CentOS <= 8, Amazon Linux 2): the
// header blob of every record, read by walking the hash pages and their overflow chains (either byte
// order, page size from the metadata page). Every page number, offset and length is checked; an overflow
// page reached twice (a loop or a shared chain) is an error, so the output never exceeds the file's size.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"

namespace regscand::scanner::ecosystems::rpm {

// The header blobs of `file`, in page order; the instance-counter record (key 0) is skipped. Errors are
// InvalidArgument (or Unimplemented for encrypted databases) and start with "rpm: <path>: ".
[[nodiscard]] Result<std::vector<std::string>> read_bdb_blobs(std::string_view file, std::string_view path);

}  // namespace regscand::scanner::ecosystems::rpm
