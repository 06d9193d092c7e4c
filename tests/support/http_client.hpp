// A small synchronous HTTP/1.1 client for tests, plain or TLS (certificate verification off), plus raw
// access to the connection for malformed, partial and pipelined requests. Every operation has a
// deadline; failures throw std::runtime_error (tests only). Beast stays inside http_client.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace regscand::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  Headers headers;  // Host and Content-Length are added unless given
  std::string body;
};

inline HttpRequest make_request(std::string method, std::string target, Headers headers = {},
                                std::string body = {}) {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.headers = std::move(headers);
  request.body = std::move(body);
  return request;
}

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;
  bool keep_alive = false;

  // Case-insensitive lookup of the first header with this name.
  std::optional<std::string> header(std::string_view name) const;
};

class HttpConnection {
 public:
  // Connects to 127.0.0.1:port (and completes the TLS handshake when `tls`).
  static HttpConnection connect(std::uint16_t port, bool tls = false,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10));
  HttpConnection(HttpConnection&&) noexcept;
  HttpConnection& operator=(HttpConnection&&) noexcept;
  ~HttpConnection();

  // Writes the request, reads one response.
  HttpResponse request(const HttpRequest& request);
  // Writes bytes as they are (partial or several requests).
  void write_raw(std::string_view bytes);
  // Reads one response (responses to pipelined requests are read one after another). A response to
  // HEAD has no body: pass head_request so the length header is not waited for.
  HttpResponse read_response();
  HttpResponse read_response(bool head_request);
  // Reads until the server closes the connection; returns what arrived. Throws on timeout.
  std::string read_until_close();
  // True when the server closes the connection (EOF or reset) within `wait`, with no data first.
  bool closed_by_peer(std::chrono::milliseconds wait);

  void set_timeout(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  explicit HttpConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
HttpResponse http_request(std::uint16_t port, const HttpRequest& request, bool tls = false);
HttpResponse http_get(std::uint16_t port, std::string target, Headers headers = {}, bool tls = false);

}  // namespace regscand::testing
