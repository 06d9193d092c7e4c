// A Server on 127.0.0.1, port 0, for tests: add routes to `router`, then start(); the destructor shuts
// it down and waits. Holds the Metrics the server records into.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>

#include "config/config.hpp"
#include "server/http/metrics.hpp"
#include "server/http/request_context.hpp"
#include "server/http/router.hpp"
#include "server/http/server.hpp"

namespace regscand::testing {

namespace http = regscand::server::http;

inline config::ServerConfig test_server_config() {
  config::ServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.threads = 2;
  config.body_limit_bytes = 1024;
  config.request_timeout = std::chrono::seconds(5);
  config.shutdown_timeout = std::chrono::seconds(5);
  return config;
}

inline config::ApiToken api_token(std::string name, config::Role role, std::string secret) {
  config::ApiToken token;
  token.name = std::move(name);
  token.role = role;
  token.token = std::move(secret);
  return token;
}

// Tokens: "reader-token" (reader), "writer-token" (writer), "admin-token" (admin).
inline config::AuthConfig test_auth_config() {
  config::AuthConfig auth;
  auth.tokens.push_back(api_token("ci-reader", config::Role::Reader, "reader-token"));
  auth.tokens.push_back(api_token("ci-writer", config::Role::Writer, "writer-token"));
  auth.tokens.push_back(api_token("ops-admin", config::Role::Admin, "admin-token"));
  return auth;
}

class TestServer {
 public:
  TestServer() = default;
  ~TestServer() { stop(); }

  void start(const config::ServerConfig& config = test_server_config(), const config::AuthConfig& auth = {}) {
    auto created = http::Server::create(config, auth, std::move(router), metrics);
    if (!created) {
      throw std::runtime_error("TestServer: " + created.error().message);
    }
    server_ = std::move(*created);
    server_->start();
  }
  void stop() {
    if (server_) {
      server_->shutdown();
      server_->wait();
      server_.reset();
    }
  }

  http::Server& server() { return *server_; }
  std::uint16_t port() const { return server_->port(); }

  http::Metrics metrics;
  http::Router router;

 private:
  std::unique_ptr<http::Server> server_;
};

// A handler answering 200 with a JSON body.
inline http::Handler json_handler(nlohmann::json body) {
  return [body = std::move(body)](http::RequestContext&) -> net::awaitable<http::Response> {
    co_return http::json_response(http::Status::ok, body);
  };
}

}  // namespace regscand::testing
