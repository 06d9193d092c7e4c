// Listener, sessions, TLS and shutdown: the one translation unit that instantiates Beast's parser and
// serializer (twice: plain and TLS streams). Request semantics live in pipeline.cpp.
#include "server/http/server.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "server/http/pipeline.hpp"

namespace regscand::server::http {
namespace {

namespace bhttp = regscand::http;
using tcp = net::ip::tcp;
using ErrorCodeT = boost::system::error_code;
using Clock = std::chrono::steady_clock;
using SslStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::uint32_t kHeaderLimit = 8 * 1024;
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;
constexpr auto kTlsShutdownTime = std::chrono::seconds(2);
constexpr auto kAbandonGrace = std::chrono::milliseconds(200);
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);

auto redirect(ErrorCodeT& ec) {
  return net::redirect_error(net::use_awaitable, ec);
}

template <class Stream>
constexpr bool kIsTls = std::is_same_v<Stream, SslStream>;

beast::tcp_stream& lowest(beast::tcp_stream& stream) {
  return stream;
}
beast::tcp_stream& lowest(SslStream& stream) {
  return beast::get_lowest_layer(stream);
}

// What to do with the connection after one exchange.
enum class After {
  KeepAlive,  // read the next request
  Close,      // orderly close (TLS close_notify, TCP FIN)
  Linger,  // the request was not fully read: half-close, drain briefly, close (so the client sees the answer)
  Abort,   // the socket is unusable or was closed under us
};

// The part of a session the shutdown logic needs, whatever the stream type. All members are used only on
// the session's strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  virtual ~Connection() = default;
  virtual net::any_io_executor executor() = 0;
  virtual void close() = 0;
  virtual bool idle() const = 0;  // waiting for a new request, no byte of it received
};

template <class Stream>
class Session final : public Connection {
 public:
  template <class... Args>
  explicit Session(Args&&... args) : stream(std::forward<Args>(args)...), deadline(stream.get_executor()) {}

  net::any_io_executor executor() override { return stream.get_executor(); }
  void close() override {
    ErrorCodeT ec;
    lowest(stream).socket().close(ec);
  }
  bool idle() const override { return waiting && buffer.size() == 0 && !(parser && parser->got_some()); }

  // Reads have their own deadline because tcp_stream's closes the socket, which would leave no way to
  // answer 408. When it fires it only cancels the read.
  void arm_read_deadline(std::chrono::milliseconds timeout) {
    lowest(stream).expires_never();
    deadline_fired = false;
    ++deadline_generation;
    deadline.expires_after(timeout);
    std::weak_ptr<Connection> weak = weak_from_this();
    deadline.async_wait([weak, generation = deadline_generation](ErrorCodeT ec) {
      auto self = std::static_pointer_cast<Session>(weak.lock());
      if (!self || ec || generation != self->deadline_generation) {
        return;
      }
      self->deadline_fired = true;
      ErrorCodeT ignored;
      lowest(self->stream).socket().cancel(ignored);
    });
  }
  void disarm_read_deadline() {
    ++deadline_generation;
    deadline.cancel();
  }
  bool nothing_received() const { return buffer.size() == 0 && !(parser && parser->got_some()); }

  Stream stream;
  beast::flat_buffer buffer;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser;
  net::steady_timer deadline;
  std::uint64_t deadline_generation = 0;
  bool deadline_fired = false;
  bool waiting = false;
  std::string remote = "-";
};

bool is_http_error(const ErrorCodeT& ec) {
  return ec.category() == make_error_code(bhttp::error::bad_target).category();
}

}  // namespace

struct Server::Impl {
  Impl(const config::ServerConfig& config, Pipeline pipeline, unsigned blocking_threads)
      : config_(config),
        pipeline_(std::move(pipeline)),
        ioc_(static_cast<int>(std::max(1U, config.threads))),
        blocking_(std::max(1U, blocking_threads)),
        strand_(net::make_strand(ioc_)),
        acceptor_(strand_),
        drain_timer_(strand_) {}

