#include "config/registry_url.hpp"

#include <gtest/gtest.h>

namespace regscand::config {
namespace {

TEST(RegistryUrl, NormalizesSchemeHostAndTrailingSlash) {
  const auto url = parse_registry_url("HTTPS://Reg.Example.com:5000/Base/Path//");
  ASSERT_TRUE(url.has_value()) << url.error().message;
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "reg.example.com");
  EXPECT_EQ(url->port, "5000");
  EXPECT_EQ(url->path, "/Base/Path");
  EXPECT_EQ(url->host_key(), "reg.example.com:5000");
  EXPECT_EQ(url->to_string(), "https://reg.example.com:5000/Base/Path");
}

TEST(RegistryUrl, PlainHostAndIpv6) {
  const auto plain = parse_registry_url("http://127.0.0.1:5000/");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->to_string(), "http://127.0.0.1:5000");
  const auto no_port = parse_registry_url("https://registry.local");
  ASSERT_TRUE(no_port.has_value());
  EXPECT_EQ(no_port->host_key(), "registry.local");
  EXPECT_EQ(parse_registry_url("http://r:05000")->host_key(), "r:5000");
  const auto v6 = parse_registry_url("http://[::1]:5000");
  ASSERT_TRUE(v6.has_value()) << v6.error().message;
  EXPECT_EQ(v6->host, "[::1]");
  EXPECT_EQ(v6->host_key(), "[::1]:5000");
}

TEST(RegistryUrl, Rejects) {
  const std::pair<const char*, const char*> cases[] = {
      {"ftp://reg", "must start with http:// or https://"},
      {"reg.example.com:5000", "must start with http:// or https://"},
      {"", "must start with http:// or https://"},
      {"http://", "must name a host"},
      {"http:///v2", "must name a host"},
      {"http://:5000", "must name a host"},
      {"http://reg:", "has an empty port"},
      {"http://reg:0", "port must be 1..65535"},
      {"http://reg:65536", "port must be 1..65535"},
      {"http://reg:50a", "port must be 1..65535"},
      {"http://reg/v2?x=1", "must not have a query or fragment"},
      {"http://reg#frag", "must not have a query or fragment"},
      {"http://reg /x", "must not contain spaces"},
      {"http://[::1", "unterminated [ipv6]"},
      {"http://[zz]:1", "invalid IPv6 host"},
      {"http://[::1]x", "characters after the [ipv6] host"},
  };
  for (const auto& [text, fragment] : cases) {
    const auto url = parse_registry_url(text);
    ASSERT_FALSE(url.has_value()) << text;
    EXPECT_NE(url.error().message.find(fragment), std::string::npos) << text << ": " << url.error().message;
  }
}

TEST(RegistryUrl, UserInfoIsRejectedWithoutEchoingIt) {
  const auto url = parse_registry_url("https://user:hunter2-secret@reg.example.com");
  ASSERT_FALSE(url.has_value());
  EXPECT_NE(url.error().message.find("must not contain user info"), std::string::npos);
  EXPECT_EQ(url.error().message.find("hunter2"), std::string::npos);
}

TEST(RegistryUrl, DockerAuthKeys) {
  EXPECT_EQ(normalize_docker_auth_key("reg.example.com"), "reg.example.com");
  EXPECT_EQ(normalize_docker_auth_key("Reg.Example.com:5000"), "reg.example.com:5000");
  EXPECT_EQ(normalize_docker_auth_key("https://reg.example.com"), "reg.example.com");
  EXPECT_EQ(normalize_docker_auth_key("https://index.docker.io/v1/"), "index.docker.io");
  EXPECT_EQ(normalize_docker_auth_key("http://127.0.0.1:5000/v2/"), "127.0.0.1:5000");
}

}  // namespace
}  // namespace regscand::config
