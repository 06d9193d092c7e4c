// Registry fixtures for end-to-end tests.
//
// TestRegistry runs the real CNCF distribution (`docker-registry serve`) on 127.0.0.1:<free port> with its
// storage in a TempDir (deletes enabled), optionally with htpasswd Basic auth, token auth (a token server in
// this process issuing RS256 JWTs from a throwaway key), TLS (a throwaway CA) and notifications to a webhook
// URL. It waits until /v2/ answers and stops the registry (SIGTERM, then SIGKILL) on destruction.
//
// FakeHttpServer is a scriptable HTTP/1.1 server for what a real registry will not do: wrong bytes, 429s,
// endless or slow bodies, bad chunking, huge headers. A handler per request writes what it likes.
//
// Failures to start throw std::runtime_error (tests only).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "tests/support/oci_image.hpp"
#include "tests/support/temp_dir.hpp"

namespace regscand::testing {

class Daemon;

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct FakeRequest {
  std::string method;
  std::string target;
  HeaderList headers;
  unsigned connection = 0;  // 1-based number of the TCP connection it arrived on

  std::optional<std::string> header(std::string_view name) const;      // case-insensitive
  std::string path() const;                                            // target without the query
  std::vector<std::string> query_values(std::string_view name) const;  // percent-decoded
};

// One request on one connection, handed to the handler.
class FakeExchange {
 public:
  const FakeRequest& request() const { return request_; }
  // Writes bytes as they are; false once the peer is gone or the server is stopping.
  bool write(std::string_view bytes);
  // A whole response with Content-Length (and Connection: close when close() was called before).
  void respond(int status, const HeaderList& headers = {}, std::string_view body = {});
  // Sleeps; returns false early when the server is stopping.
  bool sleep(std::chrono::milliseconds duration);
  // Closes the connection after this exchange.
  void close() { close_ = true; }
  bool stopping() const { return stopping_.load(); }

 private:
  friend class FakeHttpServer;
  FakeExchange(int fd, FakeRequest request, const std::atomic<bool>& stopping)
      : fd_(fd), request_(std::move(request)), stopping_(stopping) {}
  int fd_;
  FakeRequest request_;
  const std::atomic<bool>& stopping_;
  bool close_ = false;
};

class FakeHttpServer {
 public:
  using Handler = std::function<void(FakeExchange&)>;
  explicit FakeHttpServer(Handler handler);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:PORT"
  std::vector<FakeRequest> requests() const;
  unsigned connections() const { return connections_.load(); }

 private:
  void accept_loop();
  void serve(int fd, unsigned number);

  Handler handler_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<unsigned> connections_{0};
  mutable std::mutex mutex_;
  std::vector<FakeRequest> requests_;
  std::vector<int> open_fds_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

class TestRegistry {
 public:
  struct Credentials {
    std::string username;
    std::string password;
  };
  struct Options {
    // htpasswd (bcrypt) Basic auth on the registry; with token_auth, the token server demands these instead.
    std::optional<Credentials> basic_auth;
    // `auth: token` with a token server in this process (RS256 JWTs, x5c chain to a throwaway root).
    bool token_auth = false;
    // Serve https with a certificate for `tls_hosts` (IPs and DNS names) from a throwaway CA (ca_file()).
    bool tls = false;
    std::vector<std::string> tls_hosts = {"127.0.0.1", "localhost"};
    // notifications.endpoints[0]: POSTs the registry's events here, with "Authorization: Bearer <token>".
    std::optional<std::string> notify_url;
    std::optional<std::string> notify_token;
    std::chrono::milliseconds notify_timeout{2000};
    int notify_threshold = 3;
    std::chrono::milliseconds notify_backoff{1000};
  };

  TestRegistry();
  explicit TestRegistry(Options options);
  ~TestRegistry();
  TestRegistry(const TestRegistry&) = delete;
  TestRegistry& operator=(const TestRegistry&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;   // "http://127.0.0.1:PORT" (https with tls)
  std::string host() const;  // "127.0.0.1:PORT", for docker://HOST/repo:tag
  const Options& options() const { return options_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path ca_file() const;  // PEM of the TLS CA (tls only)
  const FakeHttpServer* token_server() const { return token_server_.get(); }

  // A RegistryConfig for regscand pointing here: url, Basic credentials if any, ca_file if tls.
  config::RegistryConfig config(std::string name = "test") const;
  // An Authorization value for the registry API ("" when anonymous): Basic, or a freshly minted token for
  // `scope` ("repository:NAME:pull,push,delete") under token auth.
  std::string authorization(std::string_view scope) const;

  // skopeo copy [extra...] SRC docker://HOST/REPO_AND_TAG with this registry's credentials ("--all" for every
  // image of an index); throws on failure.
  void push(const std::string& src, const std::string& repo_and_tag,
            const std::vector<std::string>& extra = {}) const;
  // skopeo inspect [--raw] docker://HOST/REPO_AND_REF with this registry's credentials.
  CommandResult inspect(const std::string& repo_and_ref, bool raw = false) const;
  // DELETE /v2/<repo>/manifests/<digest>; the HTTP status (202 when deleted).
  int delete_manifest(const std::string& repo, const std::string& digest) const;
  // The registry's stdout and stderr so far, its access log included (one combined-format line per request).
  std::string log() const;

 private:
  void write_config(const std::filesystem::path& file) const;
  bool wait_ready(std::chrono::seconds deadline) const;
  std::vector<std::string> creds_args(std::string_view flag) const;

  Options options_;
  TempDir dir_;
  std::uint16_t port_ = 0;
  struct Keys;
  std::unique_ptr<Keys> keys_;
  std::unique_ptr<FakeHttpServer> token_server_;
  std::unique_ptr<Daemon> daemon_;
};

}  // namespace regscand::testing
