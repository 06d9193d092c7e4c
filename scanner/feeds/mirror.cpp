#include "scanner/feeds/mirror.hpp"

#include <optional>
#include <vector>

#include "config/base/percent.hpp"
#include "scanner/feeds/fetch.hpp"

namespace regscand::scanner::feeds {
namespace {

std::unexpected<Error> invalid(std::string_view problem) {
  return std::unexpected(Error{ErrorCode::InvalidArgument, "feed mirror: " + std::string(problem)});
}

bool is_bad_segment(std::string_view segment) {
  if (segment.empty() || segment == "." || segment == "..") return true;
  for (const char c : segment) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '/' || c == '\\') return true;
  }
  return false;
}

struct Parts {
  std::string host;                   // lower case, with any ":port"
  std::string_view path;              // without the leading '/', as written
  std::vector<std::string> segments;  // decoded
};

Result<Parts> split_url(std::string_view url) {
  if (!is_url_source(url)) return invalid("not an http:// or https:// URL");
  const auto start = url.find("://") + 3;
  const std::string_view rest = url.substr(start);
  if (rest.find_first_of("?#") != std::string_view::npos) return invalid("a URL with a query or fragment");
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.empty() || authority.front() == ':') return invalid("a URL without a host");
  Parts parts;
  for (const char c : authority) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '%') {
      return invalid("a host with a character not allowed");
    }
    parts.host += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (parts.host == "." || parts.host == "..") return invalid("a host with a character not allowed");
  if (slash == std::string_view::npos || slash + 1 == rest.size()) return invalid("a URL without a path");
  parts.path = rest.substr(slash + 1);
  std::string_view path = parts.path;
  while (true) {
    const auto next = path.find('/');
    const std::string_view raw = path.substr(0, next);
    auto decoded = text::percent_decode(raw);
    if (!decoded) return invalid("a path with a bad percent-encoding");
    if (is_bad_segment(raw) || is_bad_segment(*decoded))
      return invalid("a path with an empty, . or .. segment");
    parts.segments.push_back(std::move(*decoded));
    if (next == std::string_view::npos) break;
    path.remove_prefix(next + 1);
  }
  return parts;
}

// '[' and ']' of an IPv6 host are not allowed in a URL path.
std::string host_in_path(std::string_view host) {
  std::string out;
  for (const char c : host) {
    if (c == '[') {
      out += "%5B";
    } else if (c == ']') {
      out += "%5D";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Result<std::string> mirror_path(std::string_view url) {
  auto parts = split_url(url);
  if (!parts) return std::unexpected(std::move(parts).error());
  return host_in_path(parts->host) + "/" + std::string(parts->path);
}

Result<std::filesystem::path> mirror_file(std::string_view url) {
  auto parts = split_url(url);
  if (!parts) return std::unexpected(std::move(parts).error());
  std::filesystem::path out = parts->host;
  for (const auto& segment : parts->segments) out /= segment;
  return out;
}

Result<std::string> mirror_source(std::string_view source, std::string_view mirror) {
  if (mirror.empty() || !is_url_source(source)) return std::string(source);
  if (is_url_source(mirror)) {
    auto path = mirror_path(source);
    if (!path) return std::unexpected(std::move(path).error());
    return std::string(mirror) + "/" + *path;
  }
  auto file = mirror_file(source);
  if (!file) return std::unexpected(std::move(file).error());
  return (std::filesystem::path(mirror) / *file).string();
}

}  // namespace regscand::scanner::feeds
