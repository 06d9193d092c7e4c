#include "scanner/registry/tls.hpp"

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "config/base/asio.hpp"

namespace regscand::scanner::registry {
namespace {

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

TlsContext::TlsContext(std::unique_ptr<net::ssl::context> context, bool verify)
    : context_(std::move(context)), verify_(verify) {}
TlsContext::~TlsContext() = default;

Result<std::unique_ptr<TlsContext>> TlsContext::create(const std::string& ca_file, bool verify) {
  std::unique_ptr<net::ssl::context> context;
  try {
    context = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
  } catch (const boost::system::system_error& e) {
    return fail(ErrorCode::Internal, std::string("tls: cannot create a context: ") + e.what());
  }
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  boost::system::error_code ec;
  context->set_default_verify_paths(ec);
  if (ec) return fail(ErrorCode::Internal, "tls: cannot load the system CA store: " + ec.message());
  if (!ca_file.empty()) {
    context->load_verify_file(ca_file, ec);
    if (ec)
      return fail(ErrorCode::InvalidArgument, "tls: cannot load ca_file " + ca_file + ": " + ec.message());
  }
  context->set_verify_mode(verify ? net::ssl::verify_peer : net::ssl::verify_none, ec);
  if (ec) return fail(ErrorCode::Internal, "tls: cannot set the verify mode: " + ec.message());
  return std::unique_ptr<TlsContext>(new TlsContext(std::move(context), verify));
}

Result<void> TlsContext::prepare(ssl_st* ssl, const std::string& host) const {
  const bool ip = is_ip_literal(host);
  if (!ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    return fail(ErrorCode::InvalidArgument, "tls: cannot set SNI for " + host);
  }
  if (!verify_) return {};
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) : SSL_set1_host(ssl, host.c_str());
  if (ok != 1) return fail(ErrorCode::InvalidArgument, "tls: cannot set the expected host " + host);
  return {};
}

}  // namespace regscand::scanner::registry
