#include "config/base/log.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <utility>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "config/base/json_formatter.hpp"

namespace regscand::log {
namespace {

struct LevelName {
  std::string_view name;
  spdlog::level::level_enum level;
};

constexpr std::array kLevels{
    LevelName{"trace", spdlog::level::trace}, LevelName{"debug", spdlog::level::debug},
    LevelName{"info", spdlog::level::info},   LevelName{"warn", spdlog::level::warn},
    LevelName{"error", spdlog::level::err},   LevelName{"critical", spdlog::level::critical},
    LevelName{"off", spdlog::level::off},
};

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<spdlog::level::level_enum> find_level(std::string_view name) {
  for (const auto& entry : kLevels) {
    if (equals_ignore_case(entry.name, name)) return entry.level;
  }
  return std::nullopt;
}

bool is_secret_key(std::string_view key) {
  return equals_ignore_case(key, "password") || equals_ignore_case(key, "sslpassword");
}

bool starts_with_ignore_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equals_ignore_case(text.substr(0, prefix.size()), prefix);
}

constexpr std::string_view kRedacted = "<redacted>";

// "a=1&password=x" -> "a=1&password=<redacted>".
std::string redact_query(std::string_view query) {
  std::string out;
  while (true) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && is_secret_key(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1)).append(kRedacted);
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) return out;
    out.push_back('&');
    query.remove_prefix(amp + 1);
  }
}

// URI form. Like libpq, the user info ends at the first '@' that comes before any '/'.
std::string redact_uri(std::string_view url) {
  const auto scheme_end = url.find("://") + 3;
  std::string out(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end);
  const auto at_or_slash = rest.find_first_of("@/");
  if (at_or_slash != std::string_view::npos && rest[at_or_slash] == '@') {
    const std::string_view userinfo = rest.substr(0, at_or_slash);
    const auto colon = userinfo.find(':');
    out.append(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) out.append(":").append(kRedacted);
    out.push_back('@');
    rest.remove_prefix(at_or_slash + 1);
  }
  const auto question = rest.find('?');
  out.append(rest.substr(0, question));
  if (question == std::string_view::npos) return out;
  out.push_back('?');
  out.append(redact_query(rest.substr(question + 1)));
  return out;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Length of a key=value value at the start of `text`: a single-quoted string with backslash
// escapes, or a run of non-space characters (backslash escapes allowed there too).
std::size_t value_length(std::string_view text) {
  const bool quoted = !text.empty() && text[0] == '\'';
  std::size_t i = quoted ? 1 : 0;
  while (i < text.size()) {
    if (text[i] == '\\') {
      i += 2;
      continue;
    }
    if (quoted && text[i] == '\'') return i + 1;
    if (!quoted && is_space(text[i])) return i;
    ++i;
  }
  return text.size();
}

// key=value form: "host=h password = 'x y' user=u". Whitespace is kept as written.
std::string redact_keyword_form(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_space(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    const std::size_t key_start = i;
    while (i < text.size() && text[i] != '=' && !is_space(text[i])) ++i;
    const std::string_view key = text.substr(key_start, i - key_start);
    std::size_t j = i;
    while (j < text.size() && is_space(text[j])) ++j;
    if (j >= text.size() || text[j] != '=') {  // not key=value: copy the word as it is
      out.append(key);
      continue;
    }
    ++j;
    while (j < text.size() && is_space(text[j])) ++j;
    const std::size_t length = value_length(text.substr(j));
    out.append(text.substr(key_start, j - key_start));
    out.append(is_secret_key(key) ? kRedacted : text.substr(j, length));
    i = std::min(j + length, text.size());
  }
  return out;
}

}  // namespace

bool is_level_name(std::string_view name) {
  return find_level(name).has_value();
}

Result<void> setup(std::string_view level, Format format) {
  const auto parsed = find_level(level);
  if (!parsed) {
    return fail(ErrorCode::InvalidArgument,
                "log level must be one of trace, debug, info, warn, error, critical, off; got \"" +
                    std::string(level) + "\"");
  }
  try {
    auto logger =
        std::make_shared<spdlog::logger>("regscand", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    if (format == Format::Json) {
      logger->set_formatter(std::make_unique<JsonFormatter>());
    } else {
      logger->set_pattern(std::string(kTextPattern));
    }
    logger->set_level(*parsed);
    spdlog::set_default_logger(std::move(logger));
  } catch (const spdlog::spdlog_ex& e) {
    return fail(ErrorCode::Internal, std::string("log setup: ") + e.what());
  }
  return {};
}

std::string redact_url(std::string_view url) {
  if (starts_with_ignore_case(url, "postgresql://") || starts_with_ignore_case(url, "postgres://")) {
    return redact_uri(url);
  }
  return redact_keyword_form(url);
}

}  // namespace regscand::log
