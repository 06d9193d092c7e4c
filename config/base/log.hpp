// Process-wide spdlog setup (text or one JSON object per line). Secrets never reach a log line:
// callers log names, never tokens; redact_url() strips passwords from libpq URLs.
#pragma once

#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::log {

enum class Format { Text, Json };

// Installs the default logger on stderr. Fails on an unknown level name.
[[nodiscard]] Result<void> setup(std::string_view level, Format format);

// "postgresql://u:secret@h/db" -> "postgresql://u:<redacted>@h/db"; also key=value "password=..." forms.
std::string redact_url(std::string_view url);

}  // namespace regscand::log
