// RegistryClient against scripted in-process HTTP servers: what a real registry will not do on demand
// (wrong bytes, 429s, stalls, malformed HTTP, token endpoints that misbehave).
#include "scanner/registry/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>

#include "config/base/sha256.hpp"
#include "scanner/registry/auth.hpp"
#include "tests/support/registry.hpp"

namespace regscand::scanner::registry {
namespace {

using namespace std::chrono_literals;
using testing::FakeExchange;
using testing::FakeHttpServer;

const std::string kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
    std::string(64, 'a') + R"(","size":2},"layers":[]})";
const std::string kManifestDigest = "sha256:" + sha256_hex(kManifest);

config::RegistryConfig registry_config(const FakeHttpServer& server) {
  config::RegistryConfig config;
  config.name = "fake";
  config.url = server.url();
  return config;
}

ClientOptions fast_options(std::vector<std::chrono::milliseconds>* sleeps = nullptr) {
  ClientOptions options;
  options.connect_timeout = 2s;
  options.read_timeout = 2s;
  options.request_timeout = 10s;
  options.sleep = [sleeps](std::chrono::milliseconds d) {
    if (sleeps != nullptr) sleeps->push_back(d);
  };
  return options;
}

RegistryClient make_client(const config::RegistryConfig& config, ClientOptions options = fast_options()) {
  auto client = RegistryClient::create(config, std::move(options));
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

void serve_manifest(FakeExchange& exchange, const std::string& body = kManifest,
                    const std::string& digest_header = kManifestDigest) {
  testing::HeaderList headers{{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}};
  if (!digest_header.empty()) headers.emplace_back("Docker-Content-Digest", digest_header);
  exchange.respond(200, headers, body);
}

TEST(RegistryClient, ResolvesByTagOverOneKeptAliveConnection) {
  FakeHttpServer server([](FakeExchange& exchange) {
    if (exchange.request().path() != "/v2/team/app/manifests/v1") return exchange.respond(404);
    serve_manifest(exchange);
  });
  auto client = make_client(registry_config(server));
  for (int i = 0; i < 3; ++i) {
    auto head = client.resolve_manifest("team/app", "v1");
    ASSERT_TRUE(head) << head.error().message;
    EXPECT_EQ(head->digest.str(), kManifestDigest);
    EXPECT_EQ(head->media_type, kOciManifest);
    EXPECT_EQ(head->kind, ManifestKind::OciManifest);
    EXPECT_EQ(head->body, kManifest);
    EXPECT_EQ(head->size, kManifest.size());
    EXPECT_FALSE(head->schema1);
  }
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(client.registry_connections_for_test(), 1u);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  const auto accept = requests[0].header("Accept").value_or("");
  EXPECT_NE(accept.find("application/vnd.oci.image.index.v1+json"), std::string::npos);
  EXPECT_NE(accept.find("application/vnd.docker.distribution.manifest.v1+prettyjws"), std::string::npos);
  EXPECT_FALSE(requests[0].header("Authorization"));
}

TEST(RegistryClient, ResolvesByDigest) {
  FakeHttpServer server([](FakeExchange& exchange) { serve_manifest(exchange, kManifest, ""); });
  auto client = make_client(registry_config(server));
  auto head = client.resolve_manifest("app", kManifestDigest);
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(head->digest.str(), kManifestDigest);
  EXPECT_EQ(server.requests().at(0).path(), "/v2/app/manifests/" + kManifestDigest);
}

TEST(RegistryClient, BodyThatDoesNotHashToTheRequestedDigestIsRefused) {
  FakeHttpServer server([](FakeExchange& exchange) { serve_manifest(exchange, kManifest, ""); });
  auto client = make_client(registry_config(server));
  const auto other = "sha256:" + std::string(64, 'b');
  auto head = client.resolve_manifest("app", other);
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::FailedPrecondition);
  EXPECT_NE(head.error().message.find("digest mismatch"), std::string::npos) << head.error().message;
  EXPECT_NE(head.error().message.find(kManifestDigest), std::string::npos) << head.error().message;
}

