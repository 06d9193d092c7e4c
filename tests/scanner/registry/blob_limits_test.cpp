// A blob download's bounds against scripted servers: a minimum transfer rate per window (a drip that keeps
// the idle timeout at bay still ends), the total blob deadline, and cancellation through ClientOptions::stop
// (a body in flight, a retry wait). Each failure names the limit it hit.
#include <gtest/gtest.h>

#include <chrono>
#include <stop_token>
#include <string>
#include <thread>

#include "config/base/sha256.hpp"
#include "scanner/registry/client.hpp"
#include "tests/support/registry.hpp"

namespace regscand::scanner::registry {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::FakeExchange;
using testing::FakeHttpServer;

config::RegistryConfig registry_config(const FakeHttpServer& server) {
  config::RegistryConfig config;
  config.name = "fake";
  config.url = server.url();
  return config;
}

// Fast timeouts; the idle read timeout (2 s) is longer than any pause the servers below make.
ClientOptions options() {
  ClientOptions o;
  o.connect_timeout = 2s;
  o.read_timeout = 2s;
  o.request_timeout = 10s;
  o.blob_timeout = 20s;
  o.blob_min_rate = 0;
  return o;
}

RegistryClient make_client(const FakeHttpServer& server, ClientOptions o) {
  auto client = RegistryClient::create(registry_config(server), std::move(o));
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

Digest digest_of(const std::string& blob) {
  return *Digest::parse("sha256:" + sha256_hex(blob));
}

// Answers with `blob`, `piece` bytes at a time with `pause` between them.
FakeHttpServer::Handler trickle(const std::string& blob, std::size_t piece, std::chrono::milliseconds pause) {
  return [blob, piece, pause](FakeExchange& exchange) {
    if (!exchange.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(blob.size()) + "\r\n\r\n"))
      return;
    for (std::size_t at = 0; at < blob.size(); at += piece) {
      if (!exchange.write(std::string_view(blob).substr(at, piece))) return;
      if (at + piece < blob.size() && !exchange.sleep(pause)) return;
    }
  };
}

TEST(BlobLimits, DripUnderTheMinimumRateFailsAfterOneWindow) {
  // 1 byte every 100 ms (10 B/s): never idle long enough for the read timeout, done only after 4 s.
  const std::string blob(40, 'd');
  FakeHttpServer server(trickle(blob, 1, 100ms));
  auto o = options();
  o.blob_min_rate = 1024;
  o.blob_rate_window = 1s;
  auto client = make_client(server, o);
  StringSink sink(1 << 20);
  const auto start = Clock::now();
  auto fetched = client.fetch_blob("app", digest_of(blob), sink, 1 << 20);
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(fetched) << "a 10 B/s blob passed a 1 KiB/s minimum";
  EXPECT_EQ(fetched.error().code, ErrorCode::DeadlineExceeded) << fetched.error().message;
  const auto& message = fetched.error().message;
  EXPECT_NE(message.find("blob app@" + digest_of(blob).str()), std::string::npos) << message;
  EXPECT_NE(message.find("transfer rate "), std::string::npos) << message;
  EXPECT_NE(message.find(" B/s under the minimum 1 KiB/s over 1 s"), std::string::npos) << message;
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 2500ms);
}

TEST(BlobLimits, StallAfterABurstFailsAfterOneWindow) {
  // Half the blob at once, then nothing: the burst does not pay for the stall.
  const std::string blob(64 * 1024, 's');
  FakeHttpServer server([&](FakeExchange& exchange) {
    exchange.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(blob.size()) + "\r\n\r\n");
    exchange.write(std::string_view(blob).substr(0, blob.size() / 2));
    exchange.sleep(10s);
  });
  auto o = options();
  o.read_timeout = 10s;
  o.blob_min_rate = 1024;
  o.blob_rate_window = 1s;
  auto client = make_client(server, o);
  StringSink sink(1 << 20);
  const auto start = Clock::now();
  auto fetched = client.fetch_blob("app", digest_of(blob), sink, 1 << 20);
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().code, ErrorCode::DeadlineExceeded) << fetched.error().message;
  EXPECT_NE(fetched.error().message.find("transfer rate 0 B/s under the minimum 1 KiB/s over 1 s"),
            std::string::npos)
      << fetched.error().message;
  EXPECT_LT(elapsed, 2500ms);
}

