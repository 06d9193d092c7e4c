#include "scanner/registry/auth.hpp"

#include <algorithm>

#include "config/base/base64.hpp"
#include "config/base/json_input.hpp"
#include "config/base/percent.hpp"

namespace regscand::scanner::registry {
namespace {

constexpr std::string_view kUnreserved = "-._~";  // RFC 3986: kept as they are in query values

constexpr std::size_t kMaxTokenChars = 16 * 1024;
constexpr std::chrono::seconds kMaxTokenLifetime{24 * 3600};

bool is_visible_ascii(char c) {
  return c > 0x20 && c < 0x7f;
}

// How long before expiry a token stops being handed out: a fifth of its life, at most 30 s.
std::chrono::seconds safety_margin(std::chrono::seconds lifetime) {
  return std::min<std::chrono::seconds>(lifetime / 5, std::chrono::seconds(30));
}

}  // namespace

std::string basic_authorization(std::string_view username, std::string_view password) {
  std::string pair(username);
  pair.push_back(':');
  pair.append(password);
  return "Basic " + text::base64_encode(pair);
}

std::string pull_scope(std::string_view repository) {
  return "repository:" + std::string(repository) + ":pull";
}

std::string catalog_scope() {
  return "registry:catalog:*";
}

std::string token_request_target(const Url& realm, const BearerChallenge& challenge, std::string_view scope) {
  std::string target = realm.target;
  char sep = target.find('?') == std::string::npos ? '?' : '&';
  if (!challenge.service.empty()) {
    target += sep + std::string("service=") + text::percent_encode(challenge.service, kUnreserved);
    sep = '&';
  }
  const std::string_view wanted = challenge.scope.empty() ? scope : std::string_view(challenge.scope);
  if (!wanted.empty()) target += sep + std::string("scope=") + text::percent_encode(wanted, kUnreserved);
  return target;
}

Result<Token> parse_token_response(std::string_view body) {
  auto doc = parse_json(body, JsonLimits{.max_depth = 16, .max_bytes = body.size()});
  if (!doc) return fail(ErrorCode::InvalidArgument, "token response: " + doc.error().message);
  if (!doc->is_object()) return fail(ErrorCode::InvalidArgument, "token response: not a JSON object");
  Token token;
  for (const char* key : {"token", "access_token"}) {
    const auto it = doc->find(key);
    if (it == doc->end() || !it->is_string()) continue;
    token.value = it->get<std::string>();
    if (!token.value.empty()) break;
  }
  if (token.value.empty()) {
    return fail(ErrorCode::InvalidArgument, "token response: no non-empty 'token' or 'access_token'");
  }
  if (token.value.size() > kMaxTokenChars ||
      !std::all_of(token.value.begin(), token.value.end(), is_visible_ascii)) {
    return fail(ErrorCode::InvalidArgument, "token response: token is too long or has invalid characters");
  }
  if (const auto it = doc->find("expires_in"); it != doc->end()) {
    if (!it->is_number())
      return fail(ErrorCode::InvalidArgument, "token response: expires_in is not a number");
    const double seconds = it->get<double>();
    if (seconds >= 1) {
      token.expires_in = seconds >= static_cast<double>(kMaxTokenLifetime.count())
                             ? kMaxTokenLifetime
                             : std::chrono::seconds(static_cast<long long>(seconds));
    }
  }
  return token;
}

void TokenCache::put(const std::string& scope, const Token& token, Clock::time_point now) {
  const auto valid_until = now + token.expires_in - safety_margin(token.expires_in);
  if (!entries_.contains(scope) && entries_.size() >= max_entries_ && !entries_.empty()) {
    auto first = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return a.second.valid_until < b.second.valid_until;
    });
    entries_.erase(first);
  }
  entries_[scope] = Entry{token.value, valid_until};
}

std::optional<std::string> TokenCache::get(const std::string& scope, Clock::time_point now) const {
  const auto it = entries_.find(scope);
  if (it == entries_.end() || now >= it->second.valid_until) return std::nullopt;
  return it->second.value;
}

}  // namespace regscand::scanner::registry
