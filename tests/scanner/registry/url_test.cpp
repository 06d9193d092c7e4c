#include "scanner/registry/url.hpp"

#include <gtest/gtest.h>

namespace regscand::scanner::registry {
namespace {

TEST(Url, ParsesSchemeHostPortAndTarget) {
  auto url = parse_url("HTTPS://Registry.Example:5000/prefix/v2/?a=b#frag");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->origin.scheme, "https");
  EXPECT_EQ(url->origin.host, "registry.example");
  EXPECT_EQ(url->origin.port, 5000);
  EXPECT_EQ(url->target, "/prefix/v2/?a=b");
  EXPECT_EQ(url->path(), "/prefix/v2/");
  EXPECT_EQ(url->origin.authority(), "registry.example:5000");
}

TEST(Url, DefaultsPortsAndTarget) {
  auto https = parse_url("https://r.example");
  ASSERT_TRUE(https);
  EXPECT_EQ(https->origin.port, 443);
  EXPECT_EQ(https->target, "/");
  EXPECT_EQ(https->origin.authority(), "r.example");
  auto http = parse_url("http://r.example?x=1");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->origin.port, 80);
  EXPECT_EQ(http->target, "/?x=1");
}

TEST(Url, Ipv6KeepsBrackets) {
  auto url = parse_url("http://[::1]:8080/v2/");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->origin.host, "[::1]");
  EXPECT_EQ(url->origin.bare_host(), "::1");
  EXPECT_EQ(url->origin.port, 8080);
  EXPECT_EQ(url->origin.to_string(), "http://[::1]:8080");
}

TEST(Url, RejectsHostileInput) {
  for (const char* bad : {"ftp://x/", "x/y", "http://", "http://user:pw@host/", "http://host:0/",
                          "http://host:65536/", "http://host:/", "http://ho st/", "http://host/\r\nX: y",
                          "http://[::1/", "http://h\xc3\xa9/", "http://host:12ab/", "http://a@b/"}) {
    auto url = parse_url(bad);
    EXPECT_FALSE(url) << bad;
    if (!url) {
      EXPECT_EQ(url.error().code, ErrorCode::InvalidArgument);
      EXPECT_EQ(url.error().message.find("pw"), std::string::npos);
    }
  }
}

TEST(Url, ResolvesLocations) {
  auto base = parse_url("https://r.example/v2/repo/blobs/sha256:ab?x=1");
  ASSERT_TRUE(base);
  auto absolute = resolve_location(*base, "https://s3.example/bucket/key?X-Amz-Signature=s");
  ASSERT_TRUE(absolute);
  EXPECT_EQ(absolute->origin.host, "s3.example");
  EXPECT_EQ(absolute->path(), "/bucket/key");
  auto scheme_relative = resolve_location(*base, "//cdn.example/x");
  ASSERT_TRUE(scheme_relative);
  EXPECT_EQ(scheme_relative->origin.to_string(), "https://cdn.example");
  auto absolute_path = resolve_location(*base, "/other/path?q");
  ASSERT_TRUE(absolute_path);
  EXPECT_EQ(absolute_path->origin, base->origin);
  EXPECT_EQ(absolute_path->target, "/other/path?q");
  auto relative = resolve_location(*base, "sha256:cd");
  ASSERT_TRUE(relative);
  EXPECT_EQ(relative->target, "/v2/repo/blobs/sha256:cd");
  EXPECT_FALSE(resolve_location(*base, ""));
  EXPECT_FALSE(resolve_location(*base, "/a b"));
  EXPECT_FALSE(resolve_location(*base, "gopher://x/"));
}

}  // namespace
}  // namespace regscand::scanner::registry
