#include "scanner/ecosystems/gem/inventory.hpp"

#include <optional>

#include "scanner/ecosystems/common/metadata_files.hpp"
#include "scanner/ecosystems/gem/version.hpp"

namespace regscand::scanner::ecosystems::gem {
namespace {

constexpr std::string_view kSuffix = ".gemspec";
constexpr std::size_t kMaxField = 256;

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9');
}

std::string_view skip_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// A Ruby string literal at the front of `s`: "...", '...' or %q with {}, (), [] or <>; nullopt for
// anything else, for an unterminated literal and for escapes (never in a generated name or version).
std::optional<std::string_view> literal(std::string_view s) {
  char close = 0;
  std::size_t open = 1;
  if (s.starts_with('"') || s.starts_with('\'')) {
    close = s.front();
  } else if (s.starts_with("%q") && s.size() > 2) {
    open = 3;
    switch (s[2]) {
      case '{':
        close = '}';
        break;
      case '(':
        close = ')';
        break;
      case '[':
        close = ']';
        break;
      case '<':
        close = '>';
        break;
      default:
        return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  const auto end = s.find(close, open);
  if (end == std::string_view::npos) return std::nullopt;
  const auto value = s.substr(open, end - open);
  if (value.find('\\') != std::string_view::npos) return std::nullopt;
  return value;
}

// The value of `<var>.<field> = <literal>` on `line`, or nullopt.
std::optional<std::string_view> assignment(std::string_view line, std::string_view field) {
  line = skip_blanks(line);
  if (line.empty() || !is_ident_start(line.front())) return std::nullopt;
  std::size_t i = 1;
  while (i < line.size() && is_ident(line[i])) ++i;
  line.remove_prefix(i);
  if (!line.starts_with('.')) return std::nullopt;
  line.remove_prefix(1);
  if (!line.starts_with(field)) return std::nullopt;
  line = skip_blanks(line.substr(field.size()));
  if (!line.starts_with('=') || line.starts_with("==")) return std::nullopt;
  return literal(skip_blanks(line.substr(1)));
}

// "nokogiri-1.15.4-x86_64-linux" -> {"nokogiri", "1.15.4"}: the name ends before the first `-` followed by
// a well-formed dotted version (up to the next `-`, the platform).
bool split_file_name(std::string_view base, std::string_view& name, std::string_view& version) {
  for (auto dash = base.find('-'); dash != std::string_view::npos; dash = base.find('-', dash + 1)) {
    if (dash == 0) continue;
    const auto rest = base.substr(dash + 1);
    const auto candidate = rest.substr(0, rest.find('-'));
    if (candidate.empty() || candidate.front() < '0' || candidate.front() > '9') continue;
    if (!gem::parse(candidate)) continue;
    name = base.substr(0, dash);
    version = candidate;
    return true;
  }
  return false;
}

// Whether the directory holding `path` ends with "specifications" or "specifications/default".
bool in_specifications(std::string_view path) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return false;
  std::string_view dir = path.substr(0, slash);
  if (dir.ends_with("/default")) dir.remove_suffix(std::string_view("/default").size());
  constexpr std::string_view kDir = "specifications";
  return dir.ends_with(kDir) && (dir.size() == kDir.size() || dir[dir.size() - kDir.size() - 1] == '/');
}

}  // namespace

Result<Package> parse_gemspec(std::string_view text, std::string_view path) {
  std::optional<std::string_view> name, version;
  while (!text.empty() && !(name && version)) {
    const auto eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (!name) name = assignment(line, "name");
    if (!version) version = assignment(line, "version");
  }
  if (!name || !version) {
    std::string_view base = path.substr(path.rfind('/') + 1);  // npos + 1 == 0
    if (base.ends_with(kSuffix)) base.remove_suffix(kSuffix.size());
    std::string_view file_name, file_version;
    if (split_file_name(base, file_name, file_version)) {
      if (!name) name = file_name;
      if (!version) version = file_version;
    }
  }
  const std::string where = "gem: " + std::string(path) + ": ";
  if (!name || !common::plain_token(*name, kMaxField)) {
    return fail(ErrorCode::InvalidArgument, where + "no usable name");
  }
  if (!version || !common::plain_token(*version, kMaxField)) {
    return fail(ErrorCode::InvalidArgument, where + "no usable version");
  }
  Package p;
  p.ecosystem = "gem";
  p.name = std::string(*name);
  p.version = std::string(*version);
  p.source_name = p.name;
  p.source_version = p.version;
  p.path = std::string(path);
  return p;
}

bool GemspecScanner::wants(std::string_view path) const {
  if (!path.ends_with(kSuffix) || path.size() == kSuffix.size()) return false;
  return path[path.size() - kSuffix.size() - 1] != '/' && in_specifications(path);
}

Result<LayerPackages> GemspecScanner::scan(const layers::LayerFiles& files) const {
  return common::scan_each(
      *this, files, [](std::string_view text, std::string_view path) -> Result<std::optional<Package>> {
        auto parsed = parse_gemspec(text, path);
        if (!parsed) return std::unexpected(std::move(parsed).error());
        return std::optional<Package>(std::move(*parsed));
      });
}

}  // namespace regscand::scanner::ecosystems::gem