TEST(RegistryClient, DockerContentDigestMustMatchTheBody) {
  const auto wrong = "sha256:" + std::string(64, 'c');
  FakeHttpServer server([&](FakeExchange& exchange) { serve_manifest(exchange, kManifest, wrong); });
  auto client = make_client(registry_config(server));
  auto head = client.resolve_manifest("app", "latest");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::FailedPrecondition);
  EXPECT_NE(head.error().message.find("Docker-Content-Digest"), std::string::npos) << head.error().message;
}

TEST(RegistryClient, MissingManifestIsNotFound) {
  FakeHttpServer server([](FakeExchange& exchange) {
    exchange.respond(404, {{"Content-Type", "application/json"}},
                     R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})");
  });
  auto client = make_client(registry_config(server));
  auto head = client.resolve_manifest("app", "nope");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::NotFound);
  EXPECT_NE(head.error().message.find("registry fake: manifest app:nope"), std::string::npos)
      << head.error().message;
  // The error body was drained: the connection stays usable.
  EXPECT_FALSE(client.resolve_manifest("app", "nope"));
  EXPECT_EQ(server.connections(), 1u);
}

TEST(RegistryClient, InvalidNamesNeverReachTheNetwork) {
  FakeHttpServer server([](FakeExchange& exchange) { serve_manifest(exchange); });
  auto client = make_client(registry_config(server));
  for (const auto& [repo, ref] :
       std::vector<std::pair<std::string, std::string>>{{"../etc", "v1"},
                                                        {"App", "v1"},
                                                        {"app", "../../x"},
                                                        {"app", "v1?x=y"},
                                                        {"app", "sha256:abc"},
                                                        {"app", ""},
                                                        {"", "v1"},
                                                        {"app", "md5:" + std::string(32, 'a')}}) {
    auto head = client.resolve_manifest(repo, ref);
    ASSERT_FALSE(head) << repo << " " << ref;
    EXPECT_EQ(head.error().code, ErrorCode::InvalidArgument) << repo << " " << ref;
  }
  EXPECT_TRUE(server.requests().empty());
}

TEST(RegistryClient, HonoursRetryAfterOn429ThenSucceeds) {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](FakeExchange& exchange) {
    if (++calls <= 2) return exchange.respond(429, {{"Retry-After", "7"}}, "slow down");
    serve_manifest(exchange);
  });
  std::vector<std::chrono::milliseconds> sleeps;
  auto client = make_client(registry_config(server), fast_options(&sleeps));
  auto head = client.resolve_manifest("app", "v1");
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(sleeps, (std::vector<std::chrono::milliseconds>{7s, 7s}));
}

TEST(RegistryClient, RetryAfterIsCappedAndBackoffDoublesThenUnavailable) {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](FakeExchange& exchange) {
    ++calls;
    if (calls == 1) return exchange.respond(503, {{"Retry-After", "86400"}});
    exchange.respond(503);
  });
  std::vector<std::chrono::milliseconds> sleeps;
  auto options = fast_options(&sleeps);
  options.max_attempts = 4;
  options.initial_backoff = 100ms;
  options.max_backoff = 60s;
  auto client = make_client(registry_config(server), options);
  auto head = client.resolve_manifest("app", "v1");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::Unavailable);
  EXPECT_NE(head.error().message.find("HTTP 503 after 4 attempts"), std::string::npos)
      << head.error().message;
  EXPECT_EQ(calls.load(), 4);
  EXPECT_EQ(sleeps, (std::vector<std::chrono::milliseconds>{60s, 200ms, 400ms}));
}

TEST(RegistryClient, RetriesReallySleep) {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](FakeExchange& exchange) {
    if (++calls == 1) return exchange.respond(429, {{"Retry-After", "1"}});
    serve_manifest(exchange);
  });
  auto options = fast_options();
  options.sleep = nullptr;  // the default: std::this_thread::sleep_for
  auto client = make_client(registry_config(server), options);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.resolve_manifest("app", "v1"));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);
}

