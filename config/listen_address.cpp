#include "config/listen_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>

#include "config/base/text.hpp"

namespace regscand::config {
namespace {

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

Result<std::uint16_t> parse_port(std::string_view digits) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  const bool all_digits = !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
  if (!all_digits || ec != std::errc() || end != digits.data() + digits.size()) {
    if (all_digits)
      return fail(ErrorCode::InvalidArgument, "port must be 0..65535, got " + std::string(digits));
    return fail(ErrorCode::InvalidArgument, "port must be a number, got " + quoted(digits));
  }
  if (value > 65535)
    return fail(ErrorCode::InvalidArgument, "port must be 0..65535, got " + std::to_string(value));
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return fail(ErrorCode::InvalidArgument, "expected host:port or [ipv6]:port, got " + quoted(text));
  }
  std::string_view host = text.substr(0, colon);
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) {
      return fail(ErrorCode::InvalidArgument, "expected [ipv6]:port, got " + quoted(text));
    }
    host = host.substr(1, host.size() - 2);
    in6_addr ignored{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &ignored) != 1) {
      return fail(ErrorCode::InvalidArgument, "invalid IPv6 address " + quoted(host));
    }
  } else if (host.find(':') != std::string_view::npos) {
    return fail(ErrorCode::InvalidArgument,
                "an IPv6 host must be in brackets ([::1]:8080), got " + quoted(text));
  }
  if (host.empty()) {
    return fail(ErrorCode::InvalidArgument,
                "host must not be empty (use 0.0.0.0 or [::] for all interfaces), got " + quoted(text));
  }
  auto port = parse_port(text.substr(colon + 1));
  if (!port) return std::unexpected(std::move(port).error());
  return ListenAddress{std::string(host), *port};
}

bool is_loopback_host(std::string_view host) {
  if (text::equals_ignore_case(host, "localhost")) return true;
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

}  // namespace regscand::config
