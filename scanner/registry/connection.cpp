#include "scanner/registry/connection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <variant>

#include "config/base/asio.hpp"
#include "scanner/registry/tls.hpp"

namespace regscand::scanner::registry {
namespace {

using tcp = net::ip::tcp;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Parser = http::response_parser<http::buffer_body>;

constexpr std::size_t kChunkBytes = 64 * 1024;
// Beyond a stream's own timer: the io_context is stopped this long after an operation's expiry.
constexpr std::chrono::seconds kGrace{2};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lx = (x >= 'A' && x <= 'Z') ? x - 'A' + 'a' : x;
           const auto ly = (y >= 'A' && y <= 'Z') ? y - 'A' + 'a' : y;
           return lx == ly;
         });
}

// The server closed an idle kept-alive connection: the request may be sent again on a new one.
bool is_stale(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::ssl::error::stream_truncated;
}

// "1 B/s", "10 KiB/s", "1.5 MiB/s".
std::string format_rate(std::uint64_t bytes_per_second) {
  const auto scaled = [](std::uint64_t value, std::uint64_t unit, std::string_view suffix) {
    const auto tenths = value * 10 / unit;
    auto text = std::to_string(tenths / 10);
    if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
    return text + std::string(suffix);
  };
  if (bytes_per_second >= 1024 * 1024) return scaled(bytes_per_second, 1024 * 1024, " MiB/s");
  if (bytes_per_second >= 1024) return scaled(bytes_per_second, 1024, " KiB/s");
  return std::to_string(bytes_per_second) + " B/s";
}

// "30 s", "500 ms".
std::string format_window(std::chrono::milliseconds window) {
  if (window.count() % 1000 == 0) return std::to_string(window.count() / 1000) + " s";
  return std::to_string(window.count()) + " ms";
}

class NullSink final : public ByteSink {
 public:
  Result<void> write(std::string_view) override { return {}; }
};

struct Outcome {
  beast::error_code ec;
  bool done = false;
};

auto completion(Outcome& outcome) {
  return [&outcome](beast::error_code ec, auto&&...) {
    outcome.ec = ec;
    outcome.done = true;
  };
}

}  // namespace

std::optional<std::string_view> ResponseHead::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::vector<std::string_view> ResponseHead::headers_named(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) out.emplace_back(value);
  }
  return out;
}

struct HttpConnection::Impl {
  Impl(Origin o, TlsContext* t, ConnectionLimits l)
      : origin(std::move(o)),
        tls(t),
        limits(l),
        buffer(l.max_header_bytes + kChunkBytes),
        chunk(kChunkBytes) {
    // Beast sizes each socket read by the buffer's spare capacity (at least 512 bytes): without this a
    // body arrives in 512-byte reads, one syscall, timer and sink write each.
    buffer.reserve(kChunkBytes);
  }

  Origin origin;
  TlsContext* tls;
  ConnectionLimits limits;
  net::io_context ioc{1};
  tcp::resolver resolver{ioc};
  std::variant<std::monostate, PlainStream, TlsStream> stream;
  beast::flat_buffer buffer;
  std::optional<Parser> parser;
  std::vector<char> chunk;
  bool body_pending = false;
  unsigned connects = 0;

  bool is_open() const { return stream.index() != 0; }

  beast::tcp_stream& lowest() {
    if (auto* s = std::get_if<TlsStream>(&stream)) return beast::get_lowest_layer(*s);
    return std::get<PlainStream>(stream);
  }

  template <class F>
  auto with_stream(F&& f) {
    if (auto* s = std::get_if<TlsStream>(&stream)) return f(*s);
    return f(std::get<PlainStream>(stream));
  }

  void close() {
    if (is_open()) {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      lowest().close();
      // Run the handlers the close completed (cancelled timers) so none outlives this state.
      ioc.restart();
      ioc.run();
    }
    stream.emplace<std::monostate>();
    buffer.clear();
    parser.reset();
    body_pending = false;
  }

  // Starts an operation through `initiate(outcome)` and runs the io_context until it completes. The
  // stream's timer (set by the caller to `expiry`) normally ends a stalled operation; the io_context is
  // stopped kGrace later as a last resort (the resolver has no timer of its own).
  // A stop request posts a cancel of whatever runs onto the io_context; it completes with operation_aborted.
  template <class Initiate>
  beast::error_code run(Initiate&& initiate, Clock::time_point expiry) {
    if (limits.stop.stop_requested()) return net::error::operation_aborted;
    Outcome outcome;
    initiate(outcome);
    std::stop_callback on_stop(limits.stop, [this] { net::post(ioc, [this] { cancel(); }); });
    ioc.restart();
    ioc.run_until(expiry + kGrace);
    if (!outcome.done) {
      cancel();
      ioc.restart();
      ioc.run();
      return beast::error::timeout;
    }
    if (outcome.ec == net::error::operation_aborted && !limits.stop.stop_requested() &&
        Clock::now() >= expiry)
      return beast::error::timeout;
    return outcome.ec;
  }