TEST(RegistryClient, ManifestAnnouncedOverTheCapIsRefusedUnread) {
  FakeHttpServer server([](FakeExchange& exchange) {
    const std::string head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"
        "Content-Length: " +
        std::to_string(5 * 1024 * 1024) + "\r\n\r\n";
    exchange.write(head);
    exchange.write(std::string(64 * 1024, ' '));
    exchange.sleep(10s);
  });
  auto client = make_client(registry_config(server));
  const auto start = std::chrono::steady_clock::now();
  auto head = client.resolve_manifest("app", "big");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::ResourceExhausted);
  EXPECT_NE(head.error().message.find("larger than 4194304 bytes"), std::string::npos)
      << head.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(RegistryClient, EndlessChunkedManifestIsCutAtTheCap) {
  FakeHttpServer server([](FakeExchange& exchange) {
    exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
    while (exchange.write(chunk)) {
    }
  });
  auto client = make_client(registry_config(server));
  auto head = client.resolve_manifest("app", "endless");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::ResourceExhausted);
}

TEST(RegistryClient, StalledBodyHitsTheIdleReadTimeout) {
  FakeHttpServer server([](FakeExchange& exchange) {
    exchange.write(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"schema");
    exchange.sleep(30s);
  });
  auto options = fast_options();
  options.read_timeout = 300ms;
  auto client = make_client(registry_config(server), options);
  const auto start = std::chrono::steady_clock::now();
  auto head = client.resolve_manifest("app", "stall");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::DeadlineExceeded) << head.error().message;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 3s);
}

TEST(RegistryClient, SlowDripIsCutByTheRequestDeadline) {
  FakeHttpServer server([](FakeExchange& exchange) {
    exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    while (exchange.write("1\r\n \r\n") && exchange.sleep(50ms)) {
    }
  });
  auto options = fast_options();
  options.read_timeout = 1s;
  options.request_timeout = 1500ms;
  auto client = make_client(registry_config(server), options);
  const auto start = std::chrono::steady_clock::now();
  auto head = client.resolve_manifest("app", "drip");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::DeadlineExceeded) << head.error().message;
  EXPECT_NE(head.error().message.find("deadline exceeded"), std::string::npos) << head.error().message;
  EXPECT_LT(elapsed, 4s);
}

TEST(RegistryClient, SilentServerHitsTheHeaderTimeout) {
  FakeHttpServer server([](FakeExchange& exchange) { exchange.sleep(30s); });
  auto options = fast_options();
  options.read_timeout = 300ms;
  auto client = make_client(registry_config(server), options);
  auto head = client.resolve_manifest("app", "v1");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::DeadlineExceeded);
}

TEST(RegistryClient, HugeHeadersAreRefused) {
  FakeHttpServer server([](FakeExchange& exchange) {
    exchange.write("HTTP/1.1 200 OK\r\n");
    for (int i = 0;
         i < 2000 && exchange.write("X-Filler-" + std::to_string(i) + ": " + std::string(100, 'f') + "\r\n");
         ++i) {
    }
    exchange.write("\r\n");
  });
  auto client = make_client(registry_config(server));
  auto head = client.resolve_manifest("app", "v1");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::ResourceExhausted);
  EXPECT_NE(head.error().message.find("header"), std::string::npos) << head.error().message;
}

TEST(RegistryClient, MalformedHttpIsUnavailable) {
  for (const std::string& raw :
       {std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n"),
        std::string("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n"),
        std::string("SSH-2.0-OpenSSH\r\n\r\n"),
        std::string("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"a\"")}) {
    FakeHttpServer server([&](FakeExchange& exchange) {
      exchange.write(raw);
      exchange.close();
    });
    auto client = make_client(registry_config(server));
    auto head = client.resolve_manifest("app", "v1");
    ASSERT_FALSE(head) << raw;
    EXPECT_EQ(head.error().code, ErrorCode::Unavailable) << raw << ": " << head.error().message;
  }
}

TEST(RegistryClient, GarbageManifestIsInvalid) {
  FakeHttpServer server([](FakeExchange& exchange) {
    exchange.respond(200, {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}},
                     "<html>hi</html>");
  });
  auto client = make_client(registry_config(server));
  auto head = client.resolve_manifest("app", "v1");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::InvalidArgument);
  EXPECT_NE(head.error().message.find("manifest"), std::string::npos);
}

