// Bearer-token authentication against the configured API tokens. Presented and configured tokens are
// compared as SHA-256 digests with CRYPTO_memcmp, against every token with no early exit, so neither
// the length nor the position of a match leaks through timing. Tokens are never logged.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"
#include "config/config.hpp"

namespace regscand::server::http {

struct Principal {
  std::string name;  // the token's configured name, or "anonymous" when auth is disabled
  config::Role role = config::Role::Reader;
};

// Constant-time equality of two secrets of any lengths (compares their SHA-256 digests).
bool constant_time_equals(std::string_view a, std::string_view b);

// Number of digest comparisons made so far by this process (test hook: proves no early exit).
std::uint64_t digest_comparisons_for_test();

class Authenticator {
 public:
  // No tokens configured = auth disabled (main allows that only in dev mode): everyone is an admin.
  explicit Authenticator(const config::AuthConfig& config);

  bool enabled() const { return !tokens_.empty(); }

  // `authorization` is the raw Authorization header value, nullopt when absent. Fails Unauthenticated
  // (missing, malformed or unknown token) or PermissionDenied (role weaker than `required`).
  [[nodiscard]] Result<Principal> check(std::optional<std::string_view> authorization,
                                        config::Role required) const;

 private:
  using Digest = std::array<unsigned char, 32>;
  struct Token {
    std::string name;
    config::Role role;
    Digest digest;
  };
  std::vector<Token> tokens_;
};

}  // namespace regscand::server::http
