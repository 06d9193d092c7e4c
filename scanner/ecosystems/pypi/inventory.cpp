#include "scanner/ecosystems/pypi/inventory.hpp"

#include "scanner/ecosystems/common/metadata_files.hpp"

namespace regscand::scanner::ecosystems::pypi {
namespace {

constexpr std::size_t kMaxField = 256;

// Whether the directory holding `path` (up to its last '/') is named `name`: "a/site-packages/x" and
// "site-packages/x" for "site-packages".
bool parent_is(std::string_view path, std::string_view name) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view dir = path.substr(0, slash);
  if (!dir.ends_with(name)) return false;
  return dir.size() == name.size() || dir[dir.size() - name.size() - 1] == '/';
}

std::string_view dir_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

bool in_packages_dir(std::string_view path) {
  return parent_is(path, "site-packages") || parent_is(path, "dist-packages");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string normalize_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool separator = false;
  for (const char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      separator = true;
      continue;
    }
    if (separator && !out.empty()) out += '-';
    separator = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

Result<Package> parse_metadata(std::string_view text, std::string_view path) {
  std::optional<std::string_view> name, version;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (trim(line).empty()) break;                              // the body (description) follows
    if (line.front() == ' ' || line.front() == '\t') continue;  // continuation of a folded header
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    if (!name && iequals(key, "Name")) name = trim(line.substr(colon + 1));
    if (!version && iequals(key, "Version")) version = trim(line.substr(colon + 1));
    if (name && version) break;
  }
  const std::string where = "pypi: " + std::string(path) + ": ";
  if (!name || !common::plain_token(*name, kMaxField)) {
    return fail(ErrorCode::InvalidArgument, where + "no usable Name header");
  }
  if (!version || !common::plain_token(*version, kMaxField)) {
    return fail(ErrorCode::InvalidArgument, where + "no usable Version header");
  }
  Package p;
  p.ecosystem = "pypi";
  p.name = std::string(*name);
  p.version = std::string(*version);
  p.source_name = normalize_name(*name);
  p.source_version = p.version;
  p.path = std::string(path);
  return p;
}

bool MetadataScanner::wants(std::string_view path) const {
  if (path.ends_with("/METADATA")) {
    const auto dir = dir_of(path);
    return dir.ends_with(".dist-info") && in_packages_dir(dir);
  }
  if (path.ends_with("/PKG-INFO")) {
    const auto dir = dir_of(path);
    return dir.ends_with(".egg-info") || (dir.ends_with(".egg/EGG-INFO"));
  }
  return path.ends_with(".egg-info") && in_packages_dir(path);
}

Result<LayerPackages> MetadataScanner::scan(const layers::LayerFiles& files) const {
  return common::scan_each(
      *this, files, [](std::string_view text, std::string_view path) -> Result<std::optional<Package>> {
        auto parsed = parse_metadata(text, path);
        if (!parsed) return std::unexpected(std::move(parsed).error());
        return std::optional<Package>(std::move(*parsed));
      });
}

}  // namespace regscand::scanner::ecosystems::pypi
