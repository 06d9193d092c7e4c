// RegistryClient::list_repositories / list_tags against scripted servers: what docker-registry will not do
// on demand (a Link to another host or path, bad JSON, a body over the cap, a token challenge without a
// scope). Paging against the real registry is in tests/server/jobs/catalog_handler_e2etest.cpp.
#include <gtest/gtest.h>

#include "scanner/registry/client.hpp"
#include "tests/support/registry.hpp"

namespace regscand::scanner::registry {
namespace {

using namespace std::chrono_literals;
using testing::FakeExchange;
using testing::FakeHttpServer;

config::RegistryConfig registry_config(const FakeHttpServer& server) {
  config::RegistryConfig config;
  config.name = "fake";
  config.url = server.url();
  return config;
}

RegistryClient make_client(const config::RegistryConfig& config, std::size_t max_list_bytes = 4 << 20) {
  ClientOptions options;
  options.connect_timeout = 2s;
  options.read_timeout = 2s;
  options.request_timeout = 10s;
  options.max_list_bytes = max_list_bytes;
  options.sleep = [](std::chrono::milliseconds) {};
  auto client = RegistryClient::create(config, std::move(options));
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

void respond_json(FakeExchange& exchange, const std::string& body, const std::string& link = "") {
  testing::HeaderList headers{{"Content-Type", "application/json"}};
  if (!link.empty()) headers.emplace_back("Link", link);
  exchange.respond(200, headers, body);
}

TEST(RegistryCatalog, PagesFollowTheLinkHeader) {
  FakeHttpServer server([](FakeExchange& exchange) {
    const auto& target = exchange.request().target;
    if (target == "/v2/_catalog?n=2") {
      return respond_json(exchange, R"({"repositories":["a","b"]})",
                          R"(</v2/_catalog?last=b&n=2>; rel="next")");
    }
    if (target == "/v2/_catalog?last=b&n=2") return respond_json(exchange, R"({"repositories":["c"]})");
    if (target == "/v2/team/app/tags/list?n=2") {
      return respond_json(exchange, R"({"name":"team/app","tags":["v1","v2"]})",
                          R"(</v2/team/app/tags/list?last=v2&n=2>; rel="next")");
    }
    if (target == "/v2/team/app/tags/list?last=v2&n=2") {
      return respond_json(exchange, R"({"name":"team/app","tags":null})");
    }
    exchange.respond(404);
  });
  auto client = make_client(registry_config(server));
  auto first = client.list_repositories(2);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(first->next, "/v2/_catalog?last=b&n=2");
  auto second = client.list_repositories(2, first->next);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->names, std::vector<std::string>{"c"});
  EXPECT_EQ(second->next, "");

  auto tags = client.list_tags("team/app", 2);
  ASSERT_TRUE(tags) << tags.error().message;
  EXPECT_EQ(tags->names, (std::vector<std::string>{"v1", "v2"}));
  auto rest = client.list_tags("team/app", 2, tags->next);
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_TRUE(rest->names.empty());
  EXPECT_EQ(rest->next, "");
  EXPECT_EQ(server.connections(), 1u);

  auto missing = client.list_tags("nope", 2);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
  EXPECT_NE(missing.error().message.find("tags list nope"), std::string::npos) << missing.error().message;
}

TEST(RegistryCatalog, AbsoluteLinkOnTheSameOriginIsFollowed) {
  std::string base;
  FakeHttpServer server([&](FakeExchange& exchange) {
    if (exchange.request().target == "/v2/_catalog?n=1") {
      return respond_json(exchange, R"({"repositories":["a"]})",
                          "<" + base + "/v2/_catalog?last=a&n=1>; rel=next");
    }
    respond_json(exchange, R"({"repositories":[]})");
  });
  base = server.url();
  auto client = make_client(registry_config(server));
  auto page = client.list_repositories(1);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->next, "/v2/_catalog?last=a&n=1");
}

TEST(RegistryCatalog, LinkToAnotherHostOrPathIsRefused) {
  std::string link;
  FakeHttpServer server(
      [&](FakeExchange& exchange) { respond_json(exchange, R"({"repositories":["a"]})", link); });
  auto client = make_client(registry_config(server));
  for (const std::string& bad : std::vector<std::string>{
           std::string(R"(<http://evil.example/v2/_catalog?last=a>; rel="next")"),
           R"(<//evil.example/v2/_catalog?last=a>; rel="next")",
           "<http://127.0.0.1:" + std::to_string(server.port() == 65535 ? 1 : server.port() + 1) +
               "/v2/_catalog?last=a>; rel=\"next\"",
           "<https://127.0.0.1:" + std::to_string(server.port()) + "/v2/_catalog?last=a>; rel=\"next\""}) {
    link = bad;
    auto page = client.list_repositories(2);
    ASSERT_FALSE(page) << bad;
    EXPECT_EQ(page.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(page.error().message.find("Link points to another host"), std::string::npos)
        << page.error().message;
  }
  for (const std::string& bad :
       std::vector<std::string>{std::string(R"(</v2/other/tags/list?last=a>; rel="next")"),
                                R"(</v2/_catalog/../secret>; rel="next")", R"(<x?last=a>; rel="next")"}) {
    link = bad;
    auto page = client.list_repositories(2);
    ASSERT_FALSE(page) << bad;
    EXPECT_EQ(page.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(page.error().message.find("Link leaves /v2/_catalog"), std::string::npos)
        << page.error().message;
  }
  // A next target that did not come from this listing is refused before any request.
  const auto before = server.requests().size();
  auto forged = client.list_repositories(2, "/v2/team/app/manifests/latest");
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(server.requests().size(), before);
}

TEST(RegistryCatalog, BadJsonAndOversizedPagesAreErrors) {
  std::string body;
  FakeHttpServer server([&](FakeExchange& exchange) { respond_json(exchange, body); });
  auto client = make_client(registry_config(server), 1024);
  for (const std::string& bad : std::vector<std::string>{
           std::string("<html>oops</html>"), R"({"repositories":"a"})", R"({"repositories":[1,2]})", "[]"}) {
    body = bad;
    auto page = client.list_repositories(2);
    ASSERT_FALSE(page) << bad;
    EXPECT_EQ(page.error().code, ErrorCode::InvalidArgument) << page.error().message;
    EXPECT_NE(page.error().message.find("registry fake: catalog"), std::string::npos) << page.error().message;
  }
  body = R"({"repositories":[")" + std::string(2000, 'a') + R"("]})";
  auto big = client.list_repositories(2);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ErrorCode::ResourceExhausted) << big.error().message;
  EXPECT_FALSE(client.list_repositories(0)) << "a page size of 0 is refused";
  EXPECT_FALSE(client.list_tags("../etc", 2)) << "an invalid repository never reaches the network";
}

TEST(RegistryCatalog, TokenFlowAsksForTheCatalogScope) {
  FakeHttpServer tokens([](FakeExchange& exchange) {
    exchange.respond(200, {{"Content-Type", "application/json"}}, R"({"token":"tok","expires_in":300})");
  });
  FakeHttpServer registry([&](FakeExchange& exchange) {
    if (exchange.request().header("Authorization") != "Bearer tok") {
      return exchange.respond(401, {{"WWW-Authenticate", "Bearer realm=\"" + tokens.url() +
                                                             "/token\",service=\"fake-registry\""}});
    }
    respond_json(exchange, R"({"repositories":["a"]})");
  });
  auto client = make_client(registry_config(registry));
  auto page = client.list_repositories(5);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->names, std::vector<std::string>{"a"});
  const auto requests = tokens.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].query_values("scope"), std::vector<std::string>{"registry:catalog:*"});
}

}  // namespace
}  // namespace regscand::scanner::registry