  ~Impl() {
    {
      std::lock_guard lock(mutex_);
      destroying_ = true;
    }
    blocking_.join();  // completions land in the (stopped) io_context and are destroyed with it
  }

  [[nodiscard]] Result<void> setup_tls();
  [[nodiscard]] Result<void> listen();
  void start();
  void begin_shutdown();
  void force_close();

  net::awaitable<void> accept_loop();
  void spawn_session(tcp::socket socket);
  std::uint64_t register_connection(const std::shared_ptr<Connection>& connection);
  void unregister_connection(std::uint64_t id);

  template <class Stream>
  net::awaitable<void> run_session(std::shared_ptr<Session<Stream>> session, std::uint64_t id);
  template <class Stream>
  net::awaitable<After> serve_one(Session<Stream>& s);
  template <class Stream>
  net::awaitable<After> answer_read_error(Session<Stream>& s, Admission admission, const ErrorCodeT& ec,
                                          unsigned version, Clock::time_point started);
  template <class Stream>
  net::awaitable<After> respond(Session<Stream>& s, const Admission& admission, Response response,
                                unsigned version, After after, bool head, Clock::time_point started);
  template <class Stream>
  net::awaitable<void> finish(Session<Stream>& s, After after);

  // Unregisters a session when its coroutine frame goes away, however that happens.
  struct Registration {
    Impl& impl;
    std::uint64_t id;
    ~Registration() { impl.unregister_connection(id); }
  };

  config::ServerConfig config_;
  Pipeline pipeline_;
  std::optional<net::ssl::context> tls_;

  std::mutex mutex_;
  std::map<std::uint64_t, std::weak_ptr<Connection>> connections_;  // guarded by mutex_
  std::uint64_t next_id_ = 0;                                       // guarded by mutex_
  bool destroying_ = false;                                         // guarded by mutex_
  std::atomic<bool> stopping_{false};
  std::atomic<bool> shutdown_requested_{false};
  std::uint16_t port_ = 0;

  // Declared after everything the sessions use, so that destroying the io_context (which destroys
  // abandoned coroutine frames) happens first; the pool is joined before that.
  net::io_context ioc_;
  net::thread_pool blocking_;
  net::strand<net::io_context::executor_type> strand_;  // the listener's and the shutdown logic's
  tcp::acceptor acceptor_;
  net::steady_timer drain_timer_;
  std::vector<std::thread> threads_;
};

Result<void> Server::Impl::setup_tls() {
  ErrorCodeT ec;
  tls_.emplace(net::ssl::context::tls_server);
  tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                        net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                        net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use,
                    ec);
  if (ec || SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_2_VERSION) != 1) {
    return fail(ErrorCode::Internal, "server.tls: cannot restrict protocol versions to TLS 1.2+");
  }
  tls_->use_certificate_chain_file(config_.tls.cert_file, ec);
  if (ec) {
    return fail(ErrorCode::InvalidArgument,
                "server.tls.cert_file: cannot load '" + config_.tls.cert_file + "': " + ec.message());
  }
  tls_->use_private_key_file(config_.tls.key_file, net::ssl::context::pem, ec);
  if (ec) {
    return fail(ErrorCode::InvalidArgument,
                "server.tls.key_file: cannot load '" + config_.tls.key_file + "': " + ec.message());
  }
  if (SSL_CTX_check_private_key(tls_->native_handle()) != 1) {
    return fail(ErrorCode::InvalidArgument, "server.tls.key_file: key does not match server.tls.cert_file");
  }
  return {};
}

