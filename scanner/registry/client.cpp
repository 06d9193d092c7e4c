#include "scanner/registry/client.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "scanner/model/reference.hpp"
#include "scanner/registry/digester.hpp"
#include "scanner/registry/session.hpp"

namespace regscand::scanner::registry {
namespace {

bool is_redirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// What an unexpected status means for the caller. `what` names the request ("manifest repo:tag").
Error status_error(const Session& session, std::string_view what, unsigned status) {
  const auto code = std::to_string(status);
  const auto where = session.where() + std::string(what) + ": ";
  if (status == 400) return Error{ErrorCode::InvalidArgument, where + "rejected as invalid (HTTP 400)"};
  if (status == 401) {
    return Error{ErrorCode::Unauthenticated,
                 where + "unauthorized with " + session.credentials_description() + " (HTTP 401)"};
  }
  if (status == 403) {
    return Error{ErrorCode::PermissionDenied,
                 where + "forbidden for " + session.credentials_description() + " (HTTP 403)"};
  }
  if (status == 404) return Error{ErrorCode::NotFound, where + "not found (HTTP 404)"};
  if (status == 405 || status == 501)
    return Error{ErrorCode::Unimplemented, where + "not supported (HTTP " + code + ")"};
  if (status == 408 || status >= 500) return Error{ErrorCode::Unavailable, where + "HTTP " + code};
  if (status >= 400) return Error{ErrorCode::FailedPrecondition, where + "HTTP " + code};
  return Error{ErrorCode::Unavailable, where + "unexpected HTTP " + code};
}

// Passes bytes on while hashing and counting them.
class VerifyingSink final : public ByteSink {
 public:
  VerifyingSink(ByteSink& next, Digester digester) : next_(next), digester_(std::move(digester)) {}
  Result<void> write(std::string_view bytes) override {
    digester_.update(bytes);
    return next_.write(bytes);
  }
  Digest finish() { return digester_.finish(); }

