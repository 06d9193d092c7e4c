#include "scanner/registry/url.hpp"

#include <algorithm>

#include "config/base/url.hpp"

namespace regscand::scanner::registry {
namespace {

bool is_forbidden(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u >= 0x7f;
}

std::uint16_t default_port(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

std::string drop_fragment(std::string_view target) {
  return std::string(target.substr(0, target.find('#')));
}

}  // namespace

std::string Origin::bare_host() const {
  if (host.size() >= 2 && host.front() == '[') return host.substr(1, host.size() - 2);
  return host;
}

std::string Origin::authority() const {
  if (port == default_port(scheme)) return host;
  return host + ":" + std::to_string(port);
}

std::string Origin::to_string() const {
  return scheme + "://" + authority();
}

std::string_view Url::path() const {
  return std::string_view(target).substr(0, target.find('?'));
}

Result<Url> parse_url(std::string_view text) {
  auto parts = url::split(text);
  if (!parts) return fail(ErrorCode::InvalidArgument, "url: " + parts.error().message);
  if (parts->has_userinfo) return fail(ErrorCode::InvalidArgument, "url: user info is not allowed");
  Url url;
  url.origin.scheme = parts->scheme;
  url.origin.host = parts->host;
  url.origin.port = default_port(parts->scheme);
  if (!parts->port.empty()) url.origin.port = static_cast<std::uint16_t>(std::stoul(parts->port));
  url.target = parts->path.empty() ? "/" : parts->path;
  if (parts->query) url.target += "?" + *parts->query;
  return url;
}

Result<Url> resolve_location(const Url& base, std::string_view location) {
  if (location.empty()) return fail(ErrorCode::InvalidArgument, "url: empty Location");
  if (location.find("://") != std::string_view::npos) return parse_url(location);
  if (std::any_of(location.begin(), location.end(), is_forbidden)) {
    return fail(ErrorCode::InvalidArgument, "url: spaces, control or non-ASCII characters in Location");
  }
  if (location.starts_with("//")) return parse_url(base.origin.scheme + ":" + std::string(location));
  Url url;
  url.origin = base.origin;
  if (location.starts_with('/')) {
    url.target = drop_fragment(location);
    return url;
  }
  const auto dir = base.path().substr(0, base.path().rfind('/') + 1);
  url.target = std::string(dir) + drop_fragment(location);
  return url;
}

}  // namespace regscand::scanner::registry
