// Process-wide spdlog setup (text or one JSON object per line). Secrets never reach a log line:
// callers log names, never tokens; redact_url() strips passwords from libpq URLs.
#pragma once

#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::log {

enum class Format { Text, Json };

// The text layout: "2024-05-01T12:00:00.123+02:00 [info] message".
inline constexpr std::string_view kTextPattern = "%Y-%m-%dT%H:%M:%S.%e%z [%l] %v";

// Level names accepted by setup(), weakest first: trace, debug, info, warn, error, critical, off.
// Matching ignores ASCII case.
bool is_level_name(std::string_view name);

// Installs the default logger "regscand" on stderr at `level`. Fails with InvalidArgument on an
// unknown level name; the previous default logger stays in place then.
[[nodiscard]] Result<void> setup(std::string_view level, Format format);

// Replaces every password in a libpq connection string with "<redacted>", leaving the rest intact:
//   URI form:       "postgresql://u:secret@h/db?password=x"  ->
//   "postgresql://u:<redacted>@h/db?password=<redacted>" key=value form: "host=h password='a b' user=u" ->
//   "host=h password=<redacted> user=u"
// Keys treated as secret: password, sslpassword.
std::string redact_url(std::string_view url);

}  // namespace regscand::log
