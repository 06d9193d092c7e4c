// The client side of TLS for one registry: TLS 1.2 or later; the peer's chain is verified against the
// system store plus an optional PEM bundle, and its name against the host (SNI is sent for names), unless
// verification is off (insecure_skip_verify). Internal to scanner/registry.
#pragma once

#include <memory>
#include <string>

#include "config/base/error.hpp"

namespace boost::asio::ssl {
class context;
}
struct ssl_st;

namespace regscand::scanner::registry {

class TlsContext {
 public:
  // InvalidArgument when `ca_file` (if not empty) cannot be loaded.
  [[nodiscard]] static Result<std::unique_ptr<TlsContext>> create(const std::string& ca_file, bool verify);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  boost::asio::ssl::context& context() { return *context_; }
  bool verify() const { return verify_; }
  // Per connection, before the handshake: SNI (for names, not IP literals) and the name or IP to check.
  [[nodiscard]] Result<void> prepare(ssl_st* ssl, const std::string& host) const;

 private:
  TlsContext(std::unique_ptr<boost::asio::ssl::context> context, bool verify);
  std::unique_ptr<boost::asio::ssl::context> context_;
  bool verify_;
};

}  // namespace regscand::scanner::registry