TEST(RegistryClient, Schema1IsReportedNotVerified) {
  const std::string body = R"({"schemaVersion":1,"name":"app","tag":"old","fsLayers":[],"signatures":[]})";
  const auto announced = "sha256:" + std::string(64, 'd');
  FakeHttpServer server([&](FakeExchange& exchange) {
    exchange.respond(200,
                     {{"Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws"},
                      {"Docker-Content-Digest", announced}},
                     body);
  });
  auto client = make_client(registry_config(server));
  auto head = client.resolve_manifest("app", "old");
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_TRUE(head->schema1);
  EXPECT_EQ(head->kind, ManifestKind::DockerSchema1);
  EXPECT_EQ(head->digest.str(), announced);
}

TEST(RegistryClient, ReconnectsWhenTheServerDroppedTheKeptAliveConnection) {
  FakeHttpServer server([](FakeExchange& exchange) {
    serve_manifest(exchange);
    exchange.close();  // after the response, without announcing it
  });
  auto client = make_client(registry_config(server));
  ASSERT_TRUE(client.resolve_manifest("app", "v1"));
  std::this_thread::sleep_for(100ms);
  auto again = client.resolve_manifest("app", "v1");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(RegistryClient, ConnectionRefusedIsUnavailable) {
  config::RegistryConfig config;
  config.name = "gone";
  {
    FakeHttpServer server([](FakeExchange&) {});
    config.url = server.url();
  }
  auto client = make_client(config);
  auto head = client.resolve_manifest("app", "v1");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::Unavailable);
  EXPECT_NE(head.error().message.find("registry gone: "), std::string::npos) << head.error().message;
}

// ---- authentication ----

struct TokenFlow {
  explicit TokenFlow(bool require_basic) : require_basic(require_basic) {}
  bool require_basic;
  std::atomic<int> issued{0};
  std::mutex mutex;
  std::set<std::string> accepted;  // tokens the registry takes

  FakeHttpServer tokens{[this](FakeExchange& exchange) {
    if (require_basic && exchange.request().header("Authorization") != basic_authorization("ci", "s3cret")) {
      return exchange.respond(401, {}, R"({"details":"no"})");
    }
    const auto scope = exchange.request().query_values("scope");
    const auto token = "tok-" + std::to_string(++issued) + "-" + (scope.empty() ? "" : scope[0]);
    {
      std::lock_guard lock(mutex);
      accepted.insert(token);
    }
    exchange.respond(200, {{"Content-Type", "application/json"}},
                     R"({"token":")" + token + R"(","expires_in":300})");
  }};
  FakeHttpServer registry{[this](FakeExchange& exchange) {
    const auto auth = exchange.request().header("Authorization").value_or("");
    bool ok = false;
    {
      std::lock_guard lock(mutex);
      ok = auth.starts_with("Bearer ") && accepted.contains(auth.substr(7));
    }
    if (!ok) {
      const auto repo =
          exchange.request().path().substr(4, exchange.request().path().find("/manifests/") - 4);
      return exchange.respond(
          401, {{"WWW-Authenticate", "Bearer realm=\"" + tokens.url() +
                                         "/token\",service=\"fake-registry\",scope=\"repository:" + repo +
                                         ":pull\""}});
    }
    serve_manifest(exchange);
  }};
};