Result<void> Server::Impl::listen() {
  ErrorCodeT ec;
  auto address = net::ip::make_address(config_.host, ec);
  if (ec) {
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(config_.host, "", ec);
    if (ec || results.empty()) {
      return fail(ErrorCode::InvalidArgument, "server.listen: cannot resolve host '" + config_.host +
                                                  "': " + (ec ? ec.message() : "no addresses"));
    }
    address = results.begin()->endpoint().address();
  }
  tcp::endpoint endpoint(address, config_.port);
  std::string where = config_.host + ":" + std::to_string(config_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) {
    return fail(ErrorCode::Unavailable,
                "server.listen: cannot open a socket for " + where + ": " + ec.message());
  }
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  acceptor_.bind(endpoint, ec);
  if (ec) {
    return fail(ErrorCode::Unavailable, "server.listen: cannot bind " + where + ": " + ec.message());
  }
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(ErrorCode::Unavailable, "server.listen: cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();
  return {};
}

void Server::Impl::start() {
  net::co_spawn(strand_, accept_loop(), [](std::exception_ptr e) {
    if (e) {
      spdlog::critical("http: listener stopped by an exception");
    }
  });
  unsigned n = std::max(1U, config_.threads);
  for (unsigned i = 0; i < n; ++i) {
    threads_.emplace_back([this] { ioc_.run(); });
  }
  spdlog::info("http: listening on {}:{}{} with {} threads", config_.host, port_, tls_ ? " (TLS)" : "", n);
}

net::awaitable<void> Server::Impl::accept_loop() {
  while (!stopping_) {
    ErrorCodeT ec;
    tcp::socket socket(net::make_strand(ioc_));
    co_await acceptor_.async_accept(socket, redirect(ec));
    if (stopping_ || ec == net::error::operation_aborted) {
      co_return;
    }
    if (ec) {  // e.g. EMFILE: back off so a full descriptor table does not spin the loop
      spdlog::warn("http: accept failed: {}", ec.message());
      net::steady_timer backoff(strand_, kAcceptBackoff);
      co_await backoff.async_wait(redirect(ec));
      continue;
    }
    spawn_session(std::move(socket));
  }
}

void Server::Impl::spawn_session(tcp::socket socket) {
  ErrorCodeT ec;
  auto peer = socket.remote_endpoint(ec);
  std::string remote = ec ? "-" : peer.address().to_string() + ":" + std::to_string(peer.port());
  auto on_exit = [](std::exception_ptr e) {
    if (!e) {
      return;
    }
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("http: session ended by an exception: {}", ex.what());
    } catch (...) {
      spdlog::error("http: session ended by a non-standard exception");
    }
  };
  if (tls_) {
    auto session = std::make_shared<Session<SslStream>>(beast::tcp_stream(std::move(socket)), *tls_);
    session->remote = std::move(remote);
    auto id = register_connection(session);
    net::co_spawn(session->executor(), run_session(session, id), on_exit);
    return;
  }
  auto session = std::make_shared<Session<beast::tcp_stream>>(std::move(socket));
  session->remote = std::move(remote);
  auto id = register_connection(session);
  net::co_spawn(session->executor(), run_session(session, id), on_exit);
}

std::uint64_t Server::Impl::register_connection(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex_);
  auto id = next_id_++;
  connections_.emplace(id, connection);
  return id;
}

void Server::Impl::unregister_connection(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
  if (connections_.empty() && stopping_ && !destroying_) {
    net::post(strand_, [this] { drain_timer_.cancel(); });  // drained: let the io_context run out of work
  }
}

void Server::Impl::begin_shutdown() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, weak] : connections_) {
      if (auto connection = weak.lock()) {
        live.push_back(std::move(connection));
      }
    }
  }
  ErrorCodeT ec;
  acceptor_.close(ec);
  spdlog::info("http: shutting down, {} open connections", live.size());
  for (auto& connection : live) {
    net::post(connection->executor(), [connection] {
      if (connection->idle()) {
        connection->close();
      }
    });
  }
  if (live.empty()) {
    return;
  }
  drain_timer_.expires_after(config_.shutdown_timeout);
  drain_timer_.async_wait([this](ErrorCodeT wait_ec) {
    if (!wait_ec) {
      force_close();
    }
  });
}

