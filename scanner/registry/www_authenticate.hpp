// A pure parser for WWW-Authenticate header values (RFC 7235): one or more challenges, each a scheme
// followed by a token68 or by comma-separated auth-params whose values are tokens or quoted strings.
// Bounded: at most kMaxWwwAuthenticateBytes of input, 16 challenges, 32 params each. InvalidArgument on
// anything malformed; never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/base/error.hpp"

namespace regscand::scanner::registry {

inline constexpr std::size_t kMaxWwwAuthenticateBytes = 16 * 1024;

struct Challenge {
  std::string scheme;                                       // lower case: "bearer", "basic"
  std::vector<std::pair<std::string, std::string>> params;  // names lower case, values unquoted
  std::string token68;                                      // when the scheme carries one instead of params

  // The value of the param with this (lower-case) name.
  std::optional<std::string_view> param(std::string_view name) const;
};

[[nodiscard]] Result<std::vector<Challenge>> parse_www_authenticate(std::string_view value);

// What the Docker token flow needs from a `Bearer realm="...",service="...",scope="..."` challenge.
struct BearerChallenge {
  std::string realm;    // URL of the token endpoint; non-empty
  std::string service;  // may be empty
  std::string scope;    // may be empty (e.g. on /v2/)
};

// The first Bearer challenge with a non-empty realm.
std::optional<BearerChallenge> find_bearer(const std::vector<Challenge>& challenges);
// True when some challenge uses `scheme` (lower case).
bool has_scheme(const std::vector<Challenge>& challenges, std::string_view scheme);

}  // namespace regscand::scanner::registry
