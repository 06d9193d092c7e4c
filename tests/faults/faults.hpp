// Shared by the fault tests: a distribution push event posted to the daemon's webhook as the registry would,
// a probe that times the API's health and read endpoints while a fault is in progress, a feed source that
// misbehaves on demand and the daemon's fixture reading from it.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/server/daemon_e2e.hpp"
#include "tests/support/test_data.hpp"

namespace regscand::testing {

// The POST of one push event to /v1/webhooks/local.
inline HttpRequest push_event_request(const std::string& id, const std::string& repository,
                                      const std::string& digest, const std::string& tag = "v1") {
  return make_request("POST", "/v1/webhooks/local",
                      {{"Authorization", std::string("Bearer ") + kHookToken},
                       {"Content-Type", "application/vnd.docker.distribution.events.v1+json"}},
                      push_event_body(id, repository, digest, tag));
}

// POSTs one push event on a connection of its own; the HTTP status (throws on a connection error).
inline int post_push_event(std::uint16_t port, const std::string& id, const std::string& repository,
                           const std::string& digest, const std::string& tag = "v1") {
  return http_request(port, push_event_request(id, repository, digest, tag)).status;
}

// Until stopped, GETs /healthz, /readyz and /v1/jobs in turn and keeps the slowest answer and any status
// other than 200.
class ApiProbe {
 public:
  explicit ApiProbe(std::uint16_t port)
      : thread_([this, port] {
          const Headers auth{{"Authorization", std::string("Bearer ") + kReaderToken}};
          while (!stop_) {
            for (const char* path : {"/healthz", "/readyz", "/v1/jobs?limit=50"}) {
              const auto began = std::chrono::steady_clock::now();
              int status = 0;
              try {
                status = http_get(port, path, auth).status;
              } catch (const std::exception&) {
              }
              const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - began);
              slowest_ms_ = std::max<std::int64_t>(slowest_ms_, took.count());
              ++requests_;
              if (status != 200) ++failures_;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
        }) {}
  ~ApiProbe() { stop(); }
  ApiProbe(const ApiProbe&) = delete;
  ApiProbe& operator=(const ApiProbe&) = delete;

  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::int64_t slowest_ms() const { return slowest_ms_; }
  int requests() const { return requests_; }
  int failures() const { return failures_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> slowest_ms_{0};
  std::atomic<int> requests_{0};
  std::atomic<int> failures_{0};
  std::thread thread_;  // last: started once the counters exist
};

// A feed source (one URL, http://127.0.0.1:PORT/osv/all.zip) serving a good OSV zip until told to misbehave:
// garbage bytes, the zip truncated (half of it, as a complete response), a body announcing 10 GiB, or an
// endless body with no length. The streamed bodies stop after 256 MiB or when the client goes away.
class HostileFeed {
 public:
  enum class Mode { Good, Garbage, TruncatedZip, AnnouncedTenGiB, Endless };

  explicit HostileFeed(std::string zip)
      : zip_(std::move(zip)), server_([this](FakeExchange& ex) { serve(ex); }) {}

  std::string url() const { return server_.url() + "/osv/all.zip"; }
  void set(Mode mode) { mode_ = mode; }
  // Bytes written in the streamed bodies so far.
  std::uint64_t streamed() const { return streamed_; }

 private:
  void serve(FakeExchange& ex) {
    if (ex.request().path() != "/osv/all.zip") return ex.respond(404);
    switch (mode_.load()) {
      case Mode::Good:
        return ex.respond(200, {{"Content-Type", "application/zip"}}, zip_);
      case Mode::Garbage:
        return ex.respond(200, {{"Content-Type", "application/zip"}}, std::string(64 * 1024, '\x5a'));
      case Mode::TruncatedZip:
        return ex.respond(200, {{"Content-Type", "application/zip"}}, zip_.substr(0, zip_.size() / 2));
      case Mode::AnnouncedTenGiB:
        return stream(ex, "Content-Length: 10737418240\r\n");
      case Mode::Endless:
        return stream(ex, "Connection: close\r\n");
    }
  }
  void stream(FakeExchange& ex, const std::string& framing) {
    ex.close();
    if (!ex.write("HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\n" + framing + "\r\n")) return;
    const std::string chunk(64 * 1024, 'z');
    for (std::uint64_t sent = 0; sent < (256u << 20) && ex.write(chunk); sent += chunk.size()) {
      streamed_ += chunk.size();
    }
  }

  std::string zip_;
  std::atomic<Mode> mode_{Mode::Good};
  std::atomic<std::uint64_t> streamed_{0};
  FakeHttpServer server_;  // last: stopped before the state its handler reads
};

// The daemon's fixture with one feed source: a HostileFeed serving tests/data's OSV Go zip until told
// otherwise, and what the daemon stored of it.
class HostileFeedE2E : public DaemonE2E {
 protected:
  std::string feeds_config() const override {
    return "{sources: [\"" + feed_.url() + "\"], refresh_interval: 1h}";
  }
  // `regscand feeds import` with the daemon's configuration.
  CommandResult import_feeds() {
    return run_command(
        {REGSCAND_BINARY, "feeds", "import", "--config", (dir_.path() / "regscand.yaml").string()},
        std::chrono::seconds(60));
  }
  std::int64_t advisories() {
    return count("SELECT count(*) FROM advisories WHERE source = '" + feed_.url() + "'");
  }
  std::string last_error() {
    const auto row =
        query("SELECT coalesce(last_error, '') FROM feed_sources WHERE source = '" + feed_.url() + "'");
    return row.empty() ? "" : row[0][0].as<std::string>();
  }

  HostileFeed feed_{read_file(test_data() / "feeds/osv/Go/all.zip")};
};

}  // namespace regscand::testing
