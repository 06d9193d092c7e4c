#include "config/registry_url.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstdint>

#include "config/base/text.hpp"

namespace regscand::config {
namespace {

constexpr std::uint64_t kMaxPort = 65535;

bool is_visible(char c) {
  return c > ' ' && c != 0x7f;
}

bool all_visible(std::string_view text) {
  for (const char c : text) {
    if (!is_visible(c)) return false;
  }
  return true;
}

std::unexpected<Error> invalid(std::string problem) {
  return fail(ErrorCode::InvalidArgument, std::move(problem));
}

// "host", "host:port" or "[v6]:port" (the part between "scheme://" and the path) into `url`.
Result<void> parse_authority(std::string_view authority, RegistryUrl& url) {
  if (authority.find('@') != std::string_view::npos) {
    return invalid("must not contain user info (user:password@); use the auth section");
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return invalid("has an unterminated [ipv6] host");
    in6_addr ignored{};
    if (inet_pton(AF_INET6, std::string(authority.substr(1, close - 1)).c_str(), &ignored) != 1) {
      return invalid("has an invalid IPv6 host");
    }
    host = authority.substr(0, close + 1);
    const std::string_view rest = authority.substr(close + 1);
    if (rest == ":") return invalid("has an empty port");
    if (!rest.empty() && !rest.starts_with(':')) return invalid("has characters after the [ipv6] host");
    if (!rest.empty()) port = rest.substr(1);
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return invalid("has an empty port");
  }
  if (host.empty()) return invalid("must name a host");
  url.host = text::lower_case(host);
  if (port.empty()) return {};
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > kMaxPort) {
    return invalid("port must be 1..65535");
  }
  url.port = std::to_string(value);  // "05000" -> "5000"
  return {};
}

}  // namespace

std::string RegistryUrl::host_key() const {
  return port.empty() ? host : host + ":" + port;
}

std::string RegistryUrl::to_string() const {
  return scheme + "://" + host_key() + path;
}

Result<RegistryUrl> parse_registry_url(std::string_view text) {
  RegistryUrl url;
  const std::string lower = text::lower_case(text.substr(0, 8));
  if (lower.starts_with("http://")) {
    url.scheme = "http";
  } else if (lower.starts_with("https://")) {
    url.scheme = "https";
  } else {
    return invalid("must start with http:// or https://");
  }
  std::string_view rest = text.substr(url.scheme.size() + 3);
  if (!all_visible(rest)) return invalid("must not contain spaces or control characters");
  if (rest.find_first_of("?#") != std::string_view::npos) return invalid("must not have a query or fragment");
  const auto slash = rest.find('/');
  if (auto ok = parse_authority(rest.substr(0, slash), url); !ok)
    return std::unexpected(std::move(ok).error());
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  while (path.ends_with('/')) path.remove_suffix(1);
  url.path = std::string(path);
  return url;
}

std::string normalize_docker_auth_key(std::string_view key) {
  std::string text = text::lower_case(key);
  std::string_view view(text);
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (view.starts_with(scheme)) view.remove_prefix(scheme.size());
  }
  return std::string(view.substr(0, view.find('/')));
}

}  // namespace regscand::config
