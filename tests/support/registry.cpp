#include "tests/support/registry.hpp"

#include <arpa/inet.h>
#include <crypt.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "config/base/percent.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/http_client.hpp"

namespace regscand::testing {
namespace {

constexpr std::size_t kMaxRequestHead = 64 * 1024;
constexpr std::string_view kTokenService = "regscand-test-registry";
constexpr std::string_view kTokenIssuer = "regscand-test-token-issuer";

// A query value as a client wrote it; a malformed escape is kept as it is.
std::string query_decode(std::string_view s) {
  return text::percent_decode(s, true).value_or(std::string(s));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 302:
      return "Found";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

std::optional<FakeRequest> parse_request_head(std::string_view head) {
  FakeRequest request;
  const auto line_end = head.find("\r\n");
  const auto line = head.substr(0, line_end);
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return std::nullopt;
  request.method = std::string(line.substr(0, sp1));
  request.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::size_t pos = line_end + 2;
  while (pos < head.size()) {
    const auto end = head.find("\r\n", pos);
    const auto field = head.substr(pos, end - pos);
    pos = end == std::string_view::npos ? head.size() : end + 2;
    if (field.empty()) break;
    const auto colon = field.find(':');
    if (colon == std::string_view::npos) continue;
    auto value = field.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::string(field.substr(0, colon)), std::string(value));
  }
  return request;
}

// ---- OpenSSL: throwaway keys, certificates and JWTs ----

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

void openssl_check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("openssl: ") + what);
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  openssl_check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key`, signed by issuer (self-signed when issuer is null).
Cert make_cert(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key, bool ca,
               const std::string& subject_alt_names) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  std::uint32_t serial = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(serial & 0x7fffffff) + 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7 * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
  }
  if (!subject_alt_names.empty())
    add_extension(cert.get(), signer, NID_subject_alt_name, subject_alt_names.c_str());
  openssl_check(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0,
                "X509_sign");
  return cert;
}

Pkey make_key() {
  Pkey key(EVP_RSA_gen(2048));
  openssl_check(key != nullptr, "EVP_RSA_gen");
  return key;
}

std::string cert_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string base64_std(std::string_view bytes) {
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

std::string base64_url(std::string_view bytes) {
  auto s = base64_std(bytes);
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::string cert_der(X509* cert) {
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert, &der);
  openssl_check(n > 0, "i2d_X509");
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

std::string rs256(EVP_PKEY* key, std::string_view input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  openssl_check(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1, "EVP_DigestSignInit");
  openssl_check(EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                               input.size()) == 1,
                "EVP_DigestSign");
  std::string sig(len, '\0');
  openssl_check(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                               reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1,
                "EVP_DigestSign");
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  return sig;
}

// "repository:name:pull,push" -> access entries of a distribution token.
nlohmann::json access_for(const std::vector<std::string>& scopes) {
  nlohmann::json access = nlohmann::json::array();
  for (const auto& scope_list : scopes) {
    std::istringstream words(scope_list);
    std::string scope;
    while (words >> scope) {
      const auto first = scope.find(':');
      const auto last = scope.rfind(':');
      if (first == std::string::npos || first == last) continue;
      nlohmann::json actions = nlohmann::json::array();
      std::istringstream list(scope.substr(last + 1));
      std::string action;
      while (std::getline(list, action, ',')) {
        if (action == "*") {
          // "*" itself too: distribution's catalog demands registry:catalog:* literally.
          for (const char* a : {"*", "pull", "push", "delete"}) actions.push_back(a);
        } else {
          actions.push_back(action);
        }
      }
      access.push_back({{"type", scope.substr(0, first)},
                        {"name", scope.substr(first + 1, last - first - 1)},
                        {"actions", actions}});
    }
  }
  return access;
}

std::string bcrypt(const std::string& password) {
  const char* setting = crypt_gensalt("$2b$", 5, nullptr, 0);
  if (setting == nullptr) throw std::runtime_error("crypt_gensalt($2b$) failed: no bcrypt in libcrypt");
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_r(password.c_str(), setting, data.get());
  if (hash == nullptr || hash[0] == '*') throw std::runtime_error("crypt_r(bcrypt) failed");
  return hash;
}

std::string yaml_string(const std::string& s) {
  return nlohmann::json(s).dump();
}

std::string duration(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + "ms";
}

std::filesystem::path find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const auto candidate = std::filesystem::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw std::runtime_error(name + " not found in PATH (Debian package docker-registry)");
}

}  // namespace

// ---- FakeRequest / FakeExchange ----

std::optional<std::string> FakeRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::string FakeRequest::path() const {
  return target.substr(0, target.find('?'));
}

std::vector<std::string> FakeRequest::query_values(std::string_view name) const {
  std::vector<std::string> out;
  const auto q = target.find('?');
  if (q == std::string::npos) return out;
  std::istringstream pairs(target.substr(q + 1));
  std::string pair;
  while (std::getline(pairs, pair, '&')) {
    const auto eq = pair.find('=');
    if (query_decode(pair.substr(0, eq)) != name) continue;
    out.push_back(eq == std::string::npos ? "" : query_decode(pair.substr(eq + 1)));
  }
  return out;
}

bool FakeExchange::write(std::string_view bytes) {
  while (!bytes.empty()) {
    if (stopping_.load()) return false;
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void FakeExchange::respond(int status, const HeaderList& headers, std::string_view body) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    head += name + ": " + value + "\r\n";
    has_length = has_length || iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding");
  }
  if (!has_length) head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (close_) head += "Connection: close\r\n";
  head += "\r\n";
  if (write(head) && request_.method != "HEAD") write(body);
}

bool FakeExchange::sleep(std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    if (stopping_.load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return !stopping_.load();
}

// ---- FakeHttpServer ----

FakeHttpServer::FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw std::runtime_error("socket failed");
  const int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(listener_);
    throw std::runtime_error("FakeHttpServer: bind/listen failed");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeHttpServer::~FakeHttpServer() {
  stopping_ = true;
  acceptor_.join();
  ::close(listener_);
  {
    std::lock_guard lock(mutex_);
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& worker : workers_) worker.join();
}

std::string FakeHttpServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::vector<FakeRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeHttpServer::accept_loop() {
  while (!stopping_.load()) {
    pollfd pfd{listener_, POLLIN, 0};
    if (::poll(&pfd, 1, 50) <= 0) continue;
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const timeval send_timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    const unsigned number = ++connections_;
    std::lock_guard lock(mutex_);
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd, number] { serve(fd, number); });
  }
}

void FakeHttpServer::serve(int fd, unsigned number) {
  std::string buffer;
  bool open = true;
  while (open && !stopping_.load()) {
    std::size_t head_end = std::string::npos;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos && buffer.size() < kMaxRequestHead) {
      if (stopping_.load()) break;
      pollfd pfd{fd, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    if (head_end == std::string::npos) break;
    auto request = parse_request_head(std::string_view(buffer).substr(0, head_end + 2));
    buffer.erase(0, head_end + 4);
    if (!request) break;
    request->connection = number;
    if (const auto length = request->header("Content-Length")) {
      std::size_t want = std::stoul(*length);
      while (buffer.size() < want) {
        char chunk[4096];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
      buffer.erase(0, std::min(want, buffer.size()));
    }
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(*request);
    }
    const bool client_closes = iequals(request->header("Connection").value_or(""), "close");
    FakeExchange exchange(fd, std::move(*request), stopping_);
    try {
      handler_(exchange);
    } catch (const std::exception&) {
      exchange.close();
    }
    open = !exchange.close_ && !client_closes;
  }
  {
    std::lock_guard lock(mutex_);
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

// ---- TestRegistry ----

struct TestRegistry::Keys {
  Pkey token_key;
  Cert token_cert;
  Pkey ca_key;
  Cert ca_cert;
  Pkey tls_key;
  Cert tls_cert;

  std::string mint(const std::string& subject, const std::vector<std::string>& scopes) const {
    const nlohmann::json header = {
        {"typ", "JWT"}, {"alg", "RS256"}, {"x5c", {base64_std(cert_der(token_cert.get()))}}};
    const auto now = static_cast<long long>(std::time(nullptr));
    const nlohmann::json claims = {
        {"iss", kTokenIssuer}, {"sub", subject}, {"aud", kTokenService},   {"exp", now + 600},
        {"nbf", now - 10},     {"iat", now},     {"jti", unique_suffix()}, {"access", access_for(scopes)}};
    const auto input = base64_url(header.dump()) + "." + base64_url(claims.dump());
    return input + "." + base64_url(rs256(token_key.get(), input));
  }
};

TestRegistry::TestRegistry() : TestRegistry(Options{}) {}

TestRegistry::TestRegistry(Options options) : options_(std::move(options)), keys_(std::make_unique<Keys>()) {
  const auto& root = dir_.path();
  std::filesystem::create_directories(root / "storage");
  if (options_.basic_auth && !options_.token_auth) {
    std::ofstream(root / "htpasswd") << options_.basic_auth->username << ":"
                                     << bcrypt(options_.basic_auth->password) << "\n";
  }
  if (options_.token_auth) {
    keys_->token_key = make_key();
    keys_->token_cert =
        make_cert(keys_->token_key.get(), "regscand test token signer", nullptr, nullptr, true, "");
    std::ofstream(root / "token-root.pem") << cert_pem(keys_->token_cert.get());
    token_server_ = std::make_unique<FakeHttpServer>([this](FakeExchange& exchange) {
      const auto& request = exchange.request();
      if (request.path() != "/token") return exchange.respond(404);
      std::string subject = "anonymous";
      if (options_.basic_auth) {
        const auto& creds = *options_.basic_auth;
        const auto want = "Basic " + base64_std(creds.username + ":" + creds.password);
        if (request.header("Authorization") != want) {
          return exchange.respond(
              401, {{"WWW-Authenticate", "Basic realm=\"token\""}, {"Content-Type", "application/json"}},
              R"({"details":"bad credentials"})");
        }
        subject = creds.username;
      }
      const auto token = keys_->mint(subject, request.query_values("scope"));
      const nlohmann::json body = {{"token", token}, {"access_token", token}, {"expires_in", 600}};
      exchange.respond(200, {{"Content-Type", "application/json"}}, body.dump());
    });
  }
  if (options_.tls) {
    keys_->ca_key = make_key();
    keys_->ca_cert = make_cert(keys_->ca_key.get(), "regscand test CA", nullptr, nullptr, true, "");
    keys_->tls_key = make_key();
    std::string sans;
    for (const auto& host : options_.tls_hosts) {
      unsigned char buf[16];
      const bool ip =
          inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
      sans += (sans.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + host;
    }
    keys_->tls_cert =
        make_cert(keys_->tls_key.get(), options_.tls_hosts.empty() ? "registry" : options_.tls_hosts[0],
                  keys_->ca_cert.get(), keys_->ca_key.get(), false, sans);
    std::ofstream(root / "ca.pem") << cert_pem(keys_->ca_cert.get());
    std::ofstream(root / "tls.crt") << cert_pem(keys_->tls_cert.get()) << cert_pem(keys_->ca_cert.get());
    std::ofstream(root / "tls.key") << key_pem(keys_->tls_key.get());
  }

  const auto binary = find_program("docker-registry");
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port();
    write_config(root / "config.yml");
    daemon_ =
        std::make_unique<Daemon>(binary, std::vector<std::string>{"serve", (root / "config.yml").string()},
                                 std::map<std::string, std::string>{}, root / "registry.log");
    if (wait_ready(std::chrono::seconds(30))) return;
    daemon_.reset();
  }
  throw std::runtime_error("docker-registry did not start:\n" + log());
}

TestRegistry::~TestRegistry() {
  if (daemon_) {
    daemon_->signal(SIGTERM);
    daemon_->wait(std::chrono::seconds(5));
    daemon_.reset();  // SIGKILLs a survivor
  }
  token_server_.reset();
}

void TestRegistry::write_config(const std::filesystem::path& file) const {
  const auto& root = dir_.path();
  std::ostringstream y;
  y << "version: 0.1\n"
    << "log:\n  level: info\n  accesslog:\n    disabled: false\n"
    << "storage:\n  filesystem:\n    rootdirectory: " << yaml_string((root / "storage").string()) << "\n"
    << "  delete:\n    enabled: true\n"
    << "  maintenance:\n    uploadpurging:\n      enabled: false\n"
    << "http:\n  addr: " << yaml_string("127.0.0.1:" + std::to_string(port_)) << "\n"
    << "  secret: " << yaml_string(unique_suffix(32)) << "\n";
  if (options_.tls) {
    y << "  tls:\n    certificate: " << yaml_string((root / "tls.crt").string()) << "\n"
      << "    key: " << yaml_string((root / "tls.key").string()) << "\n";
  }
  if (options_.token_auth) {
    y << "auth:\n  token:\n    realm: " << yaml_string(token_server_->url() + "/token") << "\n"
      << "    service: " << yaml_string(std::string(kTokenService)) << "\n"
      << "    issuer: " << yaml_string(std::string(kTokenIssuer)) << "\n"
      << "    rootcertbundle: " << yaml_string((root / "token-root.pem").string()) << "\n";
  } else if (options_.basic_auth) {
    y << "auth:\n  htpasswd:\n    realm: \"regscand-test\"\n    path: "
      << yaml_string((root / "htpasswd").string()) << "\n";
  }
  if (options_.notify_url) {
    y << "notifications:\n  events:\n    includereferences: true\n  endpoints:\n"
      << "    - name: regscand\n      url: " << yaml_string(*options_.notify_url) << "\n";
    if (options_.notify_token) {
      y << "      headers:\n        Authorization: [" << yaml_string("Bearer " + *options_.notify_token)
        << "]\n";
    }
    y << "      timeout: " << duration(options_.notify_timeout) << "\n"
      << "      threshold: " << options_.notify_threshold << "\n"
      << "      backoff: " << duration(options_.notify_backoff) << "\n";
  }
  std::ofstream(file) << y.str();
}

bool TestRegistry::wait_ready(std::chrono::seconds deadline) const {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (!daemon_->running()) return false;
    try {
      auto connection = HttpConnection::connect(port_, options_.tls, std::chrono::seconds(2));
      const auto response = connection.request(make_request("GET", "/v2/"));
      if (response.status == 200 || response.status == 401) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string TestRegistry::url() const {
  return std::string(options_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::string TestRegistry::host() const {
  return "127.0.0.1:" + std::to_string(port_);
}

std::filesystem::path TestRegistry::ca_file() const {
  return dir_.path() / "ca.pem";
}

config::RegistryConfig TestRegistry::config(std::string name) const {
  config::RegistryConfig registry;
  registry.name = std::move(name);
  registry.url = url();
  if (options_.basic_auth) {
    registry.auth.type = config::RegistryAuthType::Basic;
    registry.auth.username = options_.basic_auth->username;
    registry.auth.password = options_.basic_auth->password;
  }
  if (options_.tls) registry.ca_file = ca_file().string();
  return registry;
}

std::string TestRegistry::authorization(std::string_view scope) const {
  if (options_.token_auth) return "Bearer " + keys_->mint("admin", {std::string(scope)});
  if (options_.basic_auth) {
    return "Basic " + base64_std(options_.basic_auth->username + ":" + options_.basic_auth->password);
  }
  return "";
}

std::vector<std::string> TestRegistry::creds_args(std::string_view flag) const {
  if (!options_.basic_auth) return {};
  return {std::string(flag), options_.basic_auth->username + ":" + options_.basic_auth->password};
}

void TestRegistry::push(const std::string& src, const std::string& repo_and_tag,
                        const std::vector<std::string>& extra) const {
  auto args = creds_args("--dest-creds");
  args.insert(args.end(), extra.begin(), extra.end());
  const auto result = skopeo_copy(src, "docker://" + host() + "/" + repo_and_tag, args);
  if (!result.ok()) {
    throw std::runtime_error("skopeo copy " + src + " -> " + repo_and_tag + " failed (" +
                             std::to_string(result.exit_code) + "):\n" + result.output);
  }
}

CommandResult TestRegistry::inspect(const std::string& repo_and_ref, bool raw) const {
  auto extra = creds_args("--creds");
  if (raw) extra.push_back("--raw");
  return skopeo_inspect("docker://" + host() + "/" + repo_and_ref, extra);
}

int TestRegistry::delete_manifest(const std::string& repo, const std::string& digest) const {
  Headers headers;
  const auto auth = authorization("repository:" + repo + ":*");
  if (!auth.empty()) headers.emplace_back("Authorization", auth);
  return http_request(port_, make_request("DELETE", "/v2/" + repo + "/manifests/" + digest, headers),
                      options_.tls)
      .status;
}

std::string TestRegistry::log() const {
  std::ifstream in(dir_.path() / "registry.log");
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace regscand::testing
