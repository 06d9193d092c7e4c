// Tar entry names as paths of the image filesystem, and OCI whiteout names. Pure functions on strings.
#pragma once

#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::scanner::layers {

// "./usr//bin/." -> "usr/bin", "/etc/passwd" -> "etc/passwd", "a/../b" -> "b", "./" -> "" (the root).
// InvalidArgument when a ".." segment would leave the root ("../../etc/passwd") or the name holds a NUL.
[[nodiscard]] Result<std::string> normalize_path(std::string_view name);

enum class WhiteoutKind {
  None,    // an ordinary entry
  Remove,  // ".wh.<name>" in D: D/<name> is removed from lower layers
  Opaque,  // ".wh..wh..opq" in D: D's contents in lower layers are hidden
  Invalid  // ".wh." with an unusable name, or other ".wh..wh." (aufs) metadata
};

struct Whiteout {
  WhiteoutKind kind = WhiteoutKind::None;
  std::string target;  // Remove: the removed path; Opaque: the directory ("" = the root)
};

// Classifies a normalised path.
Whiteout classify_whiteout(std::string_view path);

// True when `path` is `dir` or lies below it; every path lies below the root "".
bool is_within(std::string_view path, std::string_view dir);

}  // namespace regscand::scanner::layers
