// Where a response body goes while it streams in. A sink that returns an error aborts the read and the
// connection is closed; bytes written before an error are partial and must be thrown away.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "config/base/error.hpp"

namespace regscand::scanner::registry {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  [[nodiscard]] virtual Result<void> write(std::string_view bytes) = 0;
};

// Collects a body in memory, at most `max_bytes` (ResourceExhausted beyond).
class StringSink final : public ByteSink {
 public:
  explicit StringSink(std::size_t max_bytes) : max_bytes_(max_bytes) {}
  [[nodiscard]] Result<void> write(std::string_view bytes) override {
    if (bytes.size() > max_bytes_ - data_.size()) {
      return fail(ErrorCode::ResourceExhausted, "body larger than " + std::to_string(max_bytes_) + " bytes");
    }
    data_.append(bytes);
    return {};
  }
  const std::string& data() const { return data_; }
  std::string take() && { return std::move(data_); }

 private:
  std::size_t max_bytes_;
  std::string data_;
};

}  // namespace regscand::scanner::registry
