#include "scanner/registry/session.hpp"

#include <spdlog/spdlog.h>

#include "scanner/registry/retry.hpp"
#include "scanner/registry/tls.hpp"

namespace regscand::scanner::registry {
namespace {

bool is_retryable(unsigned status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

Headers with_common(const Headers& headers, const std::string& user_agent,
                    const std::optional<std::string>& authorization) {
  Headers out = headers;
  out.emplace_back("User-Agent", user_agent);
  if (authorization) out.emplace_back("Authorization", *authorization);
  return out;
}

std::unexpected<Error> prefixed(std::string_view where, Error error) {
  error.message.insert(0, where);
  return std::unexpected(std::move(error));
}

}  // namespace

Session::Session(const config::RegistryConfig& registry, Url base, ClientOptions options,
                 std::unique_ptr<TlsContext> tls)
    : name_(registry.name),
      auth_(registry.auth),
      base_(std::move(base)),
      options_(std::move(options)),
      limits_{options_.connect_timeout, options_.read_timeout, options_.max_header_bytes, options_.stop},
      tls_(std::move(tls)),
      registry_(base_.origin, tls_.get(), limits_) {}

Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::create(const config::RegistryConfig& registry,
                                                 ClientOptions options) {
  const auto where = "registry " + registry.name + ": ";
  auto base = parse_url(registry.url);
  if (!base) return prefixed(where, std::move(base).error());
  if (base->target.find('?') != std::string::npos) {
    return fail(ErrorCode::InvalidArgument, where + "url: a query is not allowed");
  }
  while (base->target.size() > 1 && base->target.back() == '/') base->target.pop_back();
  if (base->target == "/") base->target.clear();
  auto tls = TlsContext::create(registry.ca_file, !registry.insecure_skip_verify);
  if (!tls) return prefixed(where, std::move(tls).error());
  return std::unique_ptr<Session>(
      new Session(registry, std::move(*base), std::move(options), std::move(*tls)));
}

std::string Session::credentials_description() const {
  switch (auth_.type) {
    case config::RegistryAuthType::Anonymous:
      return "anonymous";
    case config::RegistryAuthType::Basic:
      return "basic auth as " + auth_.username;
    case config::RegistryAuthType::Bearer:
      return "a static bearer token";
  }
  return "anonymous";
}

void Session::sleep(std::chrono::milliseconds delay) const {
  if (options_.sleep) {
    options_.sleep(delay);
    return;
  }
  sleep_unless_stopped(delay, options_.stop);
}

HttpConnection& Session::connection_for(const Origin& origin, std::unique_ptr<HttpConnection>& slot) {
  if (origin == base_.origin) return registry_;
  if (!slot || !(slot->origin() == origin))
    slot = std::make_unique<HttpConnection>(origin, tls_.get(), limits_);
  return *slot;
}

Result<std::optional<std::string>> Session::authorization(const std::string& scope,
                                                          Clock::time_point deadline) {
  if (auth_.type == config::RegistryAuthType::Bearer)
    return std::optional<std::string>("Bearer " + auth_.token);
  if (learned_ == Learned::Basic)
    return std::optional<std::string>(basic_authorization(auth_.username, auth_.password));
  if (learned_ != Learned::Bearer || !last_bearer_) return std::optional<std::string>();
  if (auto cached = tokens_.get(scope, Clock::now())) return std::optional<std::string>("Bearer " + *cached);
  // The registry uses tokens: ask for this scope's before it has to challenge again.
  BearerChallenge challenge = *last_bearer_;
  challenge.scope = scope;
  auto token = fetch_token(challenge, scope, deadline);
  if (!token) return std::unexpected(std::move(token).error());
  tokens_.put(scope, *token, Clock::now());
  return std::optional<std::string>("Bearer " + token->value);
}

Result<Token> Session::fetch_token(const BearerChallenge& challenge, const std::string& scope,
                                   Clock::time_point deadline) {
  auto realm = parse_url(challenge.realm);
  if (!realm) {
    return fail(ErrorCode::Unavailable,
                where() + "the token realm is not a usable URL: " + realm.error().message);
  }
  const bool send_credentials = auth_.type == config::RegistryAuthType::Basic;
  if (send_credentials && base_.origin.tls() && !realm->origin.tls()) {
    return fail(
        ErrorCode::FailedPrecondition,
        where() + "refusing to send credentials to the plain-http token realm " + realm->origin.to_string());
  }
  const auto endpoint = realm->origin.to_string() + std::string(realm->path());
  auto& connection = connection_for(realm->origin, token_endpoint_);
  Headers headers{{"Accept", "application/json"}, {"User-Agent", options_.user_agent}};
  if (send_credentials)
    headers.emplace_back("Authorization", basic_authorization(auth_.username, auth_.password));
  auto head = connection.send("GET", token_request_target(*realm, challenge, scope), headers, deadline);
  if (!head) return prefixed(where() + "token endpoint: ", std::move(head).error());
  spdlog::debug("registry {}: token GET {} -> {}", name_, endpoint, head->status);
  if (head->status == 401 || head->status == 403) {
    connection.discard_body(options_.max_error_body_bytes, deadline);
    return fail(ErrorCode::Unauthenticated, where() + "token endpoint " + endpoint + " refused " +
                                                credentials_description() + " (HTTP " +
                                                std::to_string(head->status) + ")");
  }
  if (head->status != 200) {
    connection.discard_body(options_.max_error_body_bytes, deadline);
    return fail(ErrorCode::Unavailable,
                where() + "token endpoint " + endpoint + " answered HTTP " + std::to_string(head->status));
  }
  StringSink body(options_.max_token_bytes);
  auto read = connection.read_body(body, options_.max_token_bytes, deadline);
  if (!read) return prefixed(where() + "token endpoint: ", std::move(read).error());
  auto token = parse_token_response(body.data());
  if (!token)
    return fail(ErrorCode::Unavailable,
                where() + "token endpoint " + endpoint + ": " + token.error().message);
  return token;
}

Result<Session::Response> Session::get_once(std::string_view target, const std::string& scope,
                                            const Headers& headers, Clock::time_point deadline) {
  auto authorization = this->authorization(scope, deadline);
  if (!authorization) return std::unexpected(std::move(authorization).error());
  auto head =
      registry_.send("GET", target, with_common(headers, options_.user_agent, *authorization), deadline);
  if (!head) return prefixed(where(), std::move(head).error());
  const auto path = std::string_view(target).substr(0, target.find('?'));
  spdlog::debug("registry {}: GET {} -> {}", name_, path, head->status);
  if (head->status != 401 || auth_.type == config::RegistryAuthType::Bearer)
    return Response{*head, &registry_};

  registry_.discard_body(options_.max_error_body_bytes, deadline);
  std::vector<Challenge> challenges;
  for (const auto value : head->headers_named("WWW-Authenticate")) {
    auto parsed = parse_www_authenticate(value);
    if (!parsed) {
      spdlog::warn("{}{}", where(), parsed.error().message);
      continue;
    }
    challenges.insert(challenges.end(), parsed->begin(), parsed->end());
  }
  if (auto bearer = find_bearer(challenges)) {
    tokens_.erase(scope);
    auto token = fetch_token(*bearer, scope, deadline);
    if (!token) return std::unexpected(std::move(token).error());
    tokens_.put(scope, *token, Clock::now());
    learned_ = Learned::Bearer;
    bearer->scope.clear();
    last_bearer_ = std::move(*bearer);
    authorization = std::optional<std::string>("Bearer " + token->value);
  } else if (has_scheme(challenges, "basic") && auth_.type == config::RegistryAuthType::Basic &&
             learned_ != Learned::Basic) {
    learned_ = Learned::Basic;
    authorization = std::optional<std::string>(basic_authorization(auth_.username, auth_.password));
  } else {
    return Response{*head, &registry_};
  }
  head = registry_.send("GET", target, with_common(headers, options_.user_agent, *authorization), deadline);
  if (!head) return prefixed(where(), std::move(head).error());
  spdlog::debug("registry {}: GET {} (authenticated) -> {}", name_, path, head->status);
  return Response{*head, &registry_};
}

Result<Session::Response> Session::get(std::string_view target, const std::string& scope,
                                       const Headers& headers, std::chrono::milliseconds timeout) {
  for (unsigned attempt = 1;; ++attempt) {
    const auto deadline = Clock::now() + timeout;
    auto response = get_once(target, scope, headers, deadline);
    if (!response) return response;
    const auto status = response->head.status;
    if (!is_retryable(status)) return response;
    std::optional<std::chrono::seconds> retry_after;
    if (const auto value = response->head.header("Retry-After")) {
      retry_after = parse_retry_after(*value, std::chrono::system_clock::now());
    }
    response->connection->discard_body(options_.max_error_body_bytes, deadline);
    const auto path = std::string(target.substr(0, target.find('?')));
    if (attempt >= options_.max_attempts) {
      return fail(ErrorCode::Unavailable, where() + "GET " + path + ": HTTP " + std::to_string(status) +
                                              " after " + std::to_string(attempt) + " attempts");
    }
    const auto delay = retry_delay(retry_after, attempt, options_.initial_backoff, options_.max_backoff);
    spdlog::info("registry {}: GET {}: HTTP {}, attempt {}/{}, retrying in {} ms", name_, path, status,
                 attempt, options_.max_attempts, delay.count());
    sleep(delay);
  }
}

Result<Session::Response> Session::get_external(const Url& url, const Headers& headers,
                                                std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto& connection = connection_for(url.origin, external_);
  Headers all = headers;
  all.emplace_back("User-Agent", options_.user_agent);
  auto head = connection.send("GET", url.target, all, deadline);
  if (!head) return prefixed(where(), std::move(head).error());
  spdlog::debug("registry {}: GET {}{} -> {}", name_, url.origin.to_string(), url.path(), head->status);
  return Response{*head, &connection};
}

}  // namespace regscand::scanner::registry
