// One parser for the absolute http(s) URLs every layer reads (registry URLs, token realms, Location
// headers, feed sources and mirrors): scheme://[userinfo@]host[:port][path][?query][#fragment]. Errors state
// the problem ("must name a host") and never quote the URL, which may hold credentials or a token.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::url {

struct Parts {
  std::string scheme;                   // "http" or "https", lower case
  bool has_userinfo = false;            // "user:password@" was present; it is not kept (a secret)
  std::string host;                     // lower case; an IPv6 literal keeps its brackets: "[::1]"
  std::string port;                     // 1..65535 without leading zeros; "" when none was given
  std::string path;                     // as written: "" or starting with '/'
  std::optional<std::string> query;     // after '?', as written
  std::optional<std::string> fragment;  // after '#', as written

  // "host" or "host:port".
  std::string authority() const;
};

// InvalidArgument for another scheme, spaces, control or non-ASCII bytes, an empty host, a host with other
// characters than letters, digits, '-', '.' and '_' or an empty label ("..", a leading '.'), an empty port or
// one outside 1..65535, and an unterminated or invalid [IPv6] host or anything but ":port" after it.
[[nodiscard]] Result<Parts> split(std::string_view text);

}  // namespace regscand::url
