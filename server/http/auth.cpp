#include "server/http/auth.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "config/base/text.hpp"

namespace regscand::server::http {
namespace {

constexpr std::size_t kMaxTokenLength = 4096;

std::atomic<std::uint64_t> digest_comparison_count{0};

std::array<unsigned char, 32> sha256(std::string_view data) {
  std::array<unsigned char, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return out;
}

bool digests_equal(const std::array<unsigned char, 32>& a, const std::array<unsigned char, 32>& b) {
  digest_comparison_count.fetch_add(1, std::memory_order_relaxed);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view token) {
  std::size_t end = token.find_last_not_of('=');
  if (end == std::string_view::npos) {
    return false;
  }
  return std::all_of(token.begin(), token.begin() + static_cast<std::ptrdiff_t>(end) + 1, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~' ||
           c == '+' || c == '/';
  });
}

std::optional<std::string_view> bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() + 1 ||
      !text::equals_ignore_case(header.substr(0, kScheme.size()), kScheme) || header[kScheme.size()] != ' ') {
    return std::nullopt;
  }
  std::string_view token = header.substr(kScheme.size() + 1);
  if (token.size() > kMaxTokenLength || !is_b64token(token)) {
    return std::nullopt;
  }
  return token;
}

}  // namespace

bool constant_time_equals(std::string_view a, std::string_view b) {
  return digests_equal(sha256(a), sha256(b));
}

std::uint64_t digest_comparisons_for_test() {
  return digest_comparison_count.load();
}

Authenticator::Authenticator(const config::AuthConfig& config) {
  for (const config::ApiToken& token : config.tokens) {
    tokens_.push_back(Token{token.name, token.role, sha256(token.token)});
  }
}

Result<Principal> Authenticator::check(std::optional<std::string_view> authorization,
                                       config::Role required) const {
  if (!enabled()) {
    return Principal{"anonymous", config::Role::Admin};
  }
  if (!authorization) {
    return fail(ErrorCode::Unauthenticated, "missing bearer token");
  }
  auto token = bearer_token(*authorization);
  if (!token) {
    return fail(ErrorCode::Unauthenticated, "malformed Authorization header, expected 'Bearer <token>'");
  }
  Digest presented = sha256(*token);
  const Token* found = nullptr;
  for (const Token& candidate : tokens_) {  // no early exit: every token is compared
    bool equal = digests_equal(presented, candidate.digest);
    if (equal && found == nullptr) {
      found = &candidate;
    }
  }
  if (found == nullptr) {
    return fail(ErrorCode::Unauthenticated, "unknown token");
  }
  if (found->role < required) {
    return fail(ErrorCode::PermissionDenied, "token '" + found->name + "' has role " +
                                                 std::string(config::to_string(found->role)) +
                                                 ", route needs " + std::string(config::to_string(required)));
  }
  return Principal{found->name, found->role};
}

}  // namespace regscand::server::http
