// feeds.mirror rewrites and the default source list: upstream URLs onto <mirror>/<host>/<path>, hostile URLs
// rejected without being quoted, "default" expanded once.
#include "scanner/feeds/mirror.hpp"

#include <gtest/gtest.h>

#include <set>

#include "scanner/feeds/default_sources.hpp"

namespace regscand::scanner::feeds {
namespace {

TEST(MirrorPath, HostThenPathAsWritten) {
  EXPECT_EQ(mirror_path("https://secdb.alpinelinux.org/v3.19/main.json"),
            "secdb.alpinelinux.org/v3.19/main.json");
  EXPECT_EQ(mirror_path("HTTPS://OSV-Vulnerabilities.storage.googleapis.com/Red%20Hat/all.zip"),
            "osv-vulnerabilities.storage.googleapis.com/Red%20Hat/all.zip");
  EXPECT_EQ(mirror_path("http://feeds.example:8080/a/b.json"), "feeds.example:8080/a/b.json");
  EXPECT_EQ(mirror_path("http://user:s3cret@feeds.example/a.json"), "feeds.example/a.json");
  EXPECT_EQ(mirror_path("http://[::1]:8080/a.json"), "%5B::1%5D:8080/a.json");
}

TEST(MirrorSource, RewritesUrlsOntoAnHttpMirror) {
  EXPECT_EQ(mirror_source("https://secdb.alpinelinux.org/v3.19/main.json", "http://mirror:8000"),
            "http://mirror:8000/secdb.alpinelinux.org/v3.19/main.json");
  EXPECT_EQ(mirror_source("https://security-tracker.debian.org/tracker/data/json", "https://m.example/feeds"),
            "https://m.example/feeds/security-tracker.debian.org/tracker/data/json");
}

TEST(MirrorSource, RewritesUrlsOntoADirectoryDecoded) {
  EXPECT_EQ(
      mirror_source("https://osv-vulnerabilities.storage.googleapis.com/Red%20Hat/all.zip", "/srv/mirror"),
      "/srv/mirror/osv-vulnerabilities.storage.googleapis.com/Red Hat/all.zip");
  EXPECT_EQ(mirror_file("https://secdb.alpinelinux.org/v3.19/main.json"),
            std::filesystem::path("secdb.alpinelinux.org/v3.19/main.json"));
}

TEST(MirrorSource, PathsAndNoMirrorStayAsWritten) {
  EXPECT_EQ(mirror_source("/var/feeds/osv.zip", "http://mirror:8000"), "/var/feeds/osv.zip");
  EXPECT_EQ(mirror_source("https://secdb.alpinelinux.org/v3.19/main.json", ""),
            "https://secdb.alpinelinux.org/v3.19/main.json");
}

TEST(MirrorSource, HostileUrlsAreRejectedUnquoted) {
  for (const char* url : {
           "http://host/../etc/passwd",
           "http://host/a/%2e%2e/b",
           "http://host/a/%2E%2e",
           "http://host/a/./b",
           "http://host/a//b",
           "http://host/a/%2fetc",
           "http://host/a%5cb",
           "http://host/a%00b",
           "http://host/a%0ab",
           "http://host/a%zz",
           "http://host/a%2",
           "http://host/a.json?token=s3cret",
           "http://host/a.json#frag",
           "http://host",
           "http://host/",
           "http:///a.json",
           "http://user:s3cret@/a.json",
           "http://:80/a.json",
           "http://../a.json",
           "http://ho%2fst/a.json",
           "http://ho\\st/a.json",
           "ftp://host/a.json",
           "/local/path",
       }) {
    const auto rewritten = mirror_source(url, "http://mirror:8000");
    if (std::string_view(url).starts_with("/")) {
      EXPECT_TRUE(rewritten.has_value()) << url;
      continue;
    }
    ASSERT_FALSE(mirror_path(url).has_value()) << url;
    ASSERT_FALSE(mirror_file(url).has_value()) << url;
    if (std::string_view(url).starts_with("ftp")) continue;  // not a URL source: left as is
    ASSERT_FALSE(rewritten.has_value()) << url;
    EXPECT_EQ(rewritten.error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(rewritten.error().message.find("s3cret"), std::string::npos) << rewritten.error().message;
    EXPECT_EQ(rewritten.error().message.find(url), std::string::npos) << rewritten.error().message;
  }
}

TEST(DefaultSources, EveryEntryIsAnHttpsUrlAMirrorCanHold) {
  std::set<std::string_view> urls;
  for (const auto& source : default_sources()) {
    EXPECT_TRUE(source.url.starts_with("https://")) << source.url;
    EXPECT_FALSE(source.ecosystem.empty()) << source.url;
    EXPECT_TRUE(mirror_path(source.url).has_value()) << source.url;
    EXPECT_TRUE(urls.insert(source.url).second) << "duplicate " << source.url;
  }
  // One source per ecosystem regscand matches: dpkg (Debian, Ubuntu), apk, rpm, pypi, npm, gem.
  std::set<std::string_view> ecosystems;
  for (const auto& source : default_sources()) ecosystems.insert(source.ecosystem);
  for (const char* e : {"Debian", "Ubuntu", "Alpine:v3.19", "Red Hat", "PyPI", "npm", "RubyGems"}) {
    EXPECT_TRUE(ecosystems.contains(e)) << e;
  }
}

TEST(ExpandSources, DefaultExpandsInPlaceOnce) {
  const auto all = default_sources();
  EXPECT_EQ(expand_sources({}), std::vector<std::string>{});
  const auto expanded = expand_sources({"default"});
  ASSERT_EQ(expanded.size(), all.size());
  EXPECT_EQ(expanded.front(), all.front().url);
  const auto extra = expand_sources({"/srv/extra.json", "default", std::string(all[1].url), "default"});
  ASSERT_EQ(extra.size(), all.size() + 1);
  EXPECT_EQ(extra[0], "/srv/extra.json");
  EXPECT_EQ(extra[1], all[0].url);
}

}  // namespace
}  // namespace regscand::scanner::feeds