void Server::Impl::force_close() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : connections_) {
      if (auto connection = weak.lock()) {
        live.push_back(std::move(connection));
      }
    }
  }
  spdlog::warn("http: shutdown timeout, closing {} connections", live.size());
  for (auto& connection : live) {
    net::post(connection->executor(), [connection] { connection->close(); });
  }
  // Handlers still waiting (on a timer, on the blocking pool) are abandoned after a short grace.
  drain_timer_.expires_after(kAbandonGrace);
  drain_timer_.async_wait([this](ErrorCodeT wait_ec) {
    if (!wait_ec) {
      ioc_.stop();
    }
  });
}

template <class Stream>
net::awaitable<void> Server::Impl::run_session(std::shared_ptr<Session<Stream>> session, std::uint64_t id) {
  Registration registration{*this, id};
  Session<Stream>& s = *session;
  if constexpr (kIsTls<Stream>) {
    ErrorCodeT ec;
    lowest(s.stream).expires_after(config_.request_timeout);
    co_await s.stream.async_handshake(net::ssl::stream_base::server, redirect(ec));
    if (ec) {
      spdlog::debug("http: TLS handshake with {} failed: {}", s.remote, ec.message());
      co_return;
    }
  }
  After after = After::KeepAlive;
  while (after == After::KeepAlive) {
    after = stopping_ ? After::Close : co_await serve_one(s);
  }
  co_await finish(s, after);
}

template <class Stream>
net::awaitable<After> Server::Impl::serve_one(Session<Stream>& s) {
  ErrorCodeT ec;
  s.parser.emplace();
  s.parser->header_limit(kHeaderLimit);
  s.parser->body_limit(config_.body_limit_bytes);

  s.waiting = true;
  s.arm_read_deadline(config_.request_timeout);
  co_await bhttp::async_read_header(s.stream, s.buffer, *s.parser, redirect(ec));
  s.disarm_read_deadline();
  s.waiting = false;
  auto started = Clock::now();
  if (ec && ec != bhttp::error::body_limit) {
    co_return co_await answer_read_error(s, Pipeline::unparsed(), ec, 11, started);
  }

  Request& request = s.parser->get();
  unsigned version = request.version();
  bool head = request.method() == Verb::head;
  Admission admission = pipeline_.admit(request, !s.parser->is_done());
  if (ec) {  // Content-Length above the body limit, known from the header alone
    co_return co_await answer_read_error(s, std::move(admission), ec, version, started);
  }
  if (admission.rejection) {
    Response response = std::move(*admission.rejection);
    After after = s.parser->is_done() && request.keep_alive() ? After::KeepAlive : After::Linger;
    co_return co_await respond(s, admission, std::move(response), version, after, head, started);
  }

  if (!s.parser->is_done()) {
    auto expect = request.find(Field::expect);
    if (expect != request.end() && beast::iequals(expect->value(), "100-continue")) {
      bhttp::response<bhttp::empty_body> go_on{Status::continue_, version};
      lowest(s.stream).expires_after(config_.request_timeout);
      co_await bhttp::async_write(s.stream, go_on, redirect(ec));
      if (ec) {
        co_return After::Abort;
      }
    }
    s.arm_read_deadline(config_.request_timeout);
    co_await bhttp::async_read(s.stream, s.buffer, *s.parser, redirect(ec));
    s.disarm_read_deadline();
    if (ec) {
      co_return co_await answer_read_error(s, std::move(admission), ec, version, started);
    }
  }

  Response response = co_await pipeline_.call(admission, request, blocking_);
  After after = request.keep_alive() ? After::KeepAlive : After::Close;
  co_return co_await respond(s, admission, std::move(response), version, after, head, started);
}

