// fetch_feed against a real HTTP server (python3, tests/support/feed_server.py) serving the feeds in
// tests/data: the downloaded file holds the same bytes and advisories as the path; validators give a 304;
// redirects are followed up to the limit; 404, 401, 503, a truncated body and the size cap are errors naming
// the URL; no temp file is left behind in any case; credentials go as Basic auth and never into a message;
// a stop request ends a download in flight.
#include "scanner/feeds/fetch.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <stop_token>
#include <thread>
#include <vector>

#include "scanner/feeds/load.hpp"
#include "tests/support/feed_server.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_data.hpp"

namespace regscand::scanner::feeds {
namespace {

namespace fs = std::filesystem;
const fs::path kFeeds = fs::path(REGSCAND_TEST_DATA) / "feeds";
constexpr std::string_view kGo = "osv/Go/all.zip";
constexpr std::string_view kTracker = "debian/security-tracker-json/vunnel-fixture-debian.json";

class FetchTest : public ::testing::Test {
 protected:
  FetchTest() : server_(kFeeds) { options_.scratch_dir = scratch_.path() / "scratch"; }

  std::string url(std::string_view prefix, std::string_view file) const {
    return server_.url(std::string(prefix) + std::string(file));
  }
  std::size_t scratch_files() const {
    std::error_code ec;
    if (!fs::exists(options_.scratch_dir, ec)) return 0;
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(options_.scratch_dir), {}));
  }

  testing::FeedServer server_;
  testing::TempDir scratch_;
  FetchOptions options_;
};

std::vector<std::string> ids(const LoadedFeed& feed) {
  std::vector<std::string> out;
  for (const auto& advisory : feed.result.advisories) out.push_back(advisory.id);
  return out;
}

TEST_F(FetchTest, DownloadsTheSameFeedAsThePath) {
  auto got = fetch_feed(url("/files/", kGo), {}, options_);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_FALSE(got->not_modified);
  ASSERT_TRUE(got->file);
  EXPECT_EQ(got->file->path().parent_path(), options_.scratch_dir);
  EXPECT_EQ(testing::read_file(got->file->path()), testing::read_file(kFeeds / kGo));
  EXPECT_FALSE(got->file->validators().etag.empty());
  EXPECT_FALSE(got->file->validators().last_modified.empty());

  auto from_url = load_feed(got->file->path());
  auto from_path = load_feed(kFeeds / kGo);
  ASSERT_TRUE(from_url) << from_url.error().message;
  ASSERT_TRUE(from_path) << from_path.error().message;
  EXPECT_EQ(from_url->kind, "osv-zip");
  EXPECT_EQ(from_url->fingerprint, from_path->fingerprint);
  EXPECT_EQ(ids(*from_url), ids(*from_path));
  EXPECT_EQ(from_url->result.advisories.size(), 600u);

  got->file.reset();
  EXPECT_EQ(scratch_files(), 0u);
}

TEST_F(FetchTest, ValidatorsGiveNotModified) {
  auto first = fetch_feed(url("/files/", kTracker), {}, options_);
  ASSERT_TRUE(first) << first.error().message;
  const Validators known = first->file->validators();
  first->file.reset();

  auto second = fetch_feed(url("/files/", kTracker), known, options_);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->not_modified);
  EXPECT_FALSE(second->file);

  auto by_date = fetch_feed(url("/files/", kTracker), Validators{"", known.last_modified}, options_);
  ASSERT_TRUE(by_date) << by_date.error().message;
  EXPECT_TRUE(by_date->not_modified);

  auto other = fetch_feed(url("/files/", kTracker), Validators{"\"other\"", ""}, options_);
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_FALSE(other->not_modified);
  EXPECT_TRUE(other->file);

  auto bare = fetch_feed(url("/noetag/", kTracker), {}, options_);
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_TRUE(bare->file->validators().empty());
  EXPECT_NE(server_.log().find("/files/" + std::string(kTracker) + " 304 -"), std::string::npos);
}

