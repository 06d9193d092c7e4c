// scheduler: defaults, YAML, REGSCAND_SCHEDULER_* overrides, ranges and "off", validate() and the dump.
#include <gtest/gtest.h>

#include <string>

#include "config/config.hpp"
#include "tests/config/config_test_helpers.hpp"

namespace regscand::config {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using test::expect_error;
using test::load_yaml;

TEST(Scheduler, Defaults) {
  const auto config = load(std::nullopt, {});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const auto& s = config->scheduler;
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.tick, hours(1));
  EXPECT_EQ(s.pulled_within, days(30));
  EXPECT_EQ(s.rescan_every, days(7));
  EXPECT_EQ(s.pushed_within, milliseconds(0));
  EXPECT_EQ(s.max_per_minute, 600u);
}

TEST(Scheduler, ReadsYaml) {
  const auto config = load_yaml(R"(
scheduler:
  enabled: false
  tick: 15m
  pulled_within: 60d
  rescan_every: 1d
  pushed_within: 90d
  max_per_minute: 20
)");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const auto& s = config->scheduler;
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.tick, minutes(15));
  EXPECT_EQ(s.pulled_within, days(60));
  EXPECT_EQ(s.rescan_every, days(1));
  EXPECT_EQ(s.pushed_within, days(90));
  EXPECT_EQ(s.max_per_minute, 20u);
}

TEST(Scheduler, PushedWithinOffDisables) {
  for (const char* off : {"off", "OFF", "Off"}) {
    const auto config =
        load_yaml("scheduler: {pushed_within: 90d}\n", {{"REGSCAND_SCHEDULER_PUSHED_WITHIN", off}});
    ASSERT_TRUE(config.has_value()) << config.error().message;
    EXPECT_EQ(config->scheduler.pushed_within, milliseconds(0)) << off;
  }
}

TEST(Scheduler, EnvironmentOverridesTheFile) {
  const auto config =
      load_yaml("scheduler: {tick: 2h, max_per_minute: 5}\n", {{"REGSCAND_SCHEDULER_TICK", "10m"},
                                                               {"REGSCAND_SCHEDULER_ENABLED", "false"},
                                                               {"REGSCAND_SCHEDULER_PULLED_WITHIN", "29d"},
                                                               {"REGSCAND_SCHEDULER_RESCAN_EVERY", "12h"},
                                                               {"REGSCAND_SCHEDULER_MAX_PER_MINUTE", "7"}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->scheduler.tick, minutes(10));
  EXPECT_FALSE(config->scheduler.enabled);
  EXPECT_EQ(config->scheduler.pulled_within, days(29));
  EXPECT_EQ(config->scheduler.rescan_every, hours(12));
  EXPECT_EQ(config->scheduler.max_per_minute, 7u);
}

TEST(Scheduler, RejectsBadValuesNamingTheKey) {
  expect_error(load_yaml("scheduler: {tick: 0s}\n"), "scheduler.tick: must be 1s..7d, got 0s (test.yaml:1:");
  expect_error(load_yaml("scheduler: {tick: 8d}\n"), "scheduler.tick: must be 1s..7d, got 8d");
  expect_error(load_yaml("scheduler: {pulled_within: 30s}\n"), "scheduler.pulled_within: must be 1m..3650d");
  expect_error(load_yaml("scheduler: {rescan_every: 400d}\n"), "scheduler.rescan_every: must be 1m..365d");
  expect_error(load_yaml("scheduler: {pushed_within: never}\n"), "scheduler.pushed_within: ");
  expect_error(load_yaml("scheduler: {pushed_within: 0s}\n"), "scheduler.pushed_within: must be 1m..3650d");
  expect_error(load_yaml("scheduler: {max_per_minute: 0}\n"),
               "scheduler.max_per_minute: must be 1..100000, got 0");
  expect_error(load_yaml("scheduler: {max_per_minute: -1}\n"), "scheduler.max_per_minute: ");
  expect_error(load_yaml("scheduler: {enabled: yes}\n"), "scheduler.enabled: ");
  expect_error(load_yaml("scheduler: {tik: 1h}\n"), "scheduler.tik: unknown key");
  expect_error(load(std::nullopt, {{"REGSCAND_SCHEDULER_TICK", "1x"}}), "scheduler.tick: ");
  expect_error(load(std::nullopt, {{"REGSCAND_SCHEDULER_TICK", "1x"}}), "(from REGSCAND_SCHEDULER_TICK)");
}

TEST(Scheduler, ValidateChecksAConfigBuiltInCode) {
  Config config;
  config.scheduler.max_per_minute = 0;
  expect_error(validate(config), "scheduler.max_per_minute: must be 1..100000, got 0");
  config = Config{};
  config.scheduler.pushed_within = std::chrono::seconds(5);
  expect_error(validate(config), "scheduler.pushed_within: must be 1m..3650d, got 5s");
  config = Config{};
  config.scheduler.pushed_within = milliseconds(0);
  EXPECT_TRUE(validate(config).has_value());
}

TEST(Scheduler, DumpRoundTrips) {
  Config config;
  config.scheduler.pushed_within = days(90);
  config.scheduler.max_per_minute = 42;
  config.scheduler.enabled = false;
  const std::string dump = dump_redacted(config);
  EXPECT_NE(dump.find("pushed_within: 90d"), std::string::npos) << dump;
  const auto again = load_yaml(dump);
  ASSERT_TRUE(again.has_value()) << again.error().message << "\n" << dump;
  EXPECT_EQ(again->scheduler.pushed_within, days(90));
  EXPECT_EQ(again->scheduler.max_per_minute, 42u);
  EXPECT_FALSE(again->scheduler.enabled);
  EXPECT_NE(dump_redacted(Config{}).find("pushed_within: off"), std::string::npos);
}

}  // namespace
}  // namespace regscand::config
