// A feed URL (http:// or https://, optionally with user:password@ sent as Basic auth) downloaded into a
// temporary file under a scratch directory: the body streams to disk under a byte cap, redirects are followed
// (never from https to http), 429/502/503/504 retried, and the last ETag / Last-Modified asked conditionally,
// a 304 meaning "unchanged". The file is deleted with its FetchedFile, and on every error. Errors name the
// URL as redact_source() shows it. Blocking; uses the HTTP client of scanner/registry.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::scanner::feeds {

// The HTTP validators of a response, kept to ask "changed since?" next time ("" = not sent).
struct Validators {
  std::string etag;
  std::string last_modified;

  bool empty() const { return etag.empty() && last_modified.empty(); }
  friend bool operator==(const Validators&, const Validators&) = default;
};

struct FetchOptions {
  std::filesystem::path scratch_dir;                  // created when missing; "" = the system temp dir
  std::uint64_t max_bytes = std::uint64_t{2} << 30;   // body cap: ResourceExhausted beyond
  unsigned max_redirects = 5;                         // then Unavailable
  unsigned max_attempts = 3;                          // per URL, on 429/502/503/504 (1 = no retry)
  std::chrono::milliseconds connect_timeout{10'000};  // resolve + TCP connect + TLS handshake
  std::chrono::milliseconds read_timeout{60'000};     // idle: longest wait for the next bytes
  std::chrono::milliseconds timeout{60 * 60'000};     // one attempt, start to end of the body
  // The slowest body taken: each window must bring min_rate bytes per second (0 = any rate).
  std::uint64_t min_rate = 10 * 1024;
  std::chrono::milliseconds min_rate_window{60'000};
  std::chrono::milliseconds initial_backoff{1'000};      // doubling between attempts
  std::chrono::milliseconds max_backoff{60'000};         // caps the backoff and any Retry-After
  std::function<void(std::chrono::milliseconds)> sleep;  // empty = sleep, returning early on a stop request
  std::string ca_file;                                   // extra PEM CAs besides the system store
  std::string user_agent = "regscand";
  std::stop_token stop;  // a stop request fails the download in flight (Unavailable "cancelled"): shutdown
};

// A downloaded body on disk, removed when this goes. Move-only.
class FetchedFile {
 public:
  FetchedFile(std::filesystem::path path, Validators validators);
  ~FetchedFile();
  FetchedFile(FetchedFile&& other) noexcept;
  FetchedFile& operator=(FetchedFile&& other) noexcept;
  FetchedFile(const FetchedFile&) = delete;
  FetchedFile& operator=(const FetchedFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const Validators& validators() const { return validators_; }

 private:
  std::filesystem::path path_;
  Validators validators_;
};

struct FetchResult {
  bool not_modified = false;        // the server answered 304 to our validators
  std::optional<FetchedFile> file;  // set unless not_modified
};

// "http://" or "https://" (ASCII case-insensitive).
bool is_url_source(std::string_view source);

// What logs, messages and the database may show of a source: a URL's user info and query are replaced by
// "<redacted>" ("https://<redacted>@host/all.zip"); a path is returned as written.
std::string redact_source(std::string_view source);

// Downloads `url`, asking conditionally with `known` (none when empty). InvalidArgument (bad URL),
// Unavailable (DNS, refused, TLS, truncated body, HTTP 5xx or other, too many redirects), DeadlineExceeded,
// ResourceExhausted (over max_bytes), NotFound (404/410), Unauthenticated (401), PermissionDenied (403),
// FailedPrecondition (a redirect from https to http).
[[nodiscard]] Result<FetchResult> fetch_feed(std::string_view url, const Validators& known,
                                             const FetchOptions& options);

}  // namespace regscand::scanner::feeds
