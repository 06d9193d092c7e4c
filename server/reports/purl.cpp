#include "server/reports/purl.hpp"
#include "config/base/percent.hpp"
#include "config/base/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

namespace regscand::server::reports {
namespace {

struct Parts {
  std::string type;
  std::string ns;  // unencoded; '/' separates segments
  std::string name;
  std::string version;
  std::map<std::string, std::string> qualifiers;  // sorted by key; empty values are left out
};

std::string os_namespace(const ReportImage& image, std::string_view fallback) {
  if (image.os_id.empty()) {
    return std::string(fallback);
  }
  if (image.os_id == "rhel") {
    return "redhat";
  }
  return text::lower_case(image.os_id);
}

std::string distro(const ReportImage& image) {
  if (image.os_id.empty()) {
    return "";
  }
  return image.os_version.empty() ? image.os_id : image.os_id + "-" + image.os_version;
}

Parts os_parts(const ReportPackage& p, const ReportImage& image, std::string type, std::string_view ns) {
  Parts parts{std::move(type), os_namespace(image, ns), p.name, p.version, {}};
  parts.qualifiers["arch"] = p.arch;
  parts.qualifiers["distro"] = distro(image);
  return parts;
}

Parts parts_of(const ReportPackage& p, const ReportImage& image) {
  if (p.ecosystem == "dpkg") {
    return os_parts(p, image, "deb", "debian");  // the epoch stays in the version ("1%3A2.3-4")
  }
  if (p.ecosystem == "apk") {
    return os_parts(p, image, "apk", "alpine");
  }
  if (p.ecosystem == "rpm") {
    Parts parts = os_parts(p, image, "rpm", "redhat");
    if (const auto colon = p.version.find(':'); colon != std::string::npos) {
      parts.qualifiers["epoch"] = p.version.substr(0, colon);
      parts.version = p.version.substr(colon + 1);
    }
    return parts;
  }
  if (p.ecosystem == "pypi") {
    std::string name = text::lower_case(p.name);
    std::ranges::replace(name, '_', '-');
    return Parts{"pypi", "", std::move(name), p.version, {}};
  }
  if (p.ecosystem == "npm") {
    const auto slash = p.name.find('/');
    if (!p.name.starts_with('@') || slash == std::string::npos) {
      return Parts{"npm", "", text::lower_case(p.name), p.version, {}};
    }
    return Parts{"npm",
                 text::lower_case(p.name.substr(0, slash)),
                 text::lower_case(p.name.substr(slash + 1)),
                 p.version,
                 {}};
  }
  if (p.ecosystem == "gem") {
    return Parts{"gem", "", p.name, p.version, {}};
  }
  if (p.ecosystem == "maven") {
    const auto colon = p.name.find(':');
    if (colon == std::string::npos) {
      return Parts{"maven", "", p.name, p.version, {}};
    }
    return Parts{"maven", p.name.substr(0, colon), p.name.substr(colon + 1), p.version, {}};
  }
  return Parts{"generic", "", p.name, p.version, {}};
}

// Each '/'-separated segment encoded on its own; empty segments dropped.
std::string encode_namespace(std::string_view ns) {
  std::string out;
  while (!ns.empty()) {
    const auto slash = ns.find('/');
    const auto segment = ns.substr(0, slash);
    if (!segment.empty()) {
      out += purl_encode(segment);
      out += '/';
    }
    if (slash == std::string_view::npos) {
      break;
    }
    ns.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

std::string purl_encode(std::string_view text) {
  return text::percent_encode(text, ".-_~");  // RFC 3986 unreserved
}

std::string purl(const ReportPackage& package, const ReportImage& image) {
  const Parts parts = parts_of(package, image);
  std::string out = "pkg:" + parts.type + "/" + encode_namespace(parts.ns) + purl_encode(parts.name);
  if (!parts.version.empty()) {
    out += "@" + purl_encode(parts.version);
  }
  char sep = '?';
  for (const auto& [key, value] : parts.qualifiers) {
    if (value.empty()) {
      continue;
    }
    out += sep + key + "=" + purl_encode(value);
    sep = '&';
  }
  return out;
}

}  // namespace regscand::server::reports