  void cancel() {
    resolver.cancel();
    if (is_open()) lowest().cancel();
  }

  Clock::time_point read_expiry(Clock::time_point deadline) const {
    return std::min(Clock::now() + limits.read_timeout, deadline);
  }

  Error describe(const beast::error_code& ec, std::string_view doing, Clock::time_point deadline) const {
    const auto where = origin.authority() + ": ";
    if (ec == net::error::operation_aborted && limits.stop.stop_requested()) {
      return Error{ErrorCode::Unavailable, where + "cancelled while " + std::string(doing)};
    }
    if (ec == beast::error::timeout) {
      if (Clock::now() >= deadline) {
        return Error{ErrorCode::DeadlineExceeded, where + "deadline exceeded while " + std::string(doing)};
      }
      return Error{ErrorCode::DeadlineExceeded, where + "timed out while " + std::string(doing)};
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return Error{ErrorCode::ResourceExhausted, where + "response header larger than " +
                                                     std::to_string(limits.max_header_bytes) + " bytes"};
    }
    if (ec == http::error::body_limit) {
      return Error{ErrorCode::ResourceExhausted, where + "response body over the limit"};
    }
    if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
      return Error{ErrorCode::Unavailable,
                   where + "malformed HTTP response while " + std::string(doing) + ": " + ec.message()};
    }
    return Error{ErrorCode::Unavailable, where + std::string(doing) + ": " + ec.message()};
  }

  Result<void> connect(Clock::time_point deadline) {
    close();
    ++connects;
    const auto expiry = std::min(Clock::now() + limits.connect_timeout, deadline);
    if (origin.tls() && tls == nullptr) {
      return fail(ErrorCode::Internal, origin.authority() + ": https without a TLS context");
    }
    tcp::resolver::results_type endpoints;
    auto ec = run(
        [&](Outcome& outcome) {
          resolver.async_resolve(origin.bare_host(), std::to_string(origin.port),
                                 [&](beast::error_code e, tcp::resolver::results_type results) {
                                   endpoints = std::move(results);
                                   outcome.ec = e;
                                   outcome.done = true;
                                 });
        },
        expiry);
    if (ec) return std::unexpected(describe(ec, "resolving the host", deadline));

    if (origin.tls()) {
      auto& s = stream.emplace<TlsStream>(ioc, tls->context());
      auto prepared = tls->prepare(s.native_handle(), origin.bare_host());
      if (!prepared) {
        close();
        return prepared;
      }
    } else {
      stream.emplace<PlainStream>(ioc);
    }
    lowest().expires_at(expiry);
    ec = run([&](Outcome& outcome) { lowest().async_connect(endpoints, completion(outcome)); }, expiry);
    if (ec) {
      close();
      return std::unexpected(describe(ec, "connecting", deadline));
    }
    if (auto* s = std::get_if<TlsStream>(&stream)) {
      lowest().expires_at(expiry);
      ec = run(
          [&](Outcome& outcome) { s->async_handshake(net::ssl::stream_base::client, completion(outcome)); },
          expiry);
      if (ec) {
        const long verify = SSL_get_verify_result(s->native_handle());
        close();
        if (verify != X509_V_OK && tls->verify()) {
          return fail(ErrorCode::Unavailable, origin.authority() + ": TLS certificate verification failed: " +
                                                  X509_verify_cert_error_string(verify));
        }
        return std::unexpected(describe(ec, "TLS handshake", deadline));
      }
    }
    lowest().socket().set_option(tcp::no_delay(true), ec);
    return {};
  }

  beast::error_code write_request(const http::request<http::empty_body>& request,
                                  Clock::time_point deadline) {
    const auto expiry = read_expiry(deadline);
    lowest().expires_at(expiry);
    return run(
        [&](Outcome& outcome) {
          with_stream([&](auto& s) { http::async_write(s, request, completion(outcome)); });
        },
        expiry);
  }

  beast::error_code read_header(bool head_request, Clock::time_point deadline) {
    parser.emplace();
    parser->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(limits.max_header_bytes, UINT32_MAX)));
    // Our own caps apply in read_body; Beast 1.74 mis-compares a boost::none limit, so pass the maximum.
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (head_request) parser->skip(true);
    const auto expiry = read_expiry(deadline);
    lowest().expires_at(expiry);
    return run(
        [&](Outcome& outcome) {
          with_stream([&](auto& s) { http::async_read_header(s, buffer, *parser, completion(outcome)); });
        },
        expiry);
  }

  ResponseHead head() const {
    ResponseHead out;
    const auto& message = parser->get();
    out.status = message.result_int();
    for (const auto& field : message) out.headers.emplace_back(field.name_string(), field.value());
    if (const auto length = parser->content_length()) out.content_length = *length;
    return out;
  }

  Result<ResponseHead> send(std::string_view method, std::string_view target, const Headers& headers,
                            Clock::time_point deadline) {
    if (body_pending) close();
    const auto bsv = [](std::string_view s) { return beast::string_view(s.data(), s.size()); };
    http::request<http::empty_body> request{http::string_to_verb(bsv(method)), bsv(target), 11};
    request.set(http::field::host, origin.authority());
    for (const auto& [name, value] : headers) request.set(bsv(name), value);
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool fresh = !is_open();
      if (fresh) {
        auto connected = connect(deadline);
        if (!connected) return std::unexpected(std::move(connected).error());
      }
      auto ec = write_request(request, deadline);
      if (!ec) ec = read_header(method == "HEAD", deadline);
      if (!ec) {
        body_pending = true;
        return head();
      }
      close();
      if (!fresh && is_stale(ec)) continue;
      return std::unexpected(describe(ec, "reading the response header", deadline));
    }
    return fail(ErrorCode::Unavailable, origin.authority() + ": connection closed twice by the server");
  }

  Result<void> read_body(ByteSink& sink, std::uint64_t max_bytes, Clock::time_point deadline,
                         MinRate min_rate) {
    if (!body_pending || !parser) return fail(ErrorCode::Internal, origin.authority() + ": no body pending");
    if (const auto length = parser->content_length(); length && *length > max_bytes) {
      close();
      return fail(ErrorCode::ResourceExhausted, origin.authority() + ": body of " + std::to_string(*length) +
                                                    " bytes exceeds the limit of " +
                                                    std::to_string(max_bytes));
    }
    // Each window must bring `quota` bytes; it restarts when they are in.
    const std::uint64_t quota =
        min_rate.bytes_per_second *
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, min_rate.window.count())) / 1000;
    auto window_start = Clock::now();
    std::uint64_t window_bytes = 0;
    const auto too_slow = [&] {
      close();
      const auto rate = window_bytes * 1000 / static_cast<std::uint64_t>(min_rate.window.count());
      return fail(ErrorCode::DeadlineExceeded,
                  origin.authority() + ": transfer rate " + format_rate(rate) + " under the minimum " +
                      format_rate(min_rate.bytes_per_second) + " over " + format_window(min_rate.window));
    };
    std::uint64_t total = 0;
    while (!parser->is_done()) {
      auto& body = parser->get().body();
      body.data = chunk.data();
      body.size = chunk.size();
      auto expiry = read_expiry(deadline);
      if (quota > 0) expiry = std::min(expiry, window_start + min_rate.window);
      lowest().expires_at(expiry);
      auto ec = run(
          [&](Outcome& outcome) {
            with_stream([&](auto& s) { http::async_read_some(s, buffer, *parser, completion(outcome)); });
          },
          expiry);
      if (ec == http::error::need_buffer) ec = {};
      const auto now = Clock::now();
      if (ec == beast::error::timeout && quota > 0 && now < deadline && now >= window_start + min_rate.window)
        return too_slow();
      if (ec) {
        auto error = describe(ec, "reading the response body", deadline);
        close();
        return std::unexpected(std::move(error));
      }
      const auto n = chunk.size() - parser->get().body().size;
      total += n;
      if (total > max_bytes) {
        close();
        return fail(ErrorCode::ResourceExhausted, origin.authority() + ": body exceeds the limit of " +
                                                      std::to_string(max_bytes) + " bytes");
      }
      window_bytes += n;
      if (quota > 0 && window_bytes >= quota) {
        window_start = now;
        window_bytes = 0;
      } else if (quota > 0 && now >= window_start + min_rate.window && !parser->is_done()) {
        return too_slow();
      }
      if (n == 0) continue;
      auto written = sink.write(std::string_view(chunk.data(), n));
      if (!written) {
        close();
        return written;
      }
    }
    body_pending = false;
    if (!parser->keep_alive()) close();
    return {};
  }
};

