// A content digest "algorithm:hex" as the OCI image spec defines it; only sha256 and sha512 are accepted.
#pragma once

#include <string>
#include <string_view>

#include "config/base/error.hpp"

namespace regscand::scanner {

class Digest {
 public:
  // Fails with InvalidArgument on anything but "sha256:<64 lower hex>" or "sha512:<128 lower hex>".
  [[nodiscard]] static Result<Digest> parse(std::string_view text);

  std::string_view algorithm() const { return std::string_view(text_).substr(0, colon_); }
  std::string_view hex() const { return std::string_view(text_).substr(colon_ + 1); }
  const std::string& str() const { return text_; }

  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest&, const Digest&) = default;

 private:
  Digest(std::string text, std::size_t colon) : text_(std::move(text)), colon_(colon) {}
  std::string text_;
  std::size_t colon_ = 0;
};

}  // namespace regscand::scanner
