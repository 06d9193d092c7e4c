// url::split, the one URL parser: each part of a full URL, normalisation (scheme and host lower case, port
// without leading zeros), and every rejection with its reason and no echo of user info.
#include "config/base/url.hpp"

#include <gtest/gtest.h>

namespace regscand::url {
namespace {

TEST(UrlSplit, TakesEveryPart) {
  const auto parts = split("HTTPS://user:pw-123@Registry.Example:05000/v2/a%20b/?n=1&last=x#frag");
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_EQ(parts->scheme, "https");
  EXPECT_TRUE(parts->has_userinfo);
  EXPECT_EQ(parts->host, "registry.example");
  EXPECT_EQ(parts->port, "5000");
  EXPECT_EQ(parts->authority(), "registry.example:5000");
  EXPECT_EQ(parts->path, "/v2/a%20b/");
  EXPECT_EQ(parts->query, "n=1&last=x");
  EXPECT_EQ(parts->fragment, "frag");
}

TEST(UrlSplit, LeavesOutWhatIsNotThere) {
  const auto parts = split("http://r");
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_FALSE(parts->has_userinfo);
  EXPECT_EQ(parts->host, "r");
  EXPECT_EQ(parts->port, "");
  EXPECT_EQ(parts->path, "");
  EXPECT_FALSE(parts->query);
  EXPECT_FALSE(parts->fragment);

  const auto query_only = split("http://r?x");
  ASSERT_TRUE(query_only) << query_only.error().message;
  EXPECT_EQ(query_only->host, "r");
  EXPECT_EQ(query_only->path, "");
  EXPECT_EQ(query_only->query, "x");

  const auto v6 = split("http://[::1]:8080/p");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->host, "[::1]");
  EXPECT_EQ(v6->authority(), "[::1]:8080");
  EXPECT_EQ(v6->path, "/p");
}

TEST(UrlSplit, RejectsWithTheReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "must start with http:// or https://"},
      {"ftp://r", "must start with http:// or https://"},
      {"r.example:5000", "must start with http:// or https://"},
      {"http://", "must name a host"},
      {"http:///v2", "must name a host"},
      {"http://:5000", "must name a host"},
      {"http://u@/x", "must name a host"},
      {"http://r:", "has an empty port"},
      {"http://r:0", "port must be 1..65535"},
      {"http://r:65536", "port must be 1..65535"},
      {"http://r:5a", "port must be 1..65535"},
      {"http://r /x", "must not contain spaces, control or non-ASCII characters"},
      {"http://r/\x01", "must not contain spaces, control or non-ASCII characters"},
      {"http://r/\xc3\xa9", "must not contain spaces, control or non-ASCII characters"},
      {"http://r%2e/x", "has a character not allowed in a host name"},
      {"http://r\\x/", "has a character not allowed in a host name"},
      {"http://../a", "has an empty label in the host name"},
      {"http://./a", "has an empty label in the host name"},
      {"http://a..b/", "has an empty label in the host name"},
      {"http://[::1", "has an unterminated [ipv6] host"},
      {"http://[zz]:1", "has an invalid IPv6 host"},
      {"http://[::1]x", "has characters after the [ipv6] host"},
      {"http://[::1]:", "has an empty port"},
  };
  for (const auto& [text, reason] : cases) {
    const auto parts = split(text);
    ASSERT_FALSE(parts) << text;
    EXPECT_EQ(parts.error().code, ErrorCode::InvalidArgument) << text;
    EXPECT_EQ(parts.error().message, reason) << text;
  }
  const auto secret = split("http://user:hunter2@r:99999/");
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().message.find("hunter2"), std::string::npos) << secret.error().message;
}

}  // namespace
}  // namespace regscand::url
