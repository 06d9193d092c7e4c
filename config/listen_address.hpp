// Parsing "host:port" / "[v6]:port" listen addresses and telling loopback hosts apart (internal to
// config/). Errors carry the problem only; the caller prefixes the key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::config {

struct ListenAddress {
  std::string host;        // without brackets: "127.0.0.1", "::1", "localhost"
  std::uint16_t port = 0;  // 0 = any free port
};

// "127.0.0.1:8080", "[::1]:8080", "localhost:0". The host must be non-empty; an IPv6 host must be
// bracketed; the port is 0..65535.
[[nodiscard]] Result<ListenAddress> parse_listen_address(std::string_view text);

// 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z), or "localhost" (any case).
bool is_loopback_host(std::string_view host);

}  // namespace regscand::config
