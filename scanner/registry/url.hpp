// Absolute http(s) URLs as the registry client needs them: the registry's base URL, a token realm, a
// redirect Location. Pure; errors never quote the URL (a presigned redirect carries credentials).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::scanner::registry {

struct Origin {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower case; an IPv6 literal keeps its brackets: "[::1]"
  std::uint16_t port = 0;

  bool tls() const { return scheme == "https"; }
  // host without IPv6 brackets, for the resolver and certificate checks.
  std::string bare_host() const;
  // host[:port] for the Host header (the port only when not the scheme's default).
  std::string authority() const;
  // scheme://host[:port]
  std::string to_string() const;

  friend bool operator==(const Origin&, const Origin&) = default;
};

struct Url {
  Origin origin;
  std::string target = "/";  // path and query, never empty; the fragment is dropped

  // The target without its query: what messages and logs may show.
  std::string_view path() const;
};

// "http(s)://host[:port][/path][?query][#fragment]" by url::split's rules (config/base/url.hpp), the fragment
// dropped; also rejects user info. InvalidArgument "url: <problem>".
[[nodiscard]] Result<Url> parse_url(std::string_view text);

// A Location header resolved against the URL of the request that got it: absolute, scheme-relative
// ("//host/path"), absolute-path ("/path") or relative ("name"). InvalidArgument.
[[nodiscard]] Result<Url> resolve_location(const Url& base, std::string_view location);

}  // namespace regscand::scanner::registry
