// feeds: sources ("default", paths and http(s) URLs), mirror and refresh_interval, from YAML and the
// environment.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "tests/config/config_test_helpers.hpp"

namespace regscand::config {
namespace {

using std::chrono::milliseconds;
using test::expect_error;
using test::expect_no_leak;
using test::load_yaml;

using Sources = std::vector<std::string>;

// "feeds: {sources: [<items>]}".
std::string sources_yaml(const std::string& items) {
  return "feeds: {sources: [" + items + "]}\n";
}

// "a0,a1,...,a<n-1>" as YAML items or env entries.
std::string numbered(std::size_t n, const char* separator) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += separator;
    out += "/feeds/f" + std::to_string(i) + ".json";
  }
  return out;
}

// ---- defaults and YAML ----

TEST(Feeds, Defaults) {
  const auto config = load(std::nullopt, {});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->feeds.sources, Sources{"default"});
  EXPECT_EQ(config->feeds.mirror, "");
  EXPECT_EQ(config->feeds.refresh_interval, milliseconds(6 * 3'600'000));
  EXPECT_EQ(FeedsConfig{}.refresh_interval, std::chrono::hours(6));
  const auto empty_section = load_yaml("feeds:\n");
  ASSERT_TRUE(empty_section.has_value()) << empty_section.error().message;
  EXPECT_EQ(empty_section->feeds.sources, Sources{"default"});
}

TEST(Feeds, DefaultKeepsTheBuiltInListAndAddsTo) {
  const auto extra = load_yaml(sources_yaml("default, /srv/extra.json"));
  ASSERT_TRUE(extra.has_value()) << extra.error().message;
  EXPECT_EQ(extra->feeds.sources, (Sources{"default", "/srv/extra.json"}));
  const auto only = load_yaml("feeds:\n  sources: [default]\n");
  ASSERT_TRUE(only.has_value()) << only.error().message;
  EXPECT_EQ(only->feeds.sources, Sources{"default"});
  expect_error(load_yaml(sources_yaml("default, /a, default")),
               "feeds.sources[2]: duplicate of feeds.sources[0] (test.yaml:1:");
  const auto env = load(std::nullopt, {{"REGSCAND_FEEDS_SOURCES", "default,https://m.example/x.json"}});
  ASSERT_TRUE(env.has_value()) << env.error().message;
  EXPECT_EQ(env->feeds.sources, (Sources{"default", "https://m.example/x.json"}));
}

TEST(Feeds, EmptyListTurnsFeedsOff) {
  const auto off = load_yaml(sources_yaml(""));
  ASSERT_TRUE(off.has_value()) << off.error().message;
  EXPECT_TRUE(off->feeds.sources.empty());
  const auto env = load(std::nullopt, {{"REGSCAND_FEEDS_SOURCES", ""}});
  ASSERT_TRUE(env.has_value()) << env.error().message;
  EXPECT_TRUE(env->feeds.sources.empty());
}

TEST(Feeds, MirrorIsAnHttpBaseUrlOrADirectory) {
  const auto url = load_yaml("feeds: {mirror: \"HTTP://Mirror:8000/feeds/\"}\n");
  ASSERT_TRUE(url.has_value()) << url.error().message;
  EXPECT_EQ(url->feeds.mirror, "http://mirror:8000/feeds");
  const auto dir = load_yaml("feeds: {mirror: /srv/feeds-mirror/}\n");
  ASSERT_TRUE(dir.has_value()) << dir.error().message;
  EXPECT_EQ(dir->feeds.mirror, "/srv/feeds-mirror");
  const auto env = load_yaml("feeds: {mirror: /srv/a}\n", {{"REGSCAND_FEEDS_MIRROR", "https://m.example"}});
  ASSERT_TRUE(env.has_value()) << env.error().message;
  EXPECT_EQ(env->feeds.mirror, "https://m.example");
  const auto off = load_yaml("feeds: {mirror: /srv/a}\n", {{"REGSCAND_FEEDS_MIRROR", ""}});
  ASSERT_TRUE(off.has_value()) << off.error().message;
  EXPECT_EQ(off->feeds.mirror, "");
}

