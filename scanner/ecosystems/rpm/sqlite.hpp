// rpm's SQLite database (rpmdb.sqlite, rpm >= 4.16: Fedora, RHEL 9, Amazon Linux 2023, Azure Linux): the
// header blob of every row of its Packages table. The file is opened read-only from memory (never from
// disk), in SQLite's defensive mode with untrusted schema, triggers and views off, a work budget and a
// length limit, so a hostile file gives an error, not a hang.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"

namespace regscand::scanner::ecosystems::rpm {

// The header blobs of `file`, in table order (hnum, its rowid, in rpm's schema); no sort, no temp files.
// Errors are InvalidArgument (not a database, no Packages table, malformed) or ResourceExhausted (work
// budget), and start with "rpm: <path>: ".
[[nodiscard]] Result<std::vector<std::string>> read_sqlite_blobs(std::string_view file,
                                                                 std::string_view path);

}  // namespace regscand::scanner::ecosystems::rpm
