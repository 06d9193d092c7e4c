#include "scanner/feeds/mirror.hpp"

#include <optional>
#include <vector>

#include "config/base/percent.hpp"
#include "config/base/url.hpp"
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
  std::string path;                   // without the leading '/', as written
  std::vector<std::string> segments;  // decoded
};

Result<Parts> split_url(std::string_view url) {
  auto split = url::split(url);
  if (!split) return invalid("the URL " + split.error().message);
  if (split->query || split->fragment) return invalid("a URL with a query or fragment");
  Parts parts;
  parts.host = split->authority();
  if (split->path.size() <= 1) return invalid("a URL without a path");
  parts.path = split->path.substr(1);
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
