#include "scanner/ecosystems/dpkg/inventory.hpp"

#include <iterator>
#include <map>

namespace regscand::scanner::ecosystems::dpkg {
namespace {

constexpr std::string_view kStatus = "var/lib/dpkg/status";
constexpr std::string_view kStatusD = "var/lib/dpkg/status.d/";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool non_debian_architecture(std::string_view arch) {
  for (const std::string_view os : {"windows", "uwp", "osx", "mingw"}) {
    if (arch.find(os) != std::string_view::npos) return true;
  }
  return false;
}

// "name (version)" or "name".
void split_source(std::string_view source, std::string& name, std::string& version) {
  const auto paren = source.find('(');
  if (paren == std::string_view::npos) {
    name = std::string(trim(source));
    return;
  }
  name = std::string(trim(source.substr(0, paren)));
  const auto close = source.find(')', paren);
  version = std::string(trim(source.substr(
      paren + 1, close == std::string_view::npos ? std::string_view::npos : close - paren - 1)));
}

}  // namespace

Result<LayerPackages> parse_status(std::string_view text, std::string_view path, bool status_d,
                                   const StatusLimits& limits) {
  LayerPackages result;
  std::vector<Package>& out = result.packages;
  std::map<std::string, std::string, std::less<>> fields;
  std::size_t stanzas = 0;
  std::size_t without_package = 0;
  std::size_t line_number = 0;
  const std::string where(path);

  // false once the file is cut at max_stanzas.
  auto finish = [&]() -> Result<bool> {
    if (fields.empty()) return true;
    if (++stanzas > limits.max_stanzas) {
      result.problems.push_back(
          Problem::cut_short("dpkg", path, "max_stanzas", limits.max_stanzas,
                             "more than max_stanzas " + std::to_string(limits.max_stanzas) + " stanzas"));
      return false;
    }
    const auto get = [&](std::string_view key) {
      const auto it = fields.find(key);
      return it == fields.end() ? std::string() : it->second;
    };
    if (non_debian_architecture(get("Architecture"))) {
      return fail(ErrorCode::InvalidArgument, "dpkg: " + where + ":" + std::to_string(line_number) +
                                                  ": Architecture \"" + get("Architecture") +
                                                  "\" is not Debian's: not a dpkg database");
    }
    if (!fields.contains("Package")) ++without_package;
    const bool installed =
        status_d && !fields.contains("Status") ? true : get("Status") == "install ok installed";
    Package p;
    p.ecosystem = "dpkg";
    p.name = get("Package");
    p.version = get("Version");
    p.arch = get("Architecture");
    p.path = where;
    split_source(get("Source"), p.source_name, p.source_version);
    if (p.source_name.empty()) p.source_name = p.name;
    if (p.source_version.empty()) p.source_version = p.version;
    fields.clear();
    if (installed && !p.name.empty() && !p.version.empty()) out.push_back(std::move(p));
    return true;
  };

  std::string last_key;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_number;
    if (line.size() > limits.max_line_bytes) {
      result.problems.push_back(Problem::cut_short("dpkg", path, "max_line_bytes", limits.max_line_bytes,
                                                   "line " + std::to_string(line_number) +
                                                       " longer than max_line_bytes " +
                                                       std::to_string(limits.max_line_bytes)));
      return result;
    }
    if (trim(line).empty()) {
      auto done = finish();
      if (!done) return std::unexpected(done.error());
      if (!*done) return result;
      last_key.clear();
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') continue;  // continuation of a folded field
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;  // not a field: dpkg skips such lines
    last_key = std::string(line.substr(0, colon));
    fields.insert_or_assign(last_key, std::string(trim(line.substr(colon + 1))));
  }
  auto done = finish();
  if (!done) return std::unexpected(done.error());
  if (out.empty() && without_package > 0 && result.problems.empty()) {
    return fail(ErrorCode::InvalidArgument,
                "dpkg: " + where + ": no stanza has a Package field: not a dpkg database");
  }
  return result;
}

bool StatusScanner::wants(std::string_view path) const {
  return path == kStatus ||
         (path.starts_with(kStatusD) && path.find('/', kStatusD.size()) == std::string_view::npos &&
          path.size() > kStatusD.size() && !path.ends_with(".md5sums"));
}

Result<LayerPackages> StatusScanner::scan(const layers::LayerFiles& files) const {
  LayerPackages out;
  for (const auto& [path, content] : files.all()) {
    if (!wants(path)) continue;
    auto parsed = parse_status(content, path, path != kStatus);
    if (!parsed) return std::unexpected(parsed.error());
    std::move(parsed->packages.begin(), parsed->packages.end(), std::back_inserter(out.packages));
    std::move(parsed->problems.begin(), parsed->problems.end(), std::back_inserter(out.problems));
  }
  return out;
}

}  // namespace regscand::scanner::ecosystems::dpkg
