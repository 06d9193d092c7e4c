// A blocking OCI distribution client for one configured registry, used from worker threads (one client per
// thread: not thread-safe). Resolves manifests by tag or digest and streams blobs, verifying digests; handles
// Basic, static Bearer and token-flow auth, keep-alive, TLS verification, deadlines and byte caps.
//
// Errors: InvalidArgument (bad repository/reference, or an unusable manifest), NotFound (404: callers retry a
// few times, the registry may announce a push before the tag is readable), Unauthenticated (401 after
// authenticating), PermissionDenied (403), FailedPrecondition ("digest mismatch", other 4xx,
// a redirect loop, or a redirect without a usable Location),
// ResourceExhausted (body or header over its cap), DeadlineExceeded, Unavailable (429/5xx after the retries,
// connection and TLS failures, malformed responses).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/base/error.hpp"
#include "config/config.hpp"
#include "scanner/model/digest.hpp"
#include "scanner/registry/catalog.hpp"
#include "scanner/registry/manifest.hpp"
#include "scanner/registry/options.hpp"
#include "scanner/registry/sink.hpp"

namespace regscand::scanner::registry {

class Session;

struct ManifestHead {
  Digest digest;           // of `body` (sha256, or the algorithm of the digest asked for)
  std::string media_type;  // Content-Type essence, else the JSON mediaType
  ManifestKind kind = ManifestKind::OciManifest;
  std::uint64_t size = 0;  // bytes of `body`
  std::string body;        // at most ClientOptions::max_manifest_bytes
  // Docker schema 1: callers report it as unsupported. Its digest is not verified (the registry's digest of a
  // signed schema 1 manifest covers the payload without signatures): `digest` is the one asked for, else the
  // registry's Docker-Content-Digest, else that of the body.
  bool schema1 = false;
};

class RegistryClient {
 public:
  // InvalidArgument for an unusable url or ca_file.
  [[nodiscard]] static Result<RegistryClient> create(const config::RegistryConfig& registry,
                                                     ClientOptions options = {});
  RegistryClient(RegistryClient&&) noexcept;
  RegistryClient& operator=(RegistryClient&&) noexcept;
  ~RegistryClient();

  // GET /v2/<repository>/manifests/<reference> (a tag or a digest). The body's digest must equal `reference`
  // when that is a digest, and the Docker-Content-Digest header when present; else "digest mismatch".
  [[nodiscard]] Result<ManifestHead> resolve_manifest(std::string_view repository,
                                                      std::string_view reference);

  // One page of GET /v2/_catalog?n=<page_size> (token scope registry:catalog:*), or of `next`, the target
  // a previous page named. The page's Link header must stay on the registry's origin and path, else
  // InvalidArgument ("Link points to another host"); a body that is not the catalog JSON, or over
  // ClientOptions::max_list_bytes, is InvalidArgument / ResourceExhausted.
  [[nodiscard]] Result<NamePage> list_repositories(std::size_t page_size, std::string_view next = {});

  // One page of GET /v2/<repository>/tags/list?n=<page_size> (or of `next`), as list_repositories.
  [[nodiscard]] Result<NamePage> list_tags(std::string_view repository, std::size_t page_size,
                                           std::string_view next = {});

  // Streams blob `digest` of `repository` into `sink`, following redirects (to other hosts without the
  // registry's credentials), at most `max_bytes`, and checks the digest of what arrived at the end ("digest
  // mismatch"). On error the sink has received partial data to be thrown away.
  [[nodiscard]] Result<void> fetch_blob(std::string_view repository, const Digest& digest, ByteSink& sink,
                                        std::uint64_t max_bytes);

  // TCP connections opened to the registry so far (tests: keep-alive reuse).
  unsigned registry_connections_for_test() const;

 private:
  explicit RegistryClient(std::unique_ptr<Session> session);
  std::unique_ptr<Session> session_;
};

}  // namespace regscand::scanner::registry