TEST(RegistryClient, TokenFlowFetchesCachesAndScopesTokens) {
  TokenFlow flow(/*require_basic=*/true);
  auto config = registry_config(flow.registry);
  config.auth.type = config::RegistryAuthType::Basic;
  config.auth.username = "ci";
  config.auth.password = "s3cret";
  auto client = make_client(config);
  auto head = client.resolve_manifest("team/app", "v1");
  ASSERT_TRUE(head) << head.error().message;
  ASSERT_TRUE(client.resolve_manifest("team/app", "v2"));  // cached token: no new token request

  auto token_requests = flow.tokens.requests();
  ASSERT_EQ(token_requests.size(), 1u);
  EXPECT_EQ(token_requests[0].path(), "/token");
  EXPECT_EQ(token_requests[0].query_values("service"), std::vector<std::string>{"fake-registry"});
  EXPECT_EQ(token_requests[0].query_values("scope"), std::vector<std::string>{"repository:team/app:pull"});
  const auto registry_requests = flow.registry.requests();
  ASSERT_EQ(registry_requests.size(),
            3u);  // 401, retry with the token, second manifest with the cached token
  EXPECT_FALSE(registry_requests[0].header("Authorization"));
  EXPECT_TRUE(registry_requests[2].header("Authorization")->starts_with("Bearer tok-1-"));

  // Another repository: its token is fetched up front, without another 401 round trip.
  ASSERT_TRUE(client.resolve_manifest("other", "v1"));
  token_requests = flow.tokens.requests();
  ASSERT_EQ(token_requests.size(), 2u);
  EXPECT_EQ(token_requests[1].query_values("scope"), std::vector<std::string>{"repository:other:pull"});
  EXPECT_EQ(flow.registry.requests().size(), 4u);
}

TEST(RegistryClient, TokenIsFetchedAgainAfterALater401) {
  TokenFlow flow(/*require_basic=*/false);
  auto client = make_client(registry_config(flow.registry));
  ASSERT_TRUE(client.resolve_manifest("app", "v1"));
  {
    std::lock_guard lock(flow.mutex);
    flow.accepted.clear();  // the registry revokes every token
  }
  auto head = client.resolve_manifest("app", "v1");
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(flow.issued.load(), 2);
  EXPECT_FALSE(flow.tokens.requests()[0].header("Authorization"));  // anonymous token request
}

TEST(RegistryClient, TokenEndpointRefusingCredentialsIsUnauthenticated) {
  TokenFlow flow(/*require_basic=*/true);
  auto config = registry_config(flow.registry);
  config.auth.type = config::RegistryAuthType::Basic;
  config.auth.username = "ci";
  config.auth.password = "wrong-password";
  auto client = make_client(config);
  auto head = client.resolve_manifest("app", "v1");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::Unauthenticated);
  EXPECT_NE(head.error().message.find("basic auth as ci"), std::string::npos) << head.error().message;
  EXPECT_EQ(head.error().message.find("wrong-password"), std::string::npos);
}

TEST(RegistryClient, TokenEndpointGarbageIsAClearError) {
  for (const std::string& body : {std::string("<html>oops</html>"), std::string(R"({"token":""})"),
                                  std::string(R"({"token":"a\r\nb"})"), std::string(200 * 1024, '{')}) {
    FakeHttpServer tokens([&](FakeExchange& exchange) { exchange.respond(200, {}, body); });
    FakeHttpServer registry([&](FakeExchange& exchange) {
      exchange.respond(401,
                       {{"WWW-Authenticate", "Bearer realm=\"" + tokens.url() + "/token\",service=\"s\""}});
    });
    auto client = make_client(registry_config(registry));
    auto head = client.resolve_manifest("app", "v1");
    ASSERT_FALSE(head);
    EXPECT_TRUE(head.error().code == ErrorCode::Unavailable ||
                head.error().code == ErrorCode::ResourceExhausted)
        << head.error().message;
    EXPECT_NE(head.error().message.find("token endpoint"), std::string::npos) << head.error().message;
  }
}

TEST(RegistryClient, BasicChallengeIsAnsweredWithConfiguredCredentials) {
  const auto good = basic_authorization("alice", "pw");
  FakeHttpServer server([&](FakeExchange& exchange) {
    if (exchange.request().header("Authorization") != good) {
      return exchange.respond(401, {{"WWW-Authenticate", "Basic realm=\"fake\""}});
    }
    serve_manifest(exchange);
  });
  auto config = registry_config(server);
  auto anonymous = make_client(config);
  auto refused = anonymous.resolve_manifest("app", "v1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::Unauthenticated);
  EXPECT_NE(refused.error().message.find("anonymous"), std::string::npos);

  config.auth.type = config::RegistryAuthType::Basic;
  config.auth.username = "alice";
  config.auth.password = "pw";
  auto client = make_client(config);
  ASSERT_TRUE(client.resolve_manifest("app", "v1"));
  ASSERT_TRUE(client.resolve_manifest("app", "v2"));
  // After the first challenge, credentials are sent up front.
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);  // anonymous 401; 401 + retry; preemptive
  EXPECT_EQ(requests[3].header("Authorization"), good);

  config.auth.password = "bad";
  auto wrong = make_client(config);
  auto head = wrong.resolve_manifest("app", "v1");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::Unauthenticated);
}