TEST(Feeds, BadMirrorsAreRejectedUnquoted) {
  expect_error(
      load_yaml("feeds: {mirror: \"ftp://m/x\"}\n"),
      "feeds.mirror: unsupported URL scheme \"ftp\": use http://, https:// or a file path (test.yaml:1:");
  const auto creds = load_yaml("feeds: {mirror: \"https://u:mirror-secret@m/x\"}\n");
  expect_error(creds, "feeds.mirror: must not contain user info (user:password@)");
  expect_no_leak(creds, "mirror-secret");
  const auto query = load(std::nullopt, {{"REGSCAND_FEEDS_MIRROR", "https://m/x?token=q-secret"}});
  expect_error(query, "feeds.mirror: must not have a query or fragment (from REGSCAND_FEEDS_MIRROR)");
  expect_no_leak(query, "q-secret");
  expect_error(load_yaml("feeds: {mirror: \"/srv/a\\tb\"}\n"),
               "feeds.mirror: must not contain control characters");
  expect_error(load_yaml("feeds: {mirror: [a]}\n"), "feeds.mirror: expected a string, got a list");
}

TEST(Feeds, ReadsAListOfPathsAndUrls) {
  const auto config = load_yaml(R"(
feeds:
  sources:
    - /var/lib/regscand/osv-debian.zip
    - feeds/alpine-v3.19-main.json
    - "https://security-tracker.debian.org/tracker/data/json"
    - HTTP://Mirror.example.com:8080/alpine/v3.19/main.json
    - "feeds:2024/osv.json"
  refresh_interval: 90m
)");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->feeds.sources,
            (Sources{"/var/lib/regscand/osv-debian.zip", "feeds/alpine-v3.19-main.json",
                     "https://security-tracker.debian.org/tracker/data/json",
                     "HTTP://Mirror.example.com:8080/alpine/v3.19/main.json", "feeds:2024/osv.json"}))
      << "kept exactly as written: relative paths are not resolved, URLs not normalised";
  EXPECT_EQ(config->feeds.refresh_interval, milliseconds(90 * 60'000));
}

TEST(Feeds, NullAndEmptyListsMeanNoSources) {
  for (const char* yaml : {"feeds: {sources: []}\n", "feeds: {sources: ~}\n", "feeds:\n  sources:\n"}) {
    const auto config = load_yaml(yaml);
    ASSERT_TRUE(config.has_value()) << yaml << ": " << config.error().message;
    EXPECT_TRUE(config->feeds.sources.empty()) << yaml;
  }
}

TEST(Feeds, StructureErrorsNameTheKey) {
  expect_error(load_yaml("feeds: {sources: /var/lib/osv.zip}\n"),
               "feeds.sources: expected a list, got a scalar (test.yaml:1:");
  expect_error(load_yaml("feeds: {sources: {a: b}}\n"), "feeds.sources: expected a list, got a mapping");
  expect_error(load_yaml(sources_yaml("/a, [/b]")), "feeds.sources[1]: expected a string, got a list");
  expect_error(load_yaml("feeds: {source: [/a]}\n"), "feeds.source: unknown key");
  expect_error(load_yaml("feeds: [/a]\n"), "feeds: expected a mapping, got a list");
  expect_error(load_yaml("feeds: {sources: [/a], sources: [/b]}\n"), "feeds.sources: duplicate key");
}

TEST(Feeds, EmptyEntriesAreRejected) {
  expect_error(load_yaml(sources_yaml("/a, \"\"")), "feeds.sources[1]: must not be empty (test.yaml:1:");
  expect_error(load_yaml(sources_yaml("~")), "feeds.sources[0]: must not be empty");
  expect_error(load_yaml("feeds:\n  sources:\n    - /a\n    -\n"),
               "feeds.sources[1]: must not be empty (test.yaml:");
}

TEST(Feeds, OnlyHttpAndHttpsUrls) {
  expect_error(load_yaml(sources_yaml("\"ftp://mirror/osv.zip\"")),
               "feeds.sources[0]: unsupported URL scheme \"ftp\": use http://, https:// or a file path");
  expect_error(load_yaml(sources_yaml("/a, \"file:///var/osv.zip\"")),
               "feeds.sources[1]: unsupported URL scheme \"file\"");
  expect_error(load_yaml(sources_yaml("\"S3://bucket/osv.zip\"")), "unsupported URL scheme \"s3\"");
  expect_error(load_yaml(sources_yaml("\"https:/mirror/osv.zip\"")),
               "feeds.sources[0]: must start with http:// or https://");
  expect_error(load_yaml(sources_yaml("\"http://\"")), "feeds.sources[0]: must name a host");
  expect_error(load_yaml(sources_yaml("\"http://mirror:99999/x\"")),
               "feeds.sources[0]: port must be 1..65535");
  expect_error(load_yaml(sources_yaml("\"http://mirror/a b\"")),
               "feeds.sources[0]: must not contain spaces, control or non-ASCII characters");
}

TEST(Feeds, UrlUserInfoQueryAndFragmentAreRejectedWithoutEchoingTheUrl) {
  const auto creds =
      load_yaml(sources_yaml("/a, \"https://feeduser:feed-secret-pw@mirror.example.com/osv.zip\""));
  expect_error(creds, "feeds.sources[1]: must not contain user info (user:password@) (test.yaml:1:");
  expect_no_leak(creds, "feed-secret-pw");
  expect_no_leak(creds, "feeduser");
  expect_no_leak(creds, "mirror.example.com");
  const auto user_only = load_yaml(sources_yaml("\"http://token-abc@mirror/x\""));
  expect_error(user_only, "must not contain user info");
  expect_no_leak(user_only, "token-abc");
  const auto query = load_yaml(sources_yaml("\"https://mirror/osv.zip?access_token=query-secret\""));
  expect_error(query, "feeds.sources[0]: must not have a query or fragment");
  expect_no_leak(query, "query-secret");
  expect_error(load_yaml(sources_yaml("\"https://mirror/osv.zip#x\"")), "must not have a query or fragment");
  // An '@' in the path is not user info.
  EXPECT_TRUE(load_yaml(sources_yaml("\"https://mirror/@scope/feed.json\"")).has_value());
  // Nor in a file path.
  EXPECT_TRUE(load_yaml(sources_yaml("/var/feeds/user@host.json")).has_value());
}

TEST(Feeds, PathsWithControlCharactersAreRejected) {
  expect_error(load_yaml(sources_yaml("\"/var/feeds/a\\tb.json\"")),
               "feeds.sources[0]: must not contain control characters");
}

TEST(Feeds, DuplicatesAreRejected) {
  expect_error(load_yaml(sources_yaml("/a, /b, /a")),
               "feeds.sources[2]: duplicate of feeds.sources[0] (test.yaml:1:");
  expect_error(load_yaml(sources_yaml("\"https://m/x\", \"https://m/x\"")),
               "feeds.sources[1]: duplicate of feeds.sources[0]");
}

TEST(Feeds, AtMost64Sources) {
  const auto at_limit = load_yaml(sources_yaml(numbered(64, ", ")));
  ASSERT_TRUE(at_limit.has_value()) << at_limit.error().message;
  EXPECT_EQ(at_limit->feeds.sources.size(), 64u);
  expect_error(load_yaml(sources_yaml(numbered(65, ", "))),
               "feeds.sources: must have at most 64 entries, got 65 (test.yaml:1:");
}

TEST(Feeds, RefreshIntervalRange) {
  EXPECT_TRUE(load_yaml("feeds: {refresh_interval: 1m}\n").has_value());
  EXPECT_TRUE(load_yaml("feeds: {refresh_interval: 30d}\n").has_value());
  expect_error(load_yaml("feeds: {refresh_interval: 59s}\n"),
               "feeds.refresh_interval: must be 1m..30d, got 59s (test.yaml:1:");
  expect_error(load_yaml("feeds: {refresh_interval: 31d}\n"),
               "feeds.refresh_interval: must be 1m..30d, got 31d");
  expect_error(load_yaml("feeds: {refresh_interval: daily}\n"),
               "feeds.refresh_interval: expected a duration");
  expect_error(load_yaml("feeds: {refresh_interval: [1h]}\n"),
               "feeds.refresh_interval: expected a duration, got a list");
}

// ---- environment ----

TEST(FeedsEnvironment, SourcesReplaceTheFileListWholesale) {
  const auto config = load_yaml(sources_yaml("/file/a, /file/b, /file/c"),
                                {{"REGSCAND_FEEDS_SOURCES", " /env/x.json , https://mirror/y.json,,"}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->feeds.sources, (Sources{"/env/x.json", "https://mirror/y.json"}));
}

TEST(FeedsEnvironment, EmptyValueClearsTheList) {
  const auto config = load_yaml(sources_yaml("/file/a"), {{"REGSCAND_FEEDS_SOURCES", ""}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_TRUE(config->feeds.sources.empty());
}

TEST(FeedsEnvironment, UnsetLeavesTheFileListAlone) {
  const auto config = load_yaml(sources_yaml("/file/a"), {{"REGSCAND_FEEDS_REFRESH_INTERVAL", "2h"}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->feeds.sources, Sources{"/file/a"});
  EXPECT_EQ(config->feeds.refresh_interval, milliseconds(2 * 3'600'000));
}

TEST(FeedsEnvironment, RefreshIntervalOverridesTheFile) {
  const auto config =
      load_yaml("feeds: {refresh_interval: 12h}\n", {{"REGSCAND_FEEDS_REFRESH_INTERVAL", "15m"}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->feeds.refresh_interval, milliseconds(15 * 60'000));
  expect_error(load(std::nullopt, {{"REGSCAND_FEEDS_REFRESH_INTERVAL", "10s"}}),
               "feeds.refresh_interval: must be 1m..30d, got 10s (from REGSCAND_FEEDS_REFRESH_INTERVAL)");
  expect_error(load(std::nullopt, {{"REGSCAND_FEEDS_REFRESH_INTERVAL", ""}}),
               "feeds.refresh_interval: expected a duration");
}

TEST(FeedsEnvironment, EachErrorNamesTheEntryAndTheVariable) {
  expect_error(load(std::nullopt, {{"REGSCAND_FEEDS_SOURCES", "/a,ftp://m/x"}}),
               "feeds.sources[1]: unsupported URL scheme \"ftp\": use http://, https:// or a file path "
               "(from REGSCAND_FEEDS_SOURCES)");
  expect_error(load(std::nullopt, {{"REGSCAND_FEEDS_SOURCES", "/a,/b,/a"}}),
               "feeds.sources[2]: duplicate of feeds.sources[0] (from REGSCAND_FEEDS_SOURCES)");
  expect_error(load(std::nullopt, {{"REGSCAND_FEEDS_SOURCES", numbered(65, ",")}}),
               "feeds.sources: must have at most 64 entries, got 65 (from REGSCAND_FEEDS_SOURCES)");
  const auto creds = load(std::nullopt, {{"REGSCAND_FEEDS_SOURCES", "https://u:env-secret-pw@mirror/x"}});
  expect_error(creds,
               "feeds.sources[0]: must not contain user info (user:password@) (from REGSCAND_FEEDS_SOURCES)");
  expect_no_leak(creds, "env-secret-pw");
  expect_error(load(std::nullopt, {{"REGSCAND_FEEDS_SOURCE", "/a"}}), "did you mean REGSCAND_FEEDS_SOURCES?");
}

TEST(FeedsEnvironment, VariablesAreKnown) {
  const auto names = environment_variable_names();
  for (const char* name :
       {"REGSCAND_FEEDS_SOURCES", "REGSCAND_FEEDS_MIRROR", "REGSCAND_FEEDS_REFRESH_INTERVAL"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

// ---- validate() on a Config built in code ----

TEST(Feeds, ValidateChecksCodeBuiltConfigs) {
  Config config;
  config.feeds.sources = {"/a", ""};
  expect_error(validate(config), "feeds.sources[1]: must not be empty");
  config.feeds.sources = {"gopher://m/x"};
  expect_error(validate(config), "feeds.sources[0]: unsupported URL scheme \"gopher\"");
  config.feeds.sources = {"https://u:code-secret@m/x"};
  expect_error(validate(config), "feeds.sources[0]: must not contain user info");
  expect_no_leak(validate(config), "code-secret");
  config.feeds.sources = {"/a", "/a"};
  expect_error(validate(config), "feeds.sources[1]: duplicate of feeds.sources[0]");
  config.feeds.sources.assign(65, "");
  for (std::size_t i = 0; i < config.feeds.sources.size(); ++i)
    config.feeds.sources[i] = "/f" + std::to_string(i);
  expect_error(validate(config), "feeds.sources: must have at most 64 entries, got 65");
  config.feeds.sources = {"/a", "https://m/x"};
  EXPECT_TRUE(validate(config).has_value());
  config.feeds.refresh_interval = milliseconds(0);
  expect_error(validate(config), "feeds.refresh_interval: must be 1m..30d, got 0s");
}

// ---- dump_redacted ----

TEST(FeedsDump, ListsTheSourcesAndRoundTrips) {
  const auto config = load_yaml(R"(
feeds:
  sources: [default, /var/lib/osv.zip, "relative/alpine.json", "https://mirror.example.com/debian.json", "123", "~"]
  mirror: http://mirror:8000
  refresh_interval: 45m
)");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const std::string dump = dump_redacted(*config);
  EXPECT_NE(dump.find("\"https://mirror.example.com/debian.json\""), std::string::npos) << dump;
  EXPECT_NE(dump.find("refresh_interval: 45m"), std::string::npos) << dump;
  EXPECT_EQ(dump.find("<redacted>"), std::string::npos) << dump;
  const auto reloaded = load_yaml(dump);
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().message << "\n" << dump;
  EXPECT_EQ(reloaded->feeds.sources, config->feeds.sources);
  EXPECT_EQ(reloaded->feeds.mirror, "http://mirror:8000");
  EXPECT_EQ(reloaded->feeds.refresh_interval, milliseconds(45 * 60'000));
  EXPECT_EQ(dump_redacted(*reloaded), dump);
}

TEST(FeedsDump, DefaultsDumpAndReload) {
  const auto defaults = load(std::nullopt, {});
  ASSERT_TRUE(defaults.has_value());
  const std::string dump = dump_redacted(*defaults);
  EXPECT_NE(dump.find("feeds:\n  sources:\n    - \"default\"\n  mirror: \"\"\n  refresh_interval: 6h"),
            std::string::npos)
      << dump;
  const auto reloaded = load_yaml(dump);
  ASSERT_TRUE(reloaded.has_value()) << reloaded.error().message << "\n" << dump;
  EXPECT_EQ(reloaded->feeds.sources, Sources{"default"});
  Config off;
  off.feeds.sources.clear();
  EXPECT_NE(dump_redacted(off).find("feeds:\n  sources: []\n"), std::string::npos) << dump_redacted(off);
  EXPECT_EQ(reloaded->feeds.refresh_interval, std::chrono::hours(6));
}

TEST(FeedsDump, UserInfoInACodeBuiltConfigIsRedacted) {
  Config config;
  config.feeds.sources = {"https://feeduser:dump-secret@mirror/x.json", "/plain/path@x"};
  const std::string dump = dump_redacted(config);
  EXPECT_EQ(dump.find("dump-secret"), std::string::npos) << dump;
  EXPECT_EQ(dump.find("feeduser"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\"https://<redacted>@mirror/x.json\""), std::string::npos) << dump;
  EXPECT_NE(dump.find("\"/plain/path@x\""), std::string::npos) << dump;
}

}  // namespace
}  // namespace regscand::config