HttpConnection::HttpConnection(Origin origin, TlsContext* tls, ConnectionLimits limits)
    : impl_(std::make_unique<Impl>(std::move(origin), tls, limits)) {}

HttpConnection::~HttpConnection() {
  impl_->close();
}

const Origin& HttpConnection::origin() const {
  return impl_->origin;
}

Result<ResponseHead> HttpConnection::send(std::string_view method, std::string_view target,
                                          const Headers& headers, Clock::time_point deadline) {
  return impl_->send(method, target, headers, deadline);
}

Result<void> HttpConnection::read_body(ByteSink& sink, std::uint64_t max_bytes, Clock::time_point deadline,
                                       MinRate min_rate) {
  return impl_->read_body(sink, max_bytes, deadline, min_rate);
}

void HttpConnection::discard_body(std::uint64_t max_bytes, Clock::time_point deadline) {
  if (!impl_->body_pending) return;
  NullSink sink;
  auto ignored = impl_->read_body(sink, max_bytes, deadline, {});
  (void)ignored;
}

void HttpConnection::close() {
  impl_->close();
}

unsigned HttpConnection::connects() const {
  return impl_->connects;
}

void sleep_unless_stopped(std::chrono::milliseconds delay, const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  wake.wait_for(lock, stop, delay, [] { return false; });
}

}  // namespace regscand::scanner::registry
