#include "config/fields.hpp"

#include <array>
#include <limits>

#include "config/base/log.hpp"
#include "config/base/text.hpp"
#include "config/feed_source.hpp"
#include "config/limits.hpp"
#include "config/listen_address.hpp"
#include "config/units.hpp"

namespace regscand::config {
namespace {

constexpr std::string_view kString = "a string";
constexpr std::string_view kCount = "a non-negative integer";
constexpr std::string_view kSize = "a size in bytes";
constexpr std::string_view kDuration = "a duration";
constexpr std::string_view kAddress = "an address host:port";
constexpr std::string_view kLevel = "a log level";
constexpr std::string_view kFormat = "text or json";
constexpr std::string_view kRole = "a role";
constexpr std::string_view kBoolean = "true or false";
constexpr std::string_view kOptionalDuration = "a duration or off";

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

Result<void> set_string(std::string& target, std::string_view text) {
  target = std::string(text);
  return {};
}

template <class T>
Result<void> set_count(T& target, std::string_view text, Range range) {
  const auto value = parse_uint(text);
  if (!value) return std::unexpected(value.error());
  if (auto in_range = check_range(*value, range); !in_range) return in_range;
  target = static_cast<T>(*value);
  return {};
}

Result<void> set_size(std::size_t& target, std::string_view text, Range range) {
  const auto value = parse_size(text);
  if (!value) return std::unexpected(value.error());
  if (auto in_range = check_range(*value, range); !in_range) return in_range;
  target = static_cast<std::size_t>(*value);
  return {};
}

Result<void> set_timeout(std::chrono::milliseconds& target, std::string_view text) {
  const auto value = parse_duration(text);
  if (!value) return std::unexpected(value.error());
  if (auto in_range = check_timeout(*value); !in_range) return in_range;
  target = *value;
  return {};
}

Result<void> set_duration(std::chrono::milliseconds& target, std::string_view text, DurationRange range) {
  const auto value = parse_duration(text);
  if (!value) return std::unexpected(value.error());
  if (auto in_range = check_duration(*value, range); !in_range) return in_range;
  target = *value;
  return {};
}

Result<void> set_bool(bool& target, std::string_view text) {
  const auto value = parse_bool(text);
  if (!value) return std::unexpected(value.error());
  target = *value;
  return {};
}

// "off" (any case) is 0 = disabled; anything else a duration in `range`.
Result<void> set_optional_duration(std::chrono::milliseconds& target, std::string_view text,
                                   DurationRange range) {
  if (text::lower_case(text) == "off") {
    target = std::chrono::milliseconds(0);
    return {};
  }
  return set_duration(target, text, range);
}

Result<void> set_listen(ServerConfig& server, std::string_view text) {
  auto address = parse_listen_address(text);
  if (!address) return std::unexpected(std::move(address).error());
  server.listen = std::string(text);
  server.host = std::move(address->host);
  server.port = address->port;
  return {};
}

Result<void> set_level(std::string& target, std::string_view text) {
  if (!log::is_level_name(text)) {
    return fail(ErrorCode::InvalidArgument,
                "must be one of trace, debug, info, warn, error, critical, off; got " + quoted(text));
  }
  target = text::lower_case(text);
  return {};
}

Result<void> set_format(LogFormat& target, std::string_view text) {
  const std::string name = text::lower_case(text);
  if (name == "text") {
    target = LogFormat::Text;
    return {};
  }
  if (name == "json") {
    target = LogFormat::Json;
    return {};
  }
  return fail(ErrorCode::InvalidArgument, "must be text or json, got " + quoted(text));
}

Result<void> set_role(Role& target, std::string_view text) {
  const auto role = parse_role(text);
  if (!role) return fail(ErrorCode::InvalidArgument, "must be reader, writer or admin, got " + quoted(text));
  target = *role;
  return {};
}

// A secret given inline replaces one read from a file and the other way round; both in one layer
// is rejected by the readers through `conflicts_with`.
template <class Item>
Result<void> set_token(Item& item, std::string_view text) {
  item.token = std::string(text);
  item.token_file.clear();
  return {};
}

template <class Item>
Result<void> set_token_file(Item& item, std::string_view text) {
  item.token_file = std::string(text);
  item.token.clear();
  return {};
}

using C = Config&;
using T = std::string_view;

constexpr std::array kScalarFields{
    ScalarField{"server.listen", kAddress, false, "", [](C c, T t) { return set_listen(c.server, t); }},
    ScalarField{"server.tls.cert_file", kString, true, "",
                [](C c, T t) { return set_string(c.server.tls.cert_file, t); }},
    ScalarField{"server.tls.key_file", kString, true, "",
                [](C c, T t) { return set_string(c.server.tls.key_file, t); }},
    ScalarField{"server.body_limit_bytes", kSize, false, "",
                [](C c, T t) { return set_size(c.server.body_limit_bytes, t, kBodyLimitRange); }},
    ScalarField{"server.request_timeout", kDuration, false, "",
                [](C c, T t) { return set_timeout(c.server.request_timeout, t); }},
    ScalarField{"server.shutdown_timeout", kDuration, false, "",
                [](C c, T t) { return set_timeout(c.server.shutdown_timeout, t); }},
    ScalarField{"server.drain_delay", kDuration, false, "",
                [](C c, T t) { return set_duration(c.server.drain_delay, t, kDrainDelayRange); }},
    ScalarField{"server.threads", kCount, false, "",
                [](C c, T t) { return set_count(c.server.threads, t, kThreadsRange); }},
    ScalarField{"database.url", kString, true, "database.url_file",
                [](C c, T t) {
                  c.database.url_file.clear();
                  return set_string(c.database.url, t);
                }},
    ScalarField{"database.url_file", kString, true, "database.url",
                [](C c, T t) {
                  c.database.url.clear();
                  return set_string(c.database.url_file, t);
                }},
    ScalarField{"database.pool_size", kCount, false, "",
                [](C c, T t) { return set_count(c.database.pool_size, t, kPoolSizeRange); }},
    ScalarField{"database.acquire_timeout", kDuration, false, "",
                [](C c, T t) { return set_timeout(c.database.acquire_timeout, t); }},
    ScalarField{"database.connect_timeout", kDuration, false, "",
                [](C c, T t) { return set_timeout(c.database.connect_timeout, t); }},
    ScalarField{"database.embedded.user", kString, true, "",
                [](C c, T t) { return set_string(c.database.embedded.user, t); }},
    ScalarField{"data_dir", kString, true, "",
                [](C c, T t) -> Result<void> {
                  c.data_dir = std::string(t);
                  return {};
                }},
    ScalarField{"logging.level", kLevel, false, "", [](C c, T t) { return set_level(c.logging.level, t); }},
    ScalarField{"logging.format", kFormat, false, "",
                [](C c, T t) { return set_format(c.logging.format, t); }},
    ScalarField{"scanner.workers", kCount, false, "",
                [](C c, T t) { return set_count(c.scanner.workers, t, kWorkersRange); }},
    ScalarField{"scanner.max_attempts", kCount, false, "",
                [](C c, T t) { return set_count(c.scanner.max_attempts, t, kMaxAttemptsRange); }},
    ScalarField{"scanner.lease", kDuration, false, "",
                [](C c, T t) { return set_duration(c.scanner.lease, t, kLeaseRange); }},
    ScalarField{"scanner.poll_interval", kDuration, false, "",
                [](C c, T t) { return set_duration(c.scanner.poll_interval, t, kPollIntervalRange); }},
    ScalarField{"scanner.retry_backoff", kDuration, false, "",
                [](C c, T t) { return set_duration(c.scanner.retry_backoff, t, kRetryBackoffRange); }},
    ScalarField{"scanner.retry_backoff_max", kDuration, false, "",
                [](C c, T t) { return set_duration(c.scanner.retry_backoff_max, t, kRetryBackoffMaxRange); }},
    ScalarField{"scanner.blob_timeout", kDuration, false, "",
                [](C c, T t) { return set_timeout(c.scanner.blob_timeout, t); }},
    ScalarField{"scanner.blob_min_rate", kSize, false, "",
                [](C c, T t) { return set_size(c.scanner.blob_min_rate, t, kBlobMinRateRange); }},
    ScalarField{"scanner.blob_rate_window", kDuration, false, "",
                [](C c, T t) { return set_duration(c.scanner.blob_rate_window, t, kBlobRateWindowRange); }},
    ScalarField{"feeds.mirror", kString, false, "",
                [](C c, T t) { return set_feed_mirror(c.feeds.mirror, t); }},
    ScalarField{"feeds.refresh_interval", kDuration, false, "",
                [](C c, T t) { return set_duration(c.feeds.refresh_interval, t, kRefreshIntervalRange); }},
    ScalarField{"scheduler.enabled", kBoolean, false, "",
                [](C c, T t) { return set_bool(c.scheduler.enabled, t); }},
    ScalarField{"scheduler.tick", kDuration, false, "",
                [](C c, T t) { return set_duration(c.scheduler.tick, t, kTickRange); }},
    ScalarField{"scheduler.pulled_within", kDuration, false, "",
                [](C c, T t) { return set_duration(c.scheduler.pulled_within, t, kPulledWithinRange); }},
    ScalarField{"scheduler.rescan_every", kDuration, false, "",
                [](C c, T t) { return set_duration(c.scheduler.rescan_every, t, kRescanEveryRange); }},
    ScalarField{
        "scheduler.pushed_within", kOptionalDuration, false, "",
        [](C c, T t) { return set_optional_duration(c.scheduler.pushed_within, t, kPushedWithinRange); }},
    ScalarField{"scheduler.max_per_minute", kCount, false, "",
                [](C c, T t) { return set_count(c.scheduler.max_per_minute, t, kMaxPerMinuteRange); }},
};

constexpr std::array kApiTokenFields{
    ItemField<ApiToken>{"name", kString, "", [](ApiToken& i, T t) { return set_string(i.name, t); }},
    ItemField<ApiToken>{"role", kRole, "", [](ApiToken& i, T t) { return set_role(i.role, t); }},
    ItemField<ApiToken>{"token", kString, "token_file", &set_token<ApiToken>},
    ItemField<ApiToken>{"token_file", kString, "token", &set_token_file<ApiToken>},
};

constexpr std::array kWebhookTokenFields{
    ItemField<WebhookToken>{"name", kString, "", [](WebhookToken& i, T t) { return set_string(i.name, t); }},
    ItemField<WebhookToken>{"token", kString, "token_file", &set_token<WebhookToken>},
    ItemField<WebhookToken>{"token_file", kString, "token", &set_token_file<WebhookToken>},
};

}  // namespace

std::span<const ScalarField> scalar_fields() {
  return kScalarFields;
}

const ScalarField* find_scalar_field(std::string_view path) {
  for (const auto& field : kScalarFields) {
    if (field.path == path) return &field;
  }
  return nullptr;
}

std::span<const ItemField<ApiToken>> api_token_fields() {
  return kApiTokenFields;
}
std::span<const ItemField<WebhookToken>> webhook_token_fields() {
  return kWebhookTokenFields;
}

std::string env_name(std::string_view path) {
  std::string name = "REGSCAND_";
  for (const char c : path) {
    name.push_back(c == '.' ? '_' : (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return name;
}

std::unexpected<Error> key_error(std::string_view path, std::string_view problem, std::string_view origin) {
  std::string message = std::string(path) + ": " + std::string(problem);
  if (!origin.empty()) message += " (" + std::string(origin) + ")";
  return fail(ErrorCode::InvalidArgument, std::move(message));
}

}  // namespace regscand::config