TEST_F(FetchTest, FollowsRedirectsUpToTheLimit) {
  auto got = fetch_feed(url("/redirect/5/", kTracker), {}, options_);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(testing::read_file(got->file->path()), testing::read_file(kFeeds / kTracker));

  const auto too_many = fetch_feed(url("/redirect/6/", kTracker), {}, options_);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, ErrorCode::Unavailable);
  EXPECT_NE(too_many.error().message.find("more than 5 redirects"), std::string::npos)
      << too_many.error().message;
}

TEST_F(FetchTest, HttpErrorsNameTheUrlAndStatus) {
  const auto missing_url = url("/files/", "osv/Go/missing.zip");
  const auto missing = fetch_feed(missing_url, {}, options_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
  EXPECT_EQ(missing.error().message, "GET " + missing_url + ": HTTP 404");

  std::vector<std::chrono::milliseconds> delays;
  options_.max_attempts = 2;
  options_.sleep = [&](std::chrono::milliseconds d) { delays.push_back(d); };
  const auto busy = fetch_feed(server_.url("/status/503"), {}, options_);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::Unavailable);
  EXPECT_NE(busy.error().message.find("HTTP 503 after 2 attempts"), std::string::npos)
      << busy.error().message;
  EXPECT_EQ(delays.size(), 1u);

  const auto refused = fetch_feed("http://127.0.0.1:1/all.zip", {}, options_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::Unavailable);
  EXPECT_TRUE(refused.error().message.starts_with("GET http://127.0.0.1:1/all.zip: "))
      << refused.error().message;

  EXPECT_FALSE(fetch_feed("ftp://example.org/all.zip", {}, options_));
  EXPECT_EQ(scratch_files(), 0u);
}

TEST_F(FetchTest, SizeCapAndTruncatedBodiesLeaveNoFile) {
  options_.max_bytes = 1000;
  const auto capped = fetch_feed(url("/files/", kGo), {}, options_);
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error().code, ErrorCode::ResourceExhausted);
  EXPECT_NE(capped.error().message.find("limit of 1000 bytes"), std::string::npos) << capped.error().message;
  EXPECT_EQ(scratch_files(), 0u);

  options_.max_bytes = 10'000'000;
  const auto truncated = fetch_feed(url("/truncate/", kGo), {}, options_);
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, ErrorCode::Unavailable);
  EXPECT_NE(truncated.error().message.find(url("/truncate/", kGo)), std::string::npos)
      << truncated.error().message;
  EXPECT_EQ(scratch_files(), 0u);
}

TEST_F(FetchTest, CredentialsGoAsBasicAuthAndNeverIntoMessages) {
  const std::string secret = "s3cret%3A%2F%40";  // "s3cret:/@" percent-encoded
  const auto with = "http://reader:" + secret + "@127.0.0.1:" + std::to_string(server_.port()) + "/auth/" +
                    std::string(kTracker);
  auto got = fetch_feed(with, {}, options_);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(testing::read_file(got->file->path()), testing::read_file(kFeeds / kTracker));

  const auto wrong = "http://reader:wrong-token@127.0.0.1:" + std::to_string(server_.port()) + "/auth/" +
                     std::string(kTracker);
  const auto refused = fetch_feed(wrong, {}, options_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::Unauthenticated);
  EXPECT_EQ(refused.error().message, "GET " + redact_source(wrong) + ": HTTP 401");
  EXPECT_EQ(refused.error().message.find("wrong-token"), std::string::npos);
  EXPECT_EQ(refused.error().message.find("reader"), std::string::npos);

  const auto anonymous = fetch_feed(url("/auth/", kTracker), {}, options_);
  ASSERT_FALSE(anonymous);
  EXPECT_EQ(anonymous.error().code, ErrorCode::Unauthenticated);
}