TEST(BlobLimits, SteadyDownloadAboveTheMinimumRatePassesOverManyWindows) {
  // 4 KiB every 100 ms (about 40 KiB/s) for 1.5 s, against 10 KiB/s over 300 ms windows.
  std::string blob;
  for (int i = 0; blob.size() < 64 * 1024; ++i) blob += std::to_string(i) + ",";
  FakeHttpServer server(trickle(blob, 4096, 100ms));
  auto o = options();
  o.blob_min_rate = 10 * 1024;
  o.blob_rate_window = 300ms;
  auto client = make_client(server, o);
  StringSink sink(1 << 20);
  auto fetched = client.fetch_blob("app", digest_of(blob), sink, 1 << 20);
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(sink.data(), blob);
}

TEST(BlobLimits, BlobTimeoutEndsADownloadThatKeepsTheRate) {
  // 100 bytes every 100 ms passes a 100 B/s minimum but needs 3 s; the blob timeout is 1 s.
  const std::string blob(3000, 't');
  FakeHttpServer server(trickle(blob, 100, 100ms));
  auto o = options();
  o.blob_timeout = 1s;
  o.blob_min_rate = 100;
  o.blob_rate_window = 1s;
  auto client = make_client(server, o);
  StringSink sink(1 << 20);
  const auto start = Clock::now();
  auto fetched = client.fetch_blob("app", digest_of(blob), sink, 1 << 20);
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().code, ErrorCode::DeadlineExceeded) << fetched.error().message;
  EXPECT_NE(fetched.error().message.find("blob app@sha256:"), std::string::npos) << fetched.error().message;
  EXPECT_NE(fetched.error().message.find("not complete within the blob timeout of 1 s"), std::string::npos)
      << fetched.error().message;
  EXPECT_LT(elapsed, 2s);
}

TEST(BlobLimits, StopCancelsABodyInFlight) {
  const std::string blob(64 * 1024, 'c');
  FakeHttpServer server([&](FakeExchange& exchange) {
    exchange.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(blob.size()) + "\r\n\r\nccc");
    exchange.sleep(10s);
  });
  std::stop_source stop;
  auto o = options();
  o.read_timeout = 10s;
  o.stop = stop.get_token();
  auto client = make_client(server, o);
  std::jthread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  StringSink sink(1 << 20);
  const auto start = Clock::now();
  auto fetched = client.fetch_blob("app", digest_of(blob), sink, 1 << 20);
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().code, ErrorCode::Unavailable) << fetched.error().message;
  EXPECT_NE(fetched.error().message.find("cancelled while reading the response body"), std::string::npos)
      << fetched.error().message;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 1500ms);

  // Stopped for good: the next request fails before it is sent.
  const auto requests = server.requests().size();
  auto again = client.resolve_manifest("app", "latest");
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("cancelled"), std::string::npos) << again.error().message;
  EXPECT_EQ(server.requests().size(), requests);
}

TEST(BlobLimits, StopEndsTheWaitBetweenAttempts) {
  FakeHttpServer server([](FakeExchange& exchange) { exchange.respond(503, {{"Retry-After", "30"}}); });
  std::stop_source stop;
  auto o = options();
  o.max_backoff = 30s;
  o.stop = stop.get_token();
  auto client = make_client(server, o);
  std::jthread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  StringSink sink(1 << 20);
  const auto start = Clock::now();
  auto fetched = client.fetch_blob("app", digest_of("x"), sink, 1 << 20);
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(fetched);
  EXPECT_NE(fetched.error().message.find("cancelled"), std::string::npos) << fetched.error().message;
  EXPECT_LT(elapsed, 1500ms);
  EXPECT_EQ(server.requests().size(), 1u);
}

}  // namespace
}  // namespace regscand::scanner::registry
