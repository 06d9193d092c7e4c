// One registry's transport and credentials: a keep-alive connection to the registry, one to its token
// endpoint and one to the last redirect target. Answers 401 challenges (Basic; the Docker token flow with
// tokens cached per scope and fetched again on a later 401), sends a static Bearer token when configured,
// and retries 429/502/503/504 with Retry-After or exponential backoff. Not thread-safe: one per worker.
// Internal to scanner/registry; RegistryClient is the public face.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "config/config.hpp"
#include "scanner/registry/auth.hpp"
#include "scanner/registry/connection.hpp"
#include "scanner/registry/options.hpp"
#include "scanner/registry/url.hpp"

namespace regscand::scanner::registry {

class Session {
 public:
  // InvalidArgument for an unusable URL or ca_file.
  [[nodiscard]] static Result<std::unique_ptr<Session>> create(const config::RegistryConfig& registry,
                                                               ClientOptions options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  struct Response {
    ResponseHead head;
    HttpConnection* connection;  // the body is pending here: read_body or discard_body
  };

  // GET `target` on the registry (an absolute path, the base URL's path included) with credentials for
  // `scope`, each attempt bounded by `timeout`. 401 after authenticating is returned as a response.
  [[nodiscard]] Result<Response> get(std::string_view target, const std::string& scope,
                                     const Headers& headers, std::chrono::milliseconds timeout);
  // GET an absolute URL on another origin, never with the registry's credentials (redirect targets).
  [[nodiscard]] Result<Response> get_external(const Url& url, const Headers& headers,
                                              std::chrono::milliseconds timeout);

  const std::string& name() const { return name_; }
  const Url& base() const { return base_; }
  const ClientOptions& options() const { return options_; }
  // "anonymous", "basic auth as <user>", "a static bearer token": for messages (no secrets).
  std::string credentials_description() const;
  unsigned registry_connects() const { return registry_.connects(); }
  // "registry <name>: "
  std::string where() const { return "registry " + name_ + ": "; }

 private:
  Session(const config::RegistryConfig& registry, Url base, ClientOptions options,
          std::unique_ptr<TlsContext> tls);

  enum class Learned { Nothing, Basic, Bearer };

  [[nodiscard]] Result<Response> get_once(std::string_view target, const std::string& scope,
                                          const Headers& headers, Clock::time_point deadline);
  [[nodiscard]] Result<std::optional<std::string>> authorization(const std::string& scope,
                                                                 Clock::time_point deadline);
  [[nodiscard]] Result<Token> fetch_token(const BearerChallenge& challenge, const std::string& scope,
                                          Clock::time_point deadline);
  HttpConnection& connection_for(const Origin& origin, std::unique_ptr<HttpConnection>& slot);
  void sleep(std::chrono::milliseconds delay) const;

  std::string name_;
  config::RegistryAuth auth_;
  Url base_;
  ClientOptions options_;
  ConnectionLimits limits_;
  std::unique_ptr<TlsContext> tls_;
  HttpConnection registry_;
  std::unique_ptr<HttpConnection> token_endpoint_;
  std::unique_ptr<HttpConnection> external_;
  TokenCache tokens_;
  Learned learned_ = Learned::Nothing;
  std::optional<BearerChallenge> last_bearer_;  // realm and service of the last token challenge
};

}  // namespace regscand::scanner::registry