// A self-signed certificate for 127.0.0.1 (openssl CLI) in `dir`: cert.pem, key.pem.
void make_certificate(const fs::path& dir) {
  const auto command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
      " -addext subjectAltName=IP:127.0.0.1 -keyout " +
      (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() + " 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

TEST_F(FetchTest, HttpsIsVerifiedAndNeverRedirectedToHttp) {
  testing::TempDir certs;
  ASSERT_NO_FATAL_FAILURE(make_certificate(certs.path()));
  testing::FeedServer tls(kFeeds, certs.path() / "cert.pem", certs.path() / "key.pem");

  const auto untrusted = fetch_feed(tls.url("/files/" + std::string(kTracker)), {}, options_);
  ASSERT_FALSE(untrusted);
  EXPECT_EQ(untrusted.error().code, ErrorCode::Unavailable);
  EXPECT_TRUE(untrusted.error().message.starts_with("GET " + tls.url("/files/")))
      << untrusted.error().message;

  options_.ca_file = (certs.path() / "cert.pem").string();
  auto got = fetch_feed(tls.url("/files/" + std::string(kTracker)), {}, options_);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(testing::read_file(got->file->path()), testing::read_file(kFeeds / kTracker));

  const auto plain = url("/files/", kTracker);
  const auto downgrade = fetch_feed(tls.url("/to/" + plain), {}, options_);
  ASSERT_FALSE(downgrade);
  EXPECT_EQ(downgrade.error().code, ErrorCode::FailedPrecondition);
  EXPECT_NE(downgrade.error().message.find("refusing the redirect from https to " + plain), std::string::npos)
      << downgrade.error().message;
  EXPECT_EQ(server_.log().find("/files/" + std::string(kTracker)), std::string::npos)
      << "the http URL was fetched";
}

TEST_F(FetchTest, StopEndsADownloadInFlight) {
  // One byte per second: the idle timeout never fires and the whole file would take hours.
  std::stop_source stop;
  options_.stop = stop.get_token();
  std::jthread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    stop.request_stop();
  });
  const auto start = std::chrono::steady_clock::now();
  auto got = fetch_feed(url("/drip/", kTracker), {}, options_);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::Unavailable) << got.error().message;
  EXPECT_NE(got.error().message.find("cancelled while reading the response body"), std::string::npos)
      << got.error().message;
  EXPECT_NE(got.error().message.find("/drip/"), std::string::npos) << got.error().message;
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  EXPECT_EQ(scratch_files(), 0u);
}

TEST_F(FetchTest, ABodyBelowTheMinimumRateFails) {
  options_.min_rate = 1000;
  options_.min_rate_window = std::chrono::milliseconds(1500);
  const auto start = std::chrono::steady_clock::now();
  auto got = fetch_feed(url("/drip/", kTracker), {}, options_);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::DeadlineExceeded) << got.error().message;
  EXPECT_NE(got.error().message.find("under the minimum"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("/drip/"), std::string::npos) << got.error().message;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_EQ(scratch_files(), 0u);
}

TEST(RedactSource, HidesUserInfoAndQuery) {
  EXPECT_EQ(redact_source("https://u:tok@h.example/a/all.zip"), "https://<redacted>@h.example/a/all.zip");
  EXPECT_EQ(redact_source("https://u:t@k@h.example"), "https://<redacted>@h.example");
  EXPECT_EQ(redact_source("http://h.example/x.json?sig=abc#frag"), "http://h.example/x.json?<redacted>#frag");
  EXPECT_EQ(redact_source("HTTPS://h.example/p@th"), "HTTPS://h.example/p@th");
  EXPECT_EQ(redact_source("/srv/feeds/user:pw@all.zip"), "/srv/feeds/user:pw@all.zip");
  EXPECT_TRUE(is_url_source("HTTP://h/x"));
  EXPECT_FALSE(is_url_source("./http://x"));
}

}  // namespace
}  // namespace regscand::scanner::feeds