template <class Stream>
net::awaitable<After> Server::Impl::answer_read_error(Session<Stream>& s, Admission admission,
                                                      const ErrorCodeT& ec, unsigned version,
                                                      Clock::time_point started) {
  if (ec == net::error::operation_aborted && s.deadline_fired) {
    if (s.nothing_received()) {
      co_return After::Close;  // an idle keep-alive connection timed out: just close
    }
    co_return co_await respond(s, admission,
                               error_response(Status::request_timeout, "request not received in time"),
                               version, After::Close, false, started);
  }
  if (ec == bhttp::error::body_limit) {
    co_return co_await respond(
        s, admission,
        error_response(Status::payload_too_large,
                       "request body exceeds " + std::to_string(config_.body_limit_bytes) + " bytes"),
        version, After::Linger, false, started);
  }
  if (ec == bhttp::error::header_limit) {
    co_return co_await respond(
        s, admission,
        error_response(Status::request_header_fields_too_large,
                       "request header exceeds " + std::to_string(kHeaderLimit) + " bytes"),
        version, After::Linger, false, started);
  }
  if (is_http_error(ec) && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    co_return co_await respond(s, admission,
                               error_response(Status::bad_request, "malformed request: " + ec.message()),
                               version, After::Linger, false, started);
  }
  co_return After::Abort;  // peer closed or reset, or we closed the socket (shutdown)
}

template <class Stream>
net::awaitable<After> Server::Impl::respond(Session<Stream>& s, const Admission& admission, Response response,
                                            unsigned version, After after, bool head,
                                            Clock::time_point started) {
  bool keep_alive = after == After::KeepAlive && !stopping_;
  Pipeline::decorate(response, admission, version, keep_alive);
  ErrorCodeT ec;
  std::size_t bytes = 0;
  lowest(s.stream).expires_after(config_.request_timeout);
  if (head) {
    bhttp::response_serializer<bhttp::string_body> serializer{response};
    bytes = co_await bhttp::async_write_header(s.stream, serializer, redirect(ec));
  } else {
    bytes = co_await bhttp::async_write(s.stream, response, redirect(ec));
  }
  pipeline_.record(admission, response.result_int(), bytes, Clock::now() - started, s.remote);
  if (ec) {
    co_return After::Abort;
  }
  if (after == After::KeepAlive && !keep_alive) {
    co_return After::Close;
  }
  co_return after;
}

template <class Stream>
net::awaitable<void> Server::Impl::finish(Session<Stream>& s, After after) {
  ErrorCodeT ec;
  if (after == After::Linger) {
    if constexpr (!kIsTls<Stream>) {
      lowest(s.stream).socket().shutdown(tcp::socket::shutdown_send, ec);
    }
    lowest(s.stream).expires_after(kLingerTime);
    std::size_t drained = 0;
    while (!ec && drained < kLingerBytes) {
      s.buffer.consume(s.buffer.size());
      drained += co_await s.stream.async_read_some(s.buffer.prepare(16 * 1024), redirect(ec));
    }
  } else if (after == After::Close) {
    if constexpr (kIsTls<Stream>) {
      lowest(s.stream).expires_after(std::min<Clock::duration>(config_.request_timeout, kTlsShutdownTime));
      co_await s.stream.async_shutdown(redirect(ec));
    } else {
      lowest(s.stream).socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }
  s.close();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  shutdown();
  wait();
}

Result<std::unique_ptr<Server>> Server::create(const config::ServerConfig& config,
                                               const config::AuthConfig& auth, Router router,
                                               Metrics& metrics, unsigned blocking_threads) {
  auto impl = std::make_unique<Impl>(config, Pipeline(std::move(router), Authenticator(auth), metrics),
                                     blocking_threads);
  if (config.tls.enabled()) {
    auto tls = impl->setup_tls();
    if (!tls) {
      return std::unexpected(std::move(tls).error());
    }
  }
  auto listening = impl->listen();
  if (!listening) {
    return std::unexpected(std::move(listening).error());
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const {
  return impl_->port_;
}

net::thread_pool& Server::blocking_pool() {
  return impl_->blocking_;
}

void Server::start() {
  impl_->start();
}

void Server::shutdown() {
  if (impl_->shutdown_requested_.exchange(true)) {
    return;
  }
  net::post(impl_->strand_, [impl = impl_.get()] { impl->begin_shutdown(); });
}

void Server::wait() {
  for (std::thread& thread : impl_->threads_) {
    if (thread.joinable()) {
      thread.join();
    }
  }
}

}  // namespace regscand::server::http
