#include "scanner/registry/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace regscand::scanner::registry {
namespace {

bool is_forbidden(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u >= 0x7f;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::uint16_t default_port(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

// host[:port] -> origin fields; IPv6 literals in brackets.
Result<void> parse_authority(std::string_view authority, Origin& origin) {
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      return fail(ErrorCode::InvalidArgument, "url: unterminated IPv6 host");
    host = authority.substr(0, close + 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail(ErrorCode::InvalidArgument, "url: junk after IPv6 host");
      port = rest.substr(1);
    }
    const auto inner = host.substr(1, host.size() - 2);
    const bool ok = !inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
    });
    if (!ok) return fail(ErrorCode::InvalidArgument, "url: bad IPv6 host");
  } else {
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
  }
  if (host.empty()) return fail(ErrorCode::InvalidArgument, "url: empty host");
  origin.host.clear();
  for (const char c : host) origin.host.push_back(lower(c));
  if (!origin.host.starts_with('[') && !std::all_of(origin.host.begin(), origin.host.end(), is_host_char)) {
    return fail(ErrorCode::InvalidArgument, "url: bad character in host");
  }
  origin.port = default_port(origin.scheme);
  if (authority.find(':') != std::string_view::npos && port.empty() && !host.starts_with('[')) {
    return fail(ErrorCode::InvalidArgument, "url: empty port");
  }
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return fail(ErrorCode::InvalidArgument, "url: port must be 1..65535");
    }
    origin.port = static_cast<std::uint16_t>(value);
  }
  return {};
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
  if (std::any_of(text.begin(), text.end(), is_forbidden)) {
    return fail(ErrorCode::InvalidArgument, "url: spaces, control or non-ASCII characters");
  }
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return fail(ErrorCode::InvalidArgument, "url: not absolute");
  Url url;
  for (const char c : text.substr(0, sep)) url.origin.scheme.push_back(lower(c));
  if (url.origin.scheme != "http" && url.origin.scheme != "https") {
    return fail(ErrorCode::InvalidArgument, "url: scheme must be http or https");
  }
  const auto rest = text.substr(sep + 3);
  const auto authority_end = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return fail(ErrorCode::InvalidArgument, "url: user info is not allowed");
  }
  auto parsed = parse_authority(authority, url.origin);
  if (!parsed) return std::unexpected(std::move(parsed).error());
  if (authority_end == std::string_view::npos) return url;
  url.target = drop_fragment(rest.substr(authority_end));
  if (url.target.empty() || url.target.front() != '/') url.target.insert(url.target.begin(), '/');
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
