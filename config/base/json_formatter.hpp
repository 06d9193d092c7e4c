// An spdlog formatter writing one JSON object per line:
//   {"ts":"2024-05-01T12:00:00.123+02:00","level":"info","logger":"regscand","msg":"..."}
// The message is JSON-escaped; invalid UTF-8 is replaced by U+FFFD rather than failing.
#pragma once

#include <memory>

#include <spdlog/formatter.h>

namespace regscand::log {

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace regscand::log
