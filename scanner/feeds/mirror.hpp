// feeds.mirror: every upstream URL source maps to <mirror>/<host>/<path>, so a static file server on a
// directory laid out as <host>/<path> (what `regscand feeds mirror DIR` writes) is a mirror. Pure; errors
// never quote the URL (it may hold credentials).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::scanner::feeds {

// "<host>[:port]/<path>" of an http(s) URL, the path as written (percent-encoded), the host lower case and
// any user info dropped. InvalidArgument unless the URL has a host and a non-empty path, no query or
// fragment, and no empty, "." or ".." segment, nor one that decodes to such, to a '/', a '\' or a
// control character.
[[nodiscard]] Result<std::string> mirror_path(std::string_view url);

// The same location as a relative filesystem path, percent-decoded: DIR / mirror_file(url) is where a
// mirror directory holds the URL's body.
[[nodiscard]] Result<std::filesystem::path> mirror_file(std::string_view url);

// Where to read `source` from: the source itself when `mirror` is empty or the source is a path; else
// "<mirror>/<mirror_path>" when the mirror is an http(s) base URL, "<mirror>/<mirror_file>" when it is a
// directory.
[[nodiscard]] Result<std::string> mirror_source(std::string_view source, std::string_view mirror);

}  // namespace regscand::scanner::feeds
