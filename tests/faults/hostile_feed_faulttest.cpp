// A feed source turned hostile after a good import, behind the real binary on a real PostgreSQL: the daemon
// imports the source (an OSV zip) at start; then `regscand feeds import` meets garbage, a truncated zip and a
// body announcing 10 GiB. Each import is rejected naming the reason, recorded as the source's last error, and
// the advisories of the good import are kept; the daemon serves throughout. (An endless body without a
// length is stopped by the scratch space: scratch_full_faulttest.cpp. The size cap itself, and a body cut
// off mid-transfer, are tests/server/feeds/feed_service_pgtest.cpp.)
#include <signal.h>

#include <gtest/gtest.h>

#include <cstdio>

#include "tests/faults/faults.hpp"
#include "tests/support/test_data.hpp"

namespace regscand::testing {
namespace {

using namespace std::chrono_literals;

class HostileFeedFaults : public HostileFeedE2E {
 protected:
  std::string scanner_config() const override { return "{workers: 0}"; }
};

TEST_F(HostileFeedFaults, GarbageATruncatedZipAndTenGiBAreRejectedAndTheAdvisoriesKept) {
  auto daemon = start_daemon();
  ASSERT_TRUE(within_a_minute([&] {
    return count("SELECT count(*) FROM feed_sources WHERE source = '" + feed_.url() +
                 "' AND last_success_at IS NOT NULL") == 1;
  })) << daemon->log();
  const auto imported = advisories();
  ASSERT_GT(imported, 0);

  struct Case {
    HostileFeed::Mode mode;
    std::string name;
    std::string reason;
  };
  const Case cases[] = {
      {HostileFeed::Mode::Garbage, "garbage", feed_.url() + ": not a feed regscand reads"},
      {HostileFeed::Mode::TruncatedZip, "truncated zip", "osv: " + feed_.url() + "/"},
      {HostileFeed::Mode::AnnouncedTenGiB, "10 GiB", "body larger than the limit of 2147483648 bytes"},
  };
  std::string figures;
  for (const auto& c : cases) {
    feed_.set(c.mode);
    const auto started = std::chrono::steady_clock::now();
    const auto result = import_feeds();
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    EXPECT_EQ(result.exit_code, 1) << c.name << "\n" << result.output;
    EXPECT_NE(result.output.find(feed_.url() + ": error: "), std::string::npos) << c.name << "\n"
                                                                                << result.output;
    EXPECT_NE(result.output.find(c.reason), std::string::npos) << c.name << "\n" << result.output;
    const auto error = last_error();
    EXPECT_NE(error.find(c.reason), std::string::npos) << c.name << ": " << error;
    EXPECT_EQ(error.find("feed-"), std::string::npos) << c.name << ": names the scratch file: " << error;
    EXPECT_EQ(advisories(), imported) << c.name << ": the advisories of the good import are kept";
    EXPECT_EQ(http_get(port_, "/healthz").status, 200);
    EXPECT_EQ(http_get(port_, "/readyz").status, 200);
    figures += "[figure] " + c.name + ": rejected in " + std::to_string(took.count()) + " ms, \"" + error +
               "\", " + std::to_string(advisories()) + " of " + std::to_string(imported) +
               " advisories kept\n";
  }
  std::printf("%s[figure] bytes streamed by the 10 GiB body before the client left: %llu\n", figures.c_str(),
              static_cast<unsigned long long>(feed_.streamed()));
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(60s), 0) << daemon->log();
}

}  // namespace
}  // namespace regscand::testing
