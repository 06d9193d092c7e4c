#include "config/listen_address.hpp"

#include <gtest/gtest.h>

namespace regscand::config {
namespace {

TEST(ParseListenAddress, HostAndPort) {
  const auto address = parse_listen_address("127.0.0.1:8080");
  ASSERT_TRUE(address.has_value()) << address.error().message;
  EXPECT_EQ(address->host, "127.0.0.1");
  EXPECT_EQ(address->port, 8080);
}

TEST(ParseListenAddress, BracketedIpv6) {
  const auto address = parse_listen_address("[::1]:443");
  ASSERT_TRUE(address.has_value()) << address.error().message;
  EXPECT_EQ(address->host, "::1");
  EXPECT_EQ(address->port, 443);
}

TEST(ParseListenAddress, PortZeroMeansAnyFreePort) {
  const auto address = parse_listen_address("localhost:0");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->port, 0);
}

TEST(ParseListenAddress, PortOutOfRange) {
  const auto address = parse_listen_address("0.0.0.0:70000");
  ASSERT_FALSE(address.has_value());
  EXPECT_EQ(address.error().message, "port must be 0..65535, got 70000");
}

TEST(ParseListenAddress, RejectsMalformed) {
  for (const char* text : {"", "8080", "localhost", ":8080", "::1:8080", "[::1]", "[::1:8080", "[nothex]:80",
                           "host:", "host:80a", "host:-1", "[]:80"}) {
    EXPECT_FALSE(parse_listen_address(text).has_value()) << text;
  }
}

TEST(IsLoopbackHost, RecognisesLoopback) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost", "LocalHost", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
  for (const char* host :
       {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "example.com", "localhost.example.com", ""}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}

}  // namespace
}  // namespace regscand::config