TEST(RegistryClient, StaticBearerTokenIsSentAndA403IsPermissionDenied) {
  FakeHttpServer server([](FakeExchange& exchange) {
    if (exchange.request().header("Authorization") != "Bearer static-tok") return exchange.respond(401);
    if (exchange.request().path().starts_with("/v2/secret/")) return exchange.respond(403);
    serve_manifest(exchange);
  });
  auto config = registry_config(server);
  config.auth.type = config::RegistryAuthType::Bearer;
  config.auth.token = "static-tok";
  auto client = make_client(config);
  ASSERT_TRUE(client.resolve_manifest("app", "v1"));
  auto denied = client.resolve_manifest("secret", "v1");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::PermissionDenied);
  EXPECT_EQ(denied.error().message.find("static-tok"), std::string::npos);
}

// ---- blobs ----

TEST(RegistryClient, BlobRedirectToAnotherHostCarriesNoCredentials) {
  const std::string blob(300 * 1024, 'z');
  const auto digest = *Digest::parse("sha256:" + sha256_hex(blob));
  FakeHttpServer storage([&](FakeExchange& exchange) { exchange.respond(200, {}, blob); });
  FakeHttpServer registry([&](FakeExchange& exchange) {
    if (exchange.request().header("Authorization") != basic_authorization("u", "p")) {
      return exchange.respond(401, {{"WWW-Authenticate", "Basic realm=\"r\""}});
    }
    exchange.respond(307, {{"Location", storage.url() + "/bucket/blob?X-Signature=secret"}});
  });
  auto config = registry_config(registry);
  config.auth.type = config::RegistryAuthType::Basic;
  config.auth.username = "u";
  config.auth.password = "p";
  auto client = make_client(config);
  StringSink sink(1 << 20);
  auto fetched = client.fetch_blob("app", digest, sink, 1 << 20);
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(sink.data(), blob);
  const auto storage_requests = storage.requests();
  ASSERT_EQ(storage_requests.size(), 1u);
  EXPECT_EQ(storage_requests[0].target, "/bucket/blob?X-Signature=secret");
  EXPECT_FALSE(storage_requests[0].header("Authorization"));
}

TEST(RegistryClient, BlobDigestMismatchAndSizeCap) {
  const std::string blob = "not what you asked for";
  FakeHttpServer server([&](FakeExchange& exchange) { exchange.respond(200, {}, blob); });
  auto client = make_client(registry_config(server));
  StringSink sink(1 << 20);
  auto mismatch = client.fetch_blob("app", *Digest::parse("sha256:" + std::string(64, 'e')), sink, 1 << 20);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code, ErrorCode::FailedPrecondition);
  EXPECT_NE(mismatch.error().message.find("digest mismatch"), std::string::npos);

  StringSink small(1 << 20);
  auto capped = client.fetch_blob("app", *Digest::parse("sha256:" + sha256_hex(blob)), small, 5);
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error().code, ErrorCode::ResourceExhausted);
}

TEST(RegistryClient, RedirectLoopsEnd) {
  FakeHttpServer server([](FakeExchange& exchange) {
    exchange.respond(302, {{"Location", "/v2/app/blobs/again"}});
  });
  auto client = make_client(registry_config(server));
  StringSink sink(100);
  auto fetched = client.fetch_blob("app", *Digest::parse("sha256:" + std::string(64, 'f')), sink, 100);
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().code, ErrorCode::FailedPrecondition) << "a loop does not end by retrying";
  EXPECT_NE(fetched.error().message.find("too many redirects"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 6u);
}

}  // namespace
}  // namespace regscand::scanner::registry
