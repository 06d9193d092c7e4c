#include "scanner/layers/path.hpp"

#include <algorithm>
#include <vector>

namespace regscand::scanner::layers {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kAufsMetaPrefix = ".wh..wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

}  // namespace

Result<std::string> normalize_path(std::string_view name) {
  if (name.find('\0') != std::string_view::npos) {
    return fail(ErrorCode::InvalidArgument, "path: NUL byte in entry name");
  }
  std::vector<std::string_view> segments;
  std::size_t pos = 0;
  while (pos <= name.size()) {
    const std::size_t slash = std::min(name.find('/', pos), name.size());
    const std::string_view segment = name.substr(pos, slash - pos);
    pos = slash + 1;
    if (segment.empty() || segment == ".") continue;
    if (segment != "..") {
      segments.push_back(segment);
      continue;
    }
    if (segments.empty()) {
      return fail(ErrorCode::InvalidArgument, "path: \"..\" leaves the root");
    }
    segments.pop_back();
  }
  std::string out;
  out.reserve(name.size());
  for (const auto segment : segments) {
    if (!out.empty()) out += '/';
    out += segment;
  }
  return out;
}

Whiteout classify_whiteout(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view dir = slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (!base.starts_with(kWhiteoutPrefix)) return {};
  if (base == kOpaqueMarker) return {WhiteoutKind::Opaque, std::string(dir)};
  if (base.starts_with(kAufsMetaPrefix)) return {WhiteoutKind::Invalid, {}};
  const std::string_view removed = base.substr(kWhiteoutPrefix.size());
  if (removed.empty() || removed == "." || removed == "..") return {WhiteoutKind::Invalid, {}};
  std::string target(dir);
  if (!target.empty()) target += '/';
  target += removed;
  return {WhiteoutKind::Remove, std::move(target)};
}

bool is_within(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;
  if (!path.starts_with(dir)) return false;
  return path.size() == dir.size() || path[dir.size()] == '/';
}

}  // namespace regscand::scanner::layers
