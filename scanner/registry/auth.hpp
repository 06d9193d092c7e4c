// The pieces of registry authentication that do no I/O: Basic credentials, the token endpoint's request
// target and answer, and the per-scope token cache. Tokens and passwords never appear in messages.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "scanner/registry/url.hpp"
#include "scanner/registry/www_authenticate.hpp"

namespace regscand::scanner::registry {

inline constexpr std::chrono::seconds kDefaultTokenLifetime{60};

// "Basic base64(user:password)".
std::string basic_authorization(std::string_view username, std::string_view password);

// The scope a pull of `repository` needs: "repository:<name>:pull".
std::string pull_scope(std::string_view repository);

// The scope listing the catalog needs: "registry:catalog:*".
std::string catalog_scope();

// realm?service=...&scope=... (appended with '&' when the realm already has a query). `scope` is used when
// the challenge names none.
std::string token_request_target(const Url& realm, const BearerChallenge& challenge, std::string_view scope);

struct Token {
  std::string value;  // secret
  std::chrono::seconds expires_in = kDefaultTokenLifetime;
};

// A token endpoint's JSON: `token` or `access_token` (non-empty, visible ASCII only, at most 16 KiB) and an
// optional `expires_in` (positive seconds; default 60; capped at a day). InvalidArgument otherwise.
[[nodiscard]] Result<Token> parse_token_response(std::string_view body);

// Tokens by scope, each usable until shortly before it expires. Holds at most `max_entries`; the entry that
// expires first makes room. Not thread-safe: one per client.
class TokenCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit TokenCache(std::size_t max_entries = 256) : max_entries_(max_entries) {}

  void put(const std::string& scope, const Token& token, Clock::time_point now);
  std::optional<std::string> get(const std::string& scope, Clock::time_point now) const;
  void erase(const std::string& scope) { entries_.erase(scope); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string value;
    Clock::time_point valid_until;
  };
  std::size_t max_entries_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace regscand::scanner::registry