 private:
  ByteSink& next_;
  Digester digester_;
};

// One page of a listing at `path` (the registry's base path + "/v2/..."): the first (`next` empty) with
// ?n=<page_size>, or the `next` target a previous page named. `what` names the listing in messages.
Result<NamePage> get_list_page(Session& session, const std::string& path, const std::string& scope,
                               std::string_view what, std::size_t page_size, std::string_view next,
                               Result<std::vector<std::string>> (*parse)(std::string_view)) {
  const auto& options = session.options();
  if (page_size == 0) return fail(ErrorCode::InvalidArgument, session.where() + "page size must be positive");
  std::string target;
  if (next.empty()) {
    target = path + "?n=" + std::to_string(page_size);
  } else {
    target = std::string(next);
    if (std::string_view(target).substr(0, target.find('?')) != path) {
      return fail(ErrorCode::InvalidArgument,
                  session.where() + std::string(what) + ": next page is not " + path);
    }
  }
  const auto deadline = Clock::now() + options.request_timeout;
  auto response = session.get(target, scope, {{"Accept", "application/json"}}, options.request_timeout);
  if (!response) return std::unexpected(std::move(response).error());
  const auto& head = response->head;
  if (head.status != 200) {
    response->connection->discard_body(options.max_error_body_bytes, deadline);
    return std::unexpected(status_error(session, what, head.status));
  }
  std::string next_target;
  for (const auto value : head.headers_named("Link")) {
    auto link = parse_link_next(value);
    if (!link) continue;
    Url here = session.base();
    here.target = target;
    auto url = resolve_location(here, *link);
    if (!url) {
      response->connection->discard_body(options.max_error_body_bytes, deadline);
      return fail(ErrorCode::InvalidArgument,
                  session.where() + std::string(what) + ": unusable Link header: " + url.error().message);
    }
    if (!(url->origin == session.base().origin)) {
      response->connection->discard_body(options.max_error_body_bytes, deadline);
      return fail(ErrorCode::InvalidArgument, session.where() + std::string(what) +
                                                  ": Link points to another host (" +
                                                  url->origin.to_string() + ")");
    }
    if (url->path() != path) {
      response->connection->discard_body(options.max_error_body_bytes, deadline);
      return fail(ErrorCode::InvalidArgument, session.where() + std::string(what) + ": Link leaves " + path);
    }
    next_target = std::move(url->target);
    break;
  }
  StringSink sink(options.max_list_bytes);
  auto read = response->connection->read_body(sink, options.max_list_bytes, deadline);
  if (!read) {
    auto error = std::move(read).error();
    error.message.insert(0, session.where() + std::string(what) + ": ");
    return std::unexpected(std::move(error));
  }
  auto names = parse(sink.data());
  if (!names) return fail(ErrorCode::InvalidArgument, session.where() + names.error().message);
  return NamePage{std::move(*names), std::move(next_target)};
}

Result<std::optional<Digest>> parse_reference(std::string_view reference) {
  if (reference.find(':') != std::string_view::npos) {
    auto digest = Digest::parse(reference);
    if (!digest) return std::unexpected(std::move(digest).error());
    return std::optional<Digest>(std::move(*digest));
  }
  if (!is_valid_tag(reference)) return fail(ErrorCode::InvalidArgument, "invalid tag");
  return std::optional<Digest>();
}

}  // namespace

RegistryClient::RegistryClient(std::unique_ptr<Session> session) : session_(std::move(session)) {}
RegistryClient::RegistryClient(RegistryClient&&) noexcept = default;
RegistryClient& RegistryClient::operator=(RegistryClient&&) noexcept = default;
RegistryClient::~RegistryClient() = default;

Result<RegistryClient> RegistryClient::create(const config::RegistryConfig& registry, ClientOptions options) {
  auto session = Session::create(registry, std::move(options));
  if (!session) return std::unexpected(std::move(session).error());
  return RegistryClient(std::move(*session));
}

unsigned RegistryClient::registry_connections_for_test() const {
  return session_->registry_connects();
}

Result<ManifestHead> RegistryClient::resolve_manifest(std::string_view repository,
                                                      std::string_view reference) {
  auto& session = *session_;
  const auto& options = session.options();
  if (!is_valid_repository(repository)) {
    return fail(ErrorCode::InvalidArgument, session.where() + "invalid repository name");
  }
  auto wanted = parse_reference(reference);
  if (!wanted) {
    return fail(ErrorCode::InvalidArgument,
                session.where() + "invalid manifest reference: " + wanted.error().message);
  }
  const auto what =
      "manifest " + std::string(repository) + (wanted->has_value() ? "@" : ":") + std::string(reference);
  const auto target =
      session.base().target + "/v2/" + std::string(repository) + "/manifests/" + std::string(reference);
  const auto deadline = Clock::now() + options.request_timeout;
  auto response = session.get(target, pull_scope(repository),
                              {{"Accept", std::string(manifest_accept_header())}}, options.request_timeout);
  if (!response) return std::unexpected(std::move(response).error());
  const auto& head = response->head;
  if (head.status != 200) {
    response->connection->discard_body(options.max_error_body_bytes, deadline);
    return std::unexpected(status_error(session, what, head.status));
  }
  StringSink sink(options.max_manifest_bytes);
  auto read = response->connection->read_body(sink, options.max_manifest_bytes, deadline);
  if (!read) {
    auto error = std::move(read).error();
    if (error.code == ErrorCode::ResourceExhausted) {
      error.message = what + ": larger than " + std::to_string(options.max_manifest_bytes) + " bytes (" +
                      error.message + ")";
    } else {
      error.message = what + ": " + error.message;
    }
    error.message.insert(0, session.where());
    return std::unexpected(std::move(error));
  }
  std::string body = std::move(sink).take();

  auto shape = detect_manifest(head.header("Content-Type").value_or(""), body);
  if (!shape) return fail(ErrorCode::InvalidArgument, session.where() + what + ": " + shape.error().message);

  std::optional<Digest> announced;
  if (const auto value = head.header("Docker-Content-Digest")) {
    auto parsed = Digest::parse(*value);
    if (parsed) {
      announced = std::move(*parsed);
    } else {
      spdlog::warn("{}{}: ignoring a malformed Docker-Content-Digest header", session.where(), what);
    }
  }
  const auto& want = *wanted;
  auto computed = digest_of(want ? want->algorithm() : std::string_view("sha256"), body);
  if (!computed) return std::unexpected(std::move(computed).error());
  Digest digest = *computed;
  if (shape->is_schema1()) {
    digest = want ? *want : announced ? *announced : *computed;
  } else {
    if (want && *computed != *want) {
      return fail(ErrorCode::FailedPrecondition,
                  session.where() + what + ": digest mismatch: the body hashes to " + computed->str());
    }
    if (announced) {
      auto check = digest_of(announced->algorithm(), body);
      if (check && *check != *announced) {
        return fail(ErrorCode::FailedPrecondition,
                    session.where() + what + ": digest mismatch: Docker-Content-Digest is " +
                        announced->str() + " but the body hashes to " + check->str());
      }
    }
  }
  ManifestHead result{std::move(digest), shape->media_type, shape->kind,
                      body.size(),       std::move(body),   shape->is_schema1()};
  return result;
}

Result<NamePage> RegistryClient::list_repositories(std::size_t page_size, std::string_view next) {
  auto& session = *session_;
  return get_list_page(session, session.base().target + "/v2/_catalog", catalog_scope(), "catalog", page_size,
                       next, &parse_repository_list);
}

Result<NamePage> RegistryClient::list_tags(std::string_view repository, std::size_t page_size,
                                           std::string_view next) {
  auto& session = *session_;
  if (!is_valid_repository(repository)) {
    return fail(ErrorCode::InvalidArgument, session.where() + "invalid repository name");
  }
  return get_list_page(session, session.base().target + "/v2/" + std::string(repository) + "/tags/list",
                       pull_scope(repository), "tags list " + std::string(repository), page_size, next,
                       &parse_tag_list);
}

Result<void> RegistryClient::fetch_blob(std::string_view repository, const Digest& digest, ByteSink& sink,
                                        std::uint64_t max_bytes) {
  auto& session = *session_;
  const auto& options = session.options();
  if (!is_valid_repository(repository)) {
    return fail(ErrorCode::InvalidArgument, session.where() + "invalid repository name");
  }
  const auto what = "blob " + std::string(repository) + "@" + digest.str();
  const auto scope = pull_scope(repository);
  const auto deadline = Clock::now() + options.blob_timeout;
  Url url = session.base();
  url.target += "/v2/" + std::string(repository) + "/blobs/" + digest.str();
  auto response = session.get(url.target, scope, {}, options.blob_timeout);
  for (unsigned redirects = 0; response && is_redirect(response->head.status); ++redirects) {
    const auto location = response->head.header("Location");
    if (!location || redirects == options.max_redirects) {
      response->connection->discard_body(options.max_error_body_bytes, deadline);
      return fail(
          ErrorCode::FailedPrecondition,
          session.where() + what + (location ? ": too many redirects" : ": redirect without Location"));
    }
    auto next = resolve_location(url, *location);
    response->connection->discard_body(options.max_error_body_bytes, deadline);
    if (!next)
      return fail(ErrorCode::FailedPrecondition,
                  session.where() + what + ": bad redirect: " + next.error().message);
    url = std::move(*next);
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0)
      return fail(ErrorCode::DeadlineExceeded, session.where() + what + ": deadline exceeded");
    // Credentials go to the registry's own origin only.
    response = url.origin == session.base().origin ? session.get(url.target, scope, {}, remaining)
                                                   : session.get_external(url, {}, remaining);
  }
  if (!response) return std::unexpected(std::move(response).error());
  if (response->head.status != 200) {
    response->connection->discard_body(options.max_error_body_bytes, deadline);
    return std::unexpected(status_error(session, what, response->head.status));
  }
  auto digester = Digester::create(digest.algorithm());
  if (!digester) return std::unexpected(std::move(digester).error());
  VerifyingSink verifying(sink, std::move(*digester));
  auto read = response->connection->read_body(verifying, max_bytes, deadline,
                                              {options.blob_min_rate, options.blob_rate_window});
  if (!read) {
    auto error = std::move(read).error();
    if (error.code == ErrorCode::DeadlineExceeded && Clock::now() >= deadline) {
      const auto ms = options.blob_timeout.count();
      error.message = "not complete within the blob timeout of " +
                      (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms");
    }
    error.message.insert(0, session.where() + what + ": ");
    return std::unexpected(std::move(error));
  }
  const auto got = verifying.finish();
  if (got != digest) {
    return fail(ErrorCode::FailedPrecondition,
                session.where() + what + ": digest mismatch: the body hashes to " + got.str());
  }
  return {};
}

}  // namespace regscand::scanner::registry
