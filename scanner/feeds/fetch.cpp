#include "scanner/feeds/fetch.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>
#include <vector>

#include "config/base/percent.hpp"
#include "scanner/registry/auth.hpp"
#include "scanner/registry/connection.hpp"
#include "scanner/registry/retry.hpp"
#include "scanner/registry/sink.hpp"
#include "scanner/registry/tls.hpp"
#include "scanner/registry/url.hpp"

namespace regscand::scanner::feeds {
namespace {

namespace fs = std::filesystem;
using registry::Clock;
using registry::Headers;
using registry::HttpConnection;
using registry::ResponseHead;
using registry::Url;

// Bodies of redirects and error answers are read this far, then the connection is dropped.
constexpr std::uint64_t kMaxDiscardBytes = 64 * 1024;

std::unexpected<Error> prefixed(std::string_view where, Error error) {
  error.message.insert(0, where);
  return std::unexpected(std::move(error));
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = text[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != prefix[i]) return false;
  }
  return true;
}

// User info as written in a source URL: "%40" -> "@"; a malformed escape leaves the text as it is.
std::string lenient_decode(std::string_view text) {
  return text::percent_decode(text).value_or(std::string(text));
}

// The URL to request and the Basic credentials its user info carried.
struct Target {
  Url url;
  std::optional<std::string> authorization;
};

Result<Target> parse_target(std::string_view text) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return fail(ErrorCode::InvalidArgument, "url: not absolute");
  const auto start = sep + 3;
  const auto end = text.find_first_of("/?#", start);
  const auto authority = text.substr(start, end == std::string_view::npos ? end : end - start);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) {
    auto url = registry::parse_url(text);
    if (!url) return std::unexpected(std::move(url).error());
    return Target{std::move(*url), std::nullopt};
  }
  const auto userinfo = authority.substr(0, at);
  const auto colon = userinfo.find(':');
  const auto user = lenient_decode(userinfo.substr(0, colon));
  const auto password =
      colon == std::string_view::npos ? std::string() : lenient_decode(userinfo.substr(colon + 1));
  auto url =
      registry::parse_url(std::string(text.substr(0, start)) + std::string(text.substr(start + at + 1)));
  if (!url) return std::unexpected(std::move(url).error());
  return Target{std::move(*url), registry::basic_authorization(user, password)};
}

// A redirect target as messages may show it: no query (presigned URLs carry credentials there).
std::string shown_url(const Url& url) {
  std::string out = url.origin.to_string() + std::string(url.path());
  if (url.target.size() > url.path().size()) out += "?<redacted>";
  return out;
}

bool is_retryable(unsigned status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

bool is_redirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

ErrorCode code_for(unsigned status) {
  if (status == 401) return ErrorCode::Unauthenticated;
  if (status == 403) return ErrorCode::PermissionDenied;
  if (status == 404 || status == 410) return ErrorCode::NotFound;
  return ErrorCode::Unavailable;
}

// The last path segment reduced to [A-Za-z0-9._-], at most 64 characters: the temp file's suffix, so
// messages about the file still say "all.zip".
std::string safe_name(std::string_view path) {
  std::string out;
  for (const char c : path.substr(path.rfind('/') + 1)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    out.push_back(ok ? c : '_');
    if (out.size() == 64) break;
  }
  return out.empty() ? std::string("body") : out;
}

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// Writes to an open file descriptor, which it closes.
class FileSink final : public registry::ByteSink {
 public:
  FileSink(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  [[nodiscard]] Result<void> write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const auto n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(ErrorCode::Unavailable, "writing " + path_.string() + ": " + errno_text(errno));
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }

  [[nodiscard]] Result<void> finish() {
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0)
      return fail(ErrorCode::Unavailable, "writing " + path_.string() + ": " + errno_text(errno));
    return {};
  }

 private:
  int fd_;
  fs::path path_;
};

class Download {
 public:
  Download(const FetchOptions& options, const Validators& known, Target target)
      : options_(options),
        known_(known),
        limits_{options.connect_timeout, options.read_timeout, 64 * 1024, options.stop},
        authorization_(std::move(target.authorization)),
        credentials_origin_(target.url.origin),
        start_(std::move(target.url)) {}

