#include "scanner/ecosystems/osrelease/detector.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "config/base/text.hpp"
#include "config/base/utf8.hpp"

namespace regscand::scanner::ecosystems::osrelease {
namespace {

using Fields = std::map<std::string, std::string, std::less<>>;

constexpr std::string_view kOsRelease[] = {"etc/os-release", "usr/lib/os-release"};
constexpr std::string_view kLsbRelease = "etc/lsb-release";
constexpr std::string_view kAlpineRelease = "etc/alpine-release";
constexpr std::string_view kSystemReleaseCpe = "etc/system-release-cpe";
constexpr std::string_view kRedhatRelease = "etc/redhat-release";
constexpr std::string_view kDebianVersion = "etc/debian_version";
constexpr std::string_view kBusybox = "bin/busybox";
constexpr std::string_view kDpkgStatus = "var/lib/dpkg/status";
constexpr std::string_view kDpkgStatusD = "var/lib/dpkg/status.d/";

struct VendorRelease {
  std::string_view path;
  std::string_view id;
};
constexpr VendorRelease kVendorReleases[] = {{"etc/centos-release", "centos"},
                                             {"etc/almalinux-release", "almalinux"},
                                             {"etc/rocky-release", "rocky"},
                                             {"etc/oracle-release", "ol"},
                                             {"etc/fedora-release", "fedora"}};

constexpr std::string_view kTextPaths[] = {
    "etc/os-release",     "usr/lib/os-release",     "etc/lsb-release",    "etc/alpine-release",
    "etc/centos-release", "etc/almalinux-release",  "etc/rocky-release",  "etc/oracle-release",
    "etc/fedora-release", "etc/system-release-cpe", "etc/redhat-release", "etc/debian_version"};

constexpr std::size_t kMaxFileBytes = 64 * 1024;  // of a text release file; real ones are < 1 KiB
constexpr std::size_t kMaxValue = 256;
constexpr std::string_view kBusyboxMarker = "BusyBox v";

bool presence_only(std::string_view path) {
  return path == kDpkgStatus || (path.starts_with(kDpkgStatusD) && path.size() > kDpkgStatusD.size());
}

bool is_text_path(std::string_view path) {
  return std::find(std::begin(kTextPaths), std::end(kTextPaths), path) != std::end(kTextPaths);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Newlines, tabs, printable ASCII and valid UTF-8; every other byte (NUL, CR, invalid UTF-8) is dropped.
std::string clean(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
      out += s[i++];
      continue;
    }
    if (const std::size_t n = c >= 0x80 ? text::utf8_sequence_length(s.substr(i)) : 0; n > 0) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  return out;
}

std::string busybox_marker(std::string_view binary) {
  for (auto at = binary.find(kBusyboxMarker); at != std::string_view::npos;
       at = binary.find(kBusyboxMarker, at + 1)) {
    std::size_t end = at + kBusyboxMarker.size();
    while (end < binary.size() && end - at < kMaxValue && (is_digit(binary[end]) || binary[end] == '.'))
      ++end;
    if (end > at + kBusyboxMarker.size()) return std::string(binary.substr(at, end - at));
  }
  return {};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// At most kMaxValue bytes, never cutting a UTF-8 sequence.
std::string bounded(std::string s) {
  if (s.size() <= kMaxValue) return s;
  std::size_t cut = kMaxValue;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
  s.resize(cut);
  return s;
}

// A shell-style value: "x" (backslash escapes the next character), 'x' (literal) or a bare word; text
// after the closing quote is ignored, and an unterminated quote runs to the end of the line. Control
// characters are dropped. Input is clean() text.
std::string value_of(std::string_view raw) {
  raw = trim(raw);
  std::string out;
  const auto keep = [&out](char c) {
    if (static_cast<unsigned char>(c) >= 0x20 && out.size() <= kMaxValue) out += c;
  };
  if (raw.empty() || (raw.front() != '"' && raw.front() != '\'')) {
    for (const char c : raw) keep(c);
    return bounded(std::move(out));
  }
  const char quote = raw.front();
  for (std::size_t i = 1; i < raw.size(); ++i) {
    if (raw[i] == quote) break;
    if (quote == '"' && raw[i] == '\\' && i + 1 < raw.size()) ++i;
    keep(raw[i]);
  }
  return bounded(std::move(out));
}

std::string first_line(std::string_view text) {
  while (!text.empty()) {
    const auto eol = text.find('\n');
    const auto line = trim(text.substr(0, eol));
    if (!line.empty()) return bounded(std::string(line));
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return {};
}

// KEY=value lines (os-release(5) and lsb-release); comments and lines without '=' are skipped, the last
// assignment of a key wins (as when the file is sourced by a shell).
Fields fields_of(std::string_view text) {
  Fields out;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    const std::string_view line = trim(text.substr(0, eol));
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const auto key = trim(line.substr(0, eq));
    if (key.empty()) continue;
    out.insert_or_assign(std::string(key), value_of(line.substr(eq + 1)));
  }
  return out;
}

std::string field(const Fields& fields, std::string_view key) {
  const auto it = fields.find(key);
  return it == fields.end() ? std::string() : it->second;
}

// "bookworm" from Debian's VERSION="12 (bookworm)" or "Debian GNU/Linux 12 (bookworm)" (distroless).
std::string codename_in(std::string_view version) {
  const auto open = version.rfind('(');
  if (open == std::string_view::npos || !version.ends_with(')')) return {};
  const auto word = version.substr(open + 1, version.size() - open - 2);
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_';
  });
  return plain ? text::lower_case(std::string(word)) : std::string();
}

std::optional<Distribution> parse_lsb_release(std::string_view text) {
  const auto fields = fields_of(text);
  Distribution d;
  d.id = text::lower_case(field(fields, "DISTRIB_ID"));
  if (d.id.empty()) return std::nullopt;
  d.version_id = field(fields, "DISTRIB_RELEASE");
  d.version_codename = field(fields, "DISTRIB_CODENAME");
  d.pretty_name = field(fields, "DISTRIB_DESCRIPTION");
  return d;
}

// The id os-release uses for the distribution a redhat-release line names.
std::string id_for_release_name(std::string_view name) {
  const std::string n = text::lower_case(std::string(name));
  constexpr std::pair<std::string_view, std::string_view> kIds[] = {
      {"red hat", "rhel"},   {"centos", "centos"},         {"almalinux", "almalinux"},
      {"alma", "almalinux"}, {"rocky", "rocky"},           {"oracle", "ol"},
      {"fedora", "fedora"},  {"scientific", "scientific"}, {"amazon", "amzn"}};
  for (const auto& [prefix, id] : kIds) {
    if (n.starts_with(prefix)) return std::string(id);
  }
  std::string id = n;
  std::replace(id.begin(), id.end(), ' ', '-');
  return id;
}

// "NAME release X.Y[.Z...] (...)": Trivy's redhatbase files and syft's redhat-release. `fixed_id` names
// the distribution of a vendor's own file; otherwise the id comes from NAME.
std::optional<Distribution> parse_release_line(std::string_view text, std::string_view fixed_id,
                                               bool major_only_ok) {
  const std::string line = first_line(text);
  constexpr std::string_view kRelease = " release ";
  const auto at = line.find(kRelease);
  if (at == std::string::npos || at == 0) return std::nullopt;
  const std::string_view rest = std::string_view(line).substr(at + kRelease.size());
  std::size_t end = 0;
  bool dotted = false;
  while (end < rest.size() && is_digit(rest[end])) ++end;
  while (end > 0 && end + 1 < rest.size() && rest[end] == '.' && is_digit(rest[end + 1])) {
    dotted = true;
    ++end;
    while (end < rest.size() && is_digit(rest[end])) ++end;
  }
  if (end == 0 || (!dotted && !major_only_ok)) return std::nullopt;
  Distribution d;
  d.id = fixed_id.empty() ? id_for_release_name(trim(std::string_view(line).substr(0, at))) : fixed_id;
  d.version_id = std::string(rest.substr(0, end));
  d.pretty_name = line;
  return d;
}

// "cpe:/o:centos:linux:6:GA" -> centos 6 (syft: needs vendor, product, version and one more field).
std::optional<Distribution> parse_system_release_cpe(std::string_view text) {
  const std::string line = first_line(text);
  constexpr std::string_view kPrefix = "cpe:/o:";
  if (!std::string_view(line).starts_with(kPrefix)) return std::nullopt;
  std::vector<std::string_view> parts;
  std::string_view rest = std::string_view(line).substr(kPrefix.size());
  for (auto colon = rest.find(':'); colon != std::string_view::npos; colon = rest.find(':')) {
    parts.push_back(rest.substr(0, colon));
    rest.remove_prefix(colon + 1);
  }
  parts.push_back(rest);
  if (parts.size() < 4 || parts[0].empty() || parts[2].empty()) return std::nullopt;
  const std::string vendor = text::lower_case(std::string(parts[0]));
  Distribution d;
  d.id = vendor == "redhat" ? "rhel" : vendor == "oracle" ? "ol" : vendor == "amazon" ? "amzn" : vendor;
  d.version_id = std::string(parts[2]);
  d.pretty_name = std::string(parts[0]);
  return d;
}

std::optional<Distribution> parse_busybox(std::string_view binary) {
  const std::string marker = busybox_marker(binary);
  if (marker.empty()) return std::nullopt;
  return Distribution{"busybox", marker.substr(kBusyboxMarker.size()), "", marker};
}

std::optional<Distribution> from_first_line(std::string_view text, std::string_view id,
                                            std::string_view pretty_prefix) {
  const std::string v = first_line(text);
  if (v.empty()) return std::nullopt;
  return Distribution{std::string(id), v, "", std::string(pretty_prefix) + v};
}

// "N" or "N.M", the only debian_version contents syft takes as a point release.
bool is_point_release(std::string_view v) {
  const auto dot = v.find('.');
  const auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
  };
  return dot == std::string_view::npos ? digits(v) : digits(v.substr(0, dot)) && digits(v.substr(dot + 1));
}

