#include "tests/support/http_client.hpp"

#include <stdexcept>
#include <variant>

#include "config/base/asio.hpp"

namespace regscand::testing {
namespace {

using tcp = net::ip::tcp;
using ErrorCodeT = boost::system::error_code;
using SslStream = beast::ssl_stream<beast::tcp_stream>;

bool iequals(std::string_view a, std::string_view b) {
  return beast::iequals(beast::string_view(a.data(), a.size()), beast::string_view(b.data(), b.size()));
}

[[noreturn]] void fail(const std::string& what, const ErrorCodeT& ec) {
  throw std::runtime_error("http_client: " + what + ": " + ec.message());
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

struct HttpConnection::Impl {
  net::io_context ioc;
  net::ssl::context ssl_ctx{net::ssl::context::tls_client};
  std::variant<std::monostate, beast::tcp_stream, SslStream> stream;
  beast::flat_buffer buffer;
  std::chrono::milliseconds timeout{10'000};

  beast::tcp_stream& lowest() {
    if (auto* plain = std::get_if<beast::tcp_stream>(&stream)) {
      return *plain;
    }
    return beast::get_lowest_layer(std::get<SslStream>(stream));
  }

  // Runs one asynchronous operation to completion under the deadline.
  template <class Start>
  std::size_t run(Start&& start) {
    ErrorCodeT ec;
    std::size_t n = 0;
    lowest().expires_after(timeout);
    auto done = [&](ErrorCodeT e, std::size_t bytes = 0) {
      ec = e;
      n = bytes;
    };
    std::visit(
        [&](auto& s) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(s)>, std::monostate>) {
            start(s, done);
          }
        },
        stream);
    ioc.restart();
    ioc.run();
    last_error = ec;
    return n;
  }

  ErrorCodeT last_error;
};

HttpConnection::HttpConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpConnection::HttpConnection(HttpConnection&&) noexcept = default;
HttpConnection& HttpConnection::operator=(HttpConnection&&) noexcept = default;
HttpConnection::~HttpConnection() = default;

HttpConnection HttpConnection::connect(std::uint16_t port, bool tls, std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>();
  impl->timeout = timeout;
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  beast::tcp_stream plain(impl->ioc);
  ErrorCodeT ec;
  plain.expires_after(timeout);
  plain.async_connect(endpoint, [&](ErrorCodeT e) { ec = e; });
  impl->ioc.run();
  if (ec) {
    fail("connect to port " + std::to_string(port), ec);
  }
  if (!tls) {
    impl->stream.emplace<beast::tcp_stream>(std::move(plain));
    return HttpConnection(std::move(impl));
  }
  impl->ssl_ctx.set_verify_mode(net::ssl::verify_none);
  auto& secure = impl->stream.emplace<SslStream>(std::move(plain), impl->ssl_ctx);
  SSL_set_tlsext_host_name(secure.native_handle(), "localhost");
  impl->run([](auto& s, auto& done) {
    if constexpr (std::is_same_v<std::decay_t<decltype(s)>, SslStream>) {
      s.async_handshake(net::ssl::stream_base::client, [&done](ErrorCodeT e) { done(e); });
    }
  });
  if (impl->last_error) {
    fail("TLS handshake", impl->last_error);
  }
  return HttpConnection(std::move(impl));
}

void HttpConnection::set_timeout(std::chrono::milliseconds timeout) {
  impl_->timeout = timeout;
}

void HttpConnection::write_raw(std::string_view bytes) {
  impl_->run([bytes](auto& s, auto& done) {
    net::async_write(s, net::buffer(bytes.data(), bytes.size()),
                     [&done](ErrorCodeT e, std::size_t n) { done(e, n); });
  });
  if (impl_->last_error) {
    fail("write", impl_->last_error);
  }
}

HttpResponse HttpConnection::read_response() {
  return read_response(false);
}

HttpResponse HttpConnection::read_response(bool head_request) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(head_request);
  impl_->run([&parser, this](auto& s, auto& done) {
    http::async_read(s, impl_->buffer, parser, [&done](ErrorCodeT e, std::size_t n) { done(e, n); });
  });
  if (impl_->last_error) {
    fail("read response", impl_->last_error);
  }
  auto& message = parser.get();
  HttpResponse out;
  out.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(message.body());
  out.keep_alive = message.keep_alive();
  return out;
}

HttpResponse HttpConnection::request(const HttpRequest& request) {
  http::request<http::string_body> message;
  message.method_string(beast::string_view(request.method.data(), request.method.size()));
  message.target(beast::string_view(request.target.data(), request.target.size()));
  message.version(11);
  bool has_host = false;
  bool has_length = false;
  for (const auto& [name, value] : request.headers) {
    has_host = has_host || iequals(name, "Host");
    has_length = has_length || iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding");
    message.insert(beast::string_view(name.data(), name.size()),
                   beast::string_view(value.data(), value.size()));
  }
  if (!has_host) {
    message.set(http::field::host, "127.0.0.1");
  }
  message.body() = request.body;
  if (!has_length && (!request.body.empty() || request.method == "POST" || request.method == "PUT")) {
    message.prepare_payload();
  }
  impl_->run([&message](auto& s, auto& done) {
    http::async_write(s, message, [&done](ErrorCodeT e, std::size_t n) { done(e, n); });
  });
  if (impl_->last_error) {
    fail("write request", impl_->last_error);
  }
  return read_response(request.method == "HEAD");
}

std::string HttpConnection::read_until_close() {
  std::string out(static_cast<const char*>(impl_->buffer.data().data()), impl_->buffer.size());
  impl_->buffer.consume(impl_->buffer.size());
  for (;;) {
    char chunk[4096];
    std::size_t n = impl_->run([&chunk](auto& s, auto& done) {
      s.async_read_some(net::buffer(chunk), [&done](ErrorCodeT e, std::size_t bytes) { done(e, bytes); });
    });
    out.append(chunk, n);
    const ErrorCodeT& ec = impl_->last_error;
    if (ec == net::error::eof || ec == net::error::connection_reset ||
        ec == net::ssl::error::stream_truncated || ec == http::error::end_of_stream) {
      return out;
    }
    if (ec) {
      fail("read until close (got " + std::to_string(out.size()) + " bytes)", ec);
    }
  }
}

bool HttpConnection::closed_by_peer(std::chrono::milliseconds wait) {
  if (impl_->buffer.size() > 0) {
    return false;
  }
  auto saved = impl_->timeout;
  impl_->timeout = wait;
  char byte = 0;
  std::size_t n = impl_->run([&byte](auto& s, auto& done) {
    s.async_read_some(net::buffer(&byte, 1), [&done](ErrorCodeT e, std::size_t bytes) { done(e, bytes); });
  });
  impl_->timeout = saved;
  const ErrorCodeT& ec = impl_->last_error;
  return n == 0 && (ec == net::error::eof || ec == net::error::connection_reset ||
                    ec == net::ssl::error::stream_truncated);
}

HttpResponse http_request(std::uint16_t port, const HttpRequest& request, bool tls) {
  return HttpConnection::connect(port, tls).request(request);
}

HttpResponse http_get(std::uint16_t port, std::string target, Headers headers, bool tls) {
  HttpRequest request;
  request.target = std::move(target);
  request.headers = std::move(headers);
  return http_request(port, request, tls);
}

}  // namespace regscand::testing