  Result<FetchResult> run(std::string shown) {
    Url url = start_;
    for (unsigned redirects = 0;;) {
      auto reply = get(url, shown);
      if (!reply) return std::unexpected(std::move(reply).error());
      const auto status = reply->head.status;
      if (is_redirect(status)) {
        const auto location = reply->head.header("Location");
        const std::string value = location ? std::string(*location) : std::string();
        reply->connection->discard_body(kMaxDiscardBytes, reply->deadline);
        if (value.empty()) {
          return fail(ErrorCode::Unavailable,
                      "GET " + shown + ": HTTP " + std::to_string(status) + " without a Location");
        }
        if (++redirects > options_.max_redirects) {
          return fail(ErrorCode::Unavailable, "GET " + shown + ": more than " +
                                                  std::to_string(options_.max_redirects) + " redirects");
        }
        auto next = registry::resolve_location(url, value);
        if (!next) return prefixed("GET " + shown + ": redirect: ", std::move(next).error());
        if (url.origin.tls() && !next->origin.tls()) {
          return fail(ErrorCode::FailedPrecondition,
                      "GET " + shown + ": refusing the redirect from https to " + shown_url(*next));
        }
        spdlog::debug("feeds: GET {}: HTTP {}, redirected to {}", shown, status, shown_url(*next));
        url = std::move(*next);
        shown = shown_url(url);
        continue;
      }
      if (status == 304 && !known_.empty()) {
        reply->connection->discard_body(kMaxDiscardBytes, reply->deadline);
        return FetchResult{true, std::nullopt};
      }
      if (status != 200) {
        reply->connection->discard_body(kMaxDiscardBytes, reply->deadline);
        return fail(code_for(status), "GET " + shown + ": HTTP " + std::to_string(status));
      }
      return save(*reply, url, shown);
    }
  }

 private:
  struct Reply {
    ResponseHead head;
    HttpConnection* connection;  // the body is pending here
    Clock::time_point deadline;
  };

  Result<HttpConnection*> connection_for(const registry::Origin& origin) {
    if (origin.tls() && !tls_) {
      auto tls = registry::TlsContext::create(options_.ca_file, true);
      if (!tls) return std::unexpected(std::move(tls).error());
      tls_ = std::move(*tls);
    }
    if (!connection_ || !(connection_->origin() == origin)) {
      connection_ = std::make_unique<HttpConnection>(origin, tls_.get(), limits_);
    }
    return connection_.get();
  }

  Headers headers_for(const Url& url, const std::string& shown) {
    Headers headers{{"User-Agent", options_.user_agent}, {"Accept", "*/*"}};
    if (!known_.etag.empty()) headers.emplace_back("If-None-Match", known_.etag);
    if (!known_.last_modified.empty()) headers.emplace_back("If-Modified-Since", known_.last_modified);
    // Credentials go to the origin they were given for, never to a redirect target elsewhere.
    if (authorization_ && url.origin == credentials_origin_) {
      if (!url.origin.tls() && !warned_) {
        spdlog::warn("feeds: {}: sending credentials over plain http", shown);
        warned_ = true;
      }
      headers.emplace_back("Authorization", *authorization_);
    }
    return headers;
  }

  void sleep(std::chrono::milliseconds delay) const {
    if (options_.sleep) {
      options_.sleep(delay);
      return;
    }
    registry::sleep_unless_stopped(delay, options_.stop);
  }

  Result<Reply> get(const Url& url, const std::string& shown) {
    for (unsigned attempt = 1;; ++attempt) {
      const auto deadline = Clock::now() + options_.timeout;
      auto connection = connection_for(url.origin);
      if (!connection) return prefixed("GET " + shown + ": ", std::move(connection).error());
      auto head = (*connection)->send("GET", url.target, headers_for(url, shown), deadline);
      if (!head) return prefixed("GET " + shown + ": ", std::move(head).error());
      spdlog::debug("feeds: GET {} -> {}", shown, head->status);
      if (!is_retryable(head->status)) return Reply{std::move(*head), *connection, deadline};
      std::optional<std::chrono::seconds> retry_after;
      if (const auto value = head->header("Retry-After")) {
        retry_after = registry::parse_retry_after(*value, std::chrono::system_clock::now());
      }
      (*connection)->discard_body(kMaxDiscardBytes, deadline);
      if (attempt >= options_.max_attempts) {
        return fail(ErrorCode::Unavailable, "GET " + shown + ": HTTP " + std::to_string(head->status) +
                                                " after " + std::to_string(attempt) + " attempts");
      }
      const auto delay =
          registry::retry_delay(retry_after, attempt, options_.initial_backoff, options_.max_backoff);
      spdlog::info("feeds: GET {}: HTTP {}, attempt {}/{}, retrying in {} ms", shown, head->status, attempt,
                   options_.max_attempts, delay.count());
      sleep(delay);
    }
  }