// The files detect() reads, normalised as evidence() keeps them.
class Release {
 public:
  explicit Release(const layers::LayerFiles& files) : files_(files) {}

  std::optional<std::string> text(std::string_view path) const {
    const auto* raw = files_.find(path);
    if (raw == nullptr) return std::nullopt;
    return evidence(path, *raw);
  }

  std::optional<Distribution> identify() const {
    for (const auto path : kOsRelease) {
      if (auto t = text(path)) {
        if (auto d = parse_os_release(*t)) return d;
      }
    }
    if (auto t = text(kLsbRelease)) {
      if (auto d = parse_lsb_release(*t)) return d;
    }
    if (auto t = text(kAlpineRelease)) {
      if (auto d = from_first_line(*t, "alpine", "Alpine Linux ")) return d;
    }
    for (const auto& [path, id] : kVendorReleases) {
      if (auto t = text(path)) {
        if (auto d = parse_release_line(*t, id, true)) return d;
      }
    }
    if (auto t = text(kSystemReleaseCpe)) {
      if (auto d = parse_system_release_cpe(*t)) return d;
    }
    if (auto t = text(kRedhatRelease)) {
      if (auto d = parse_release_line(*t, "", false)) return d;
    }
    if (auto t = text(kDebianVersion)) {
      if (auto d = from_first_line(*t, "debian", "Debian GNU/Linux ")) return d;
    }
    if (auto t = text(kBusybox)) return parse_busybox(*t);
    return std::nullopt;
  }

