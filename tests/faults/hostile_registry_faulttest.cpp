// A hostile registry (FakeHttpServer serving images built with OciLayoutBuilder, the push webhooks posted by
// the test) behind the real `regscand serve` on a real PostgreSQL. Faults, each on a repository of its own:
// every manifest GET answered 500; every manifest GET answered 429 with Retry-After: 1; the layer blob cut
// off halfway (announced length, half the bytes, connection closed). Each job is retried with the
// configured backoff and ends dead with the reason; a sound image from the same server is scanned; and all
// the while GET /healthz, /readyz and /v1/jobs answer within 1 s.
//
// A redirect loop, a decompression bomb and a 50 MB manifest (permanent: failed at once) are
// tests/server/pull_path_e2etest.cpp; a blob dripped under scanner.blob_min_rate is
// tests/server/shutdown_e2etest.cpp.
#include <signal.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <mutex>
#include <regex>
#include <vector>

#include "tests/faults/faults.hpp"
#include "tests/support/test_data.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kMaxAttempts = 3;

// Serves the images of an OCI layout under any repository name, except that a repository named for a
// fault answers with it: "hostile/e500", "hostile/e429", "hostile/cut" (the layer cut off halfway).
// Keeps when each request arrived, per repository and kind.
class HostileRegistry {
 public:
  explicit HostileRegistry(std::filesystem::path dir)
      : layout_(std::move(dir)), server_([this](FakeExchange& ex) { serve(ex); }) {}

  OciImage add(const std::string& tag) {
    auto image = layout_.add_image({files_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                                                 {"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\nA:x86_64\n\n"},
                                                 {"etc/nonce", unique_suffix(4096)}})},
                                   tag);
    std::lock_guard lock(mutex_);
    media_types_[image.manifest.digest] = image.manifest.media_type;
    return image;
  }
  std::string url() const { return server_.url(); }
  // When each GET of `kind` ("manifests" or "blobs") for `repository` arrived.
  std::vector<Clock::time_point> arrivals(const std::string& repository, const std::string& kind) const {
    std::lock_guard lock(mutex_);
    const auto it = arrivals_.find(repository + " " + kind);
    return it == arrivals_.end() ? std::vector<Clock::time_point>{} : it->second;
  }

 private:
  void serve(FakeExchange& ex) {
    static const std::regex route(R"(/v2/(.+)/(manifests|blobs)/(sha256:[0-9a-f]{64}))");
    std::smatch m;
    const std::string path = ex.request().path();
    if (path == "/v2/") return ex.respond(200, {{"Content-Type", "application/json"}}, "{}");
    if (ex.request().method != "GET" || !std::regex_match(path, m, route)) return ex.respond(404);
    const std::string repository = m[1], kind = m[2], digest = m[3];
    std::string media_type = "application/octet-stream";
    {
      std::lock_guard lock(mutex_);
      arrivals_[repository + " " + kind].push_back(Clock::now());
      if (const auto it = media_types_.find(digest); it != media_types_.end()) media_type = it->second;
    }
    if (kind == "manifests" && repository == "hostile/e500") return ex.respond(500, {}, "internal error\n");
    if (kind == "manifests" && repository == "hostile/e429") {
      return ex.respond(429, {{"Retry-After", "1"}}, "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\"}]}");
    }
    const auto file = layout_.dir() / "blobs" / "sha256" / digest.substr(7);
    if (!std::filesystem::exists(file)) return ex.respond(404);
    const auto body = read_file(file);
    if (kind == "blobs" && repository == "hostile/cut" && media_type == "application/octet-stream" &&
        body.size() > 1000) {
      ex.close();
      ex.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2));
      return;
    }
    ex.respond(200, {{"Content-Type", media_type}, {"Docker-Content-Digest", digest}}, body);
  }

  OciLayoutBuilder layout_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> media_types_;
  std::map<std::string, std::vector<Clock::time_point>> arrivals_;
  FakeHttpServer server_;  // last: stopped before the state its handler reads
};

class HostileRegistryFaults : public DaemonE2E {
 protected:
  std::string registry_url() const override { return hostile_.url(); }
  std::string scanner_config() const override {
    return "{workers: 4, poll_interval: 100ms, lease: 3s, retry_backoff: 500ms, retry_backoff_max: 2s, "
           "max_attempts: " +
           std::to_string(kMaxAttempts) + "}";
  }

  // The job of `digest` once it has ended: {state, attempts, last_error}.
  std::tuple<std::string, int, std::string> outcome(const std::string& digest) {
    const std::string where = " FROM jobs WHERE digest = '" + digest + "'";
    EXPECT_TRUE(within_a_minute([&] {
      return count("SELECT count(*)" + where + " AND state IN ('succeeded', 'failed', 'dead')") == 1;
    })) << digest;
    const auto row = query("SELECT state, attempts, coalesce(last_error, '')" + where);
    if (row.size() != 1) return {};
    return {row[0][0].as<std::string>(), row[0][1].as<int>(), row[0][2].as<std::string>()};
  }