  Result<FetchResult> save(Reply& reply, const Url& url, const std::string& shown) {
    Validators validators;
    if (const auto etag = reply.head.header("ETag")) validators.etag = std::string(*etag);
    if (const auto modified = reply.head.header("Last-Modified"))
      validators.last_modified = std::string(*modified);

    fs::path dir = options_.scratch_dir;
    std::error_code ec;
    if (dir.empty()) dir = fs::temp_directory_path(ec);
    if (!ec) fs::create_directories(dir, ec);
    if (ec) {
      reply.connection->close();
      return fail(ErrorCode::Unavailable, "scratch directory " + dir.string() + ": " + ec.message());
    }
    const std::string suffix = "-" + safe_name(url.path());
    const std::string pattern = (dir / "feed-XXXXXX").string() + suffix;
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const int fd = ::mkostemps(buffer.data(), static_cast<int>(suffix.size()), O_CLOEXEC);
    if (fd < 0) {
      const int error = errno;
      reply.connection->close();
      return fail(ErrorCode::Unavailable, "creating a file in " + dir.string() + ": " + errno_text(error));
    }
    FetchedFile file(fs::path(buffer.data()), validators);  // removes the file on every early return
    FileSink sink(fd, file.path());
    auto read = reply.connection->read_body(sink, options_.max_bytes, reply.deadline,
                                            {options_.min_rate, options_.min_rate_window});
    if (!read && read.error().code == ErrorCode::ResourceExhausted) {
      return fail(ErrorCode::ResourceExhausted, "GET " + shown + ": body larger than the limit of " +
                                                    std::to_string(options_.max_bytes) + " bytes");
    }
    if (!read) return prefixed("GET " + shown + ": ", std::move(read).error());
    if (auto closed = sink.finish(); !closed) return std::unexpected(std::move(closed).error());
    return FetchResult{false, std::move(file)};
  }

  const FetchOptions& options_;
  const Validators& known_;
  registry::ConnectionLimits limits_;
  std::optional<std::string> authorization_;
  registry::Origin credentials_origin_;
  Url start_;
  std::unique_ptr<registry::TlsContext> tls_;
  std::unique_ptr<HttpConnection> connection_;
  bool warned_ = false;
};

}  // namespace

FetchedFile::FetchedFile(fs::path path, Validators validators)
    : path_(std::move(path)), validators_(std::move(validators)) {}

FetchedFile::~FetchedFile() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove(path_, ec);
  if (ec) spdlog::warn("feeds: removing {}: {}", path_.string(), ec.message());
}

FetchedFile::FetchedFile(FetchedFile&& other) noexcept
    : path_(std::exchange(other.path_, {})), validators_(std::move(other.validators_)) {}

FetchedFile& FetchedFile::operator=(FetchedFile&& other) noexcept {
  if (this == &other) return *this;
  if (!path_.empty()) {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  path_ = std::exchange(other.path_, {});
  validators_ = std::move(other.validators_);
  return *this;
}

bool is_url_source(std::string_view source) {
  return starts_with_ignoring_case(source, "http://") || starts_with_ignoring_case(source, "https://");
}

std::string redact_source(std::string_view source) {
  if (!is_url_source(source)) return std::string(source);
  std::string out(source);
  const auto start = out.find("://") + 3;
  const auto end = out.find_first_of("/?#", start);
  const auto at = out.substr(start, end == std::string::npos ? end : end - start).rfind('@');
  if (at != std::string::npos) out.replace(start, at, "<redacted>");
  const auto query = out.find_first_of("?#", start);
  if (query != std::string::npos && out[query] == '?') {
    const auto fragment = out.find('#', query);
    out.replace(query + 1, (fragment == std::string::npos ? out.size() : fragment) - query - 1, "<redacted>");
  }
  return out;
}

Result<FetchResult> fetch_feed(std::string_view url, const Validators& known, const FetchOptions& options) {
  std::string shown = redact_source(url);
  auto target = parse_target(url);
  if (!target) return prefixed(shown + ": ", std::move(target).error());
  Download download(options, known, std::move(*target));
  return download.run(std::move(shown));
}

}  // namespace regscand::scanner::feeds