  void complete(Distribution& d) const {
    if (d.id == "debian") {
      if (const auto t = text(kDebianVersion)) {
        if (const auto v = first_line(*t); is_point_release(v)) d.version_id = v;
      }
    }
    if (d.id == "alpine" && d.version_id.empty()) {
      if (const auto t = text(kAlpineRelease)) d.version_id = first_line(*t);
    }
    if (const auto t = text(kLsbRelease)) {
      if (const auto lsb = parse_lsb_release(*t); lsb && lsb->id == d.id) {
        if (d.version_id.empty()) d.version_id = lsb->version_id;
        if (d.version_codename.empty()) d.version_codename = lsb->version_codename;
      }
    }
    const bool status_d = !files_.under(kDpkgStatusD).empty();
    d.distroless = d.pretty_name == "Distroless" || (status_d && files_.find(kDpkgStatus) == nullptr);
  }

 private:
  const layers::LayerFiles& files_;
};

}  // namespace

bool wants(std::string_view path) {
  return is_text_path(path) || path == kBusybox || presence_only(path);
}

std::string evidence(std::string_view path, std::string_view content) {
  if (path == kBusybox) return busybox_marker(content);
  if (!is_text_path(path)) return {};
  return clean(content.substr(0, kMaxFileBytes));
}

std::optional<Distribution> parse_os_release(std::string_view text) {
  const auto fields = fields_of(clean(text.substr(0, kMaxFileBytes)));
  Distribution d;
  d.id = text::lower_case(field(fields, "ID"));
  if (d.id.empty()) return std::nullopt;
  d.version_id = field(fields, "VERSION_ID");
  d.version_codename = field(fields, "VERSION_CODENAME");
  if (d.version_codename.empty()) d.version_codename = field(fields, "UBUNTU_CODENAME");
  if (d.version_codename.empty() && d.id == "debian")
    d.version_codename = codename_in(field(fields, "VERSION"));
  d.pretty_name = field(fields, "PRETTY_NAME");
  d.distroless = d.pretty_name == "Distroless";
  return d;
}

std::optional<Distribution> detect(const layers::LayerFiles& files) {
  const Release release(files);
  auto d = release.identify();
  if (d) release.complete(*d);
  return d;
}

}  // namespace regscand::scanner::ecosystems::osrelease
