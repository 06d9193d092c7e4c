#include "scanner/ecosystems/osrelease/detector.hpp"

#include <algorithm>

namespace regscand::scanner::ecosystems::osrelease {
namespace {

constexpr std::string_view kPaths[] = {"etc/os-release", "usr/lib/os-release", "etc/alpine-release",
                                       "etc/debian_version"};
constexpr std::size_t kMaxValue = 256;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Unquotes "x", 'x' and backslash escapes inside double quotes; keeps printable ASCII and UTF-8 only.
std::string value_of(std::string_view raw) {
  raw = trim(raw);
  std::string out;
  const bool dq = raw.size() >= 2 && raw.front() == '"' && raw.back() == '"';
  const bool sq = raw.size() >= 2 && raw.front() == '\'' && raw.back() == '\'';
  if (dq || sq) raw = raw.substr(1, raw.size() - 2);
  for (std::size_t i = 0; i < raw.size() && out.size() < kMaxValue; ++i) {
    char c = raw[i];
    if (dq && c == '\\' && i + 1 < raw.size()) c = raw[++i];
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
    out += c;
  }
  return out;
}

std::string first_line(std::string_view text) {
  return value_of(text.substr(0, text.find('\n')));
}

}  // namespace

bool wants(std::string_view path) {
  return std::find(std::begin(kPaths), std::end(kPaths), path) != std::end(kPaths);
}

std::optional<Distribution> parse_os_release(std::string_view text) {
  Distribution d;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    const std::string_view line = trim(text.substr(0, eol));
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const auto key = trim(line.substr(0, eq));
    const auto value = value_of(line.substr(eq + 1));
    if (key == "ID") {
      d.id = value;
      std::transform(d.id.begin(), d.id.end(), d.id.begin(), [](unsigned char c) { return std::tolower(c); });
    } else if (key == "VERSION_ID") {
      d.version_id = value;
    } else if (key == "VERSION_CODENAME") {
      d.version_codename = value;
    } else if (key == "PRETTY_NAME") {
      d.pretty_name = value;
    }
  }
  if (d.id.empty()) return std::nullopt;
  return d;
}

std::optional<Distribution> detect(const layers::LayerFiles& files) {
  for (const std::string_view path : {"etc/os-release", "usr/lib/os-release"}) {
    if (const auto* text = files.find(path)) {
      if (auto d = parse_os_release(*text)) return d;
    }
  }
  if (const auto* alpine = files.find("etc/alpine-release")) {
    return Distribution{"alpine", first_line(*alpine), "", "Alpine Linux " + first_line(*alpine)};
  }
  if (const auto* debian = files.find("etc/debian_version")) {
    return Distribution{"debian", first_line(*debian), "", "Debian GNU/Linux " + first_line(*debian)};
  }
  return std::nullopt;
}

}  // namespace regscand::scanner::ecosystems::osrelease