  HostileRegistry hostile_{dir_.path() / "hostile-layout"};
};

std::int64_t ms(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// The shortest gap between consecutive times within each run of `run` (the requests of one attempt), in ms
// (-1 with none).
std::int64_t shortest_gap_ms(const std::vector<Clock::time_point>& times, std::size_t run) {
  std::int64_t shortest = -1;
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (i % run == 0) continue;
    const auto gap = ms(times[i] - times[i - 1]);
    if (shortest < 0 || gap < shortest) shortest = gap;
  }
  return shortest;
}

TEST_F(HostileRegistryFaults, TransientFailuresAreRetriedWithBackoffThenEndWithTheirReason) {
  auto daemon = start_daemon();
  ApiProbe probe(port_);
  const auto started = Clock::now();
  struct Case {
    std::string repository;
    OciImage image;
    std::string reason;
  };
  std::vector<Case> cases{{"hostile/e500", hostile_.add("e500"), "HTTP 500"},
                          {"hostile/e429", hostile_.add("e429"), "HTTP 429 after 4 attempts"},
                          {"hostile/cut", hostile_.add("cut"), "partial message"}};
  const auto fine = hostile_.add("fine");
  for (const auto& c : cases) {
    ASSERT_EQ(post_push_event(port_, unique_suffix(), c.repository, c.image.manifest.digest), 202);
  }
  ASSERT_EQ(post_push_event(port_, unique_suffix(), "hostile/fine", fine.manifest.digest), 202);

  const auto [fine_state, fine_attempts, fine_error] = outcome(fine.manifest.digest);
  EXPECT_EQ(fine_state, "succeeded") << fine_error << "\n" << daemon->log();
  EXPECT_EQ(fine_attempts, 1);

  std::string figures;
  for (const auto& c : cases) {
    const auto [state, attempts, error] = outcome(c.image.manifest.digest);
    EXPECT_EQ(state, "dead") << c.repository << ": " << error;
    EXPECT_EQ(attempts, kMaxAttempts) << c.repository;
    EXPECT_NE(error.find(c.reason), std::string::npos) << c.repository << ": " << error;
    EXPECT_NE(error.find(c.repository), std::string::npos) << error;
    figures += "  " + c.repository + ": " + state + " after " + std::to_string(attempts) + " attempts, \"" +
               error + "\"\n";
  }
  const auto elapsed = Clock::now() - started;

  // 500: one manifest GET per attempt, the attempts spaced by the backoff (500 ms doubling, jitter down to
  // half: at least 250 ms, then 500 ms).
  const auto e500 = hostile_.arrivals("hostile/e500", "manifests");
  ASSERT_EQ(e500.size(), static_cast<std::size_t>(kMaxAttempts));
  EXPECT_GE(ms(e500[1] - e500[0]), 250);
  EXPECT_GE(ms(e500[2] - e500[1]), 500);
  // 429: four GETs per attempt, Retry-After (1 s) respected between them.
  const auto e429 = hostile_.arrivals("hostile/e429", "manifests");
  EXPECT_EQ(e429.size(), static_cast<std::size_t>(4 * kMaxAttempts));
  EXPECT_GE(shortest_gap_ms(e429, 4), 900);
  // Cut blob: the layer asked once per attempt, the attempts spaced by the backoff.
  const auto cut = hostile_.arrivals("hostile/cut", "blobs");
  EXPECT_GE(cut.size(), static_cast<std::size_t>(kMaxAttempts));

  probe.stop();
  EXPECT_EQ(probe.failures(), 0);
  EXPECT_LT(probe.slowest_ms(), 1000) << "an API answer took " << probe.slowest_ms() << " ms";
  std::printf(
      "[figure] 3 hostile repositories ended in %lld ms:\n%s"
      "[figure] 500: %zu manifest GETs, gaps %lld and %lld ms; 429: %zu GETs, shortest gap within an attempt "
      "%lld ms; "
      "cut blob: %zu blob GETs; API: %d probes, slowest %lld ms, %d failed\n",
      static_cast<long long>(ms(elapsed)), figures.c_str(), e500.size(),
      static_cast<long long>(ms(e500[1] - e500[0])), static_cast<long long>(ms(e500[2] - e500[1])),
      e429.size(), static_cast<long long>(shortest_gap_ms(e429, 4)), cut.size(), probe.requests(),
      static_cast<long long>(probe.slowest_ms()), probe.failures());
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(60s), 0) << daemon->log();
}

}  // namespace
}  // namespace regscand::testing
