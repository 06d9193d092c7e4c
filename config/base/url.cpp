#include "config/base/url.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "config/base/text.hpp"

namespace regscand::url {
namespace {

std::unexpected<Error> invalid(std::string problem) {
  return fail(ErrorCode::InvalidArgument, std::move(problem));
}

bool is_forbidden(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u >= 0x7f;
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

// "host", "host:port" or "[v6]:port" into `parts`.
Result<void> split_authority(std::string_view authority, Parts& parts) {
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return invalid("has an unterminated [ipv6] host");
    in6_addr ignored{};
    if (inet_pton(AF_INET6, std::string(authority.substr(1, close - 1)).c_str(), &ignored) != 1) {
      return invalid("has an invalid IPv6 host");
    }
    host = authority.substr(0, close + 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return invalid("has characters after the [ipv6] host");
    has_port = !rest.empty();
    if (has_port) port = rest.substr(1);
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) return invalid("must name a host");
  parts.host = text::lower_case(host);
  if (!parts.host.starts_with('[') && !std::all_of(parts.host.begin(), parts.host.end(), is_host_char)) {
    return invalid("has a character not allowed in a host name");
  }
  if (parts.host.starts_with('.') || parts.host.find("..") != std::string::npos) {
    return invalid("has an empty label in the host name");
  }
  if (!has_port) return {};
  if (port.empty()) return invalid("has an empty port");
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return invalid("port must be 1..65535");
  }
  parts.port = std::to_string(value);  // "05000" -> "5000"
  return {};
}

}  // namespace

std::string Parts::authority() const {
  return port.empty() ? host : host + ":" + port;
}

Result<Parts> split(std::string_view text) {
  Parts parts;
  const auto sep = text.find("://");
  parts.scheme = text::lower_case(text.substr(0, sep == std::string_view::npos ? 0 : sep));
  if (sep == std::string_view::npos || (parts.scheme != "http" && parts.scheme != "https")) {
    return invalid("must start with http:// or https://");
  }
  std::string_view rest = text.substr(sep + 3);
  if (std::any_of(rest.begin(), rest.end(), is_forbidden)) {
    return invalid("must not contain spaces, control or non-ASCII characters");
  }
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    parts.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    parts.query = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    parts.has_userinfo = true;
    authority.remove_prefix(at + 1);
  }
  if (auto ok = split_authority(authority, parts); !ok) return std::unexpected(std::move(ok).error());
  if (slash != std::string_view::npos) parts.path = std::string(rest.substr(slash));
  return parts;
}

}  // namespace regscand::url
