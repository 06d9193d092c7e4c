#include "scanner/model/digest.hpp"

#include <algorithm>

namespace regscand::scanner {
namespace {

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::size_t hex_length(std::string_view algorithm) {
  if (algorithm == "sha256") return 64;
  if (algorithm == "sha512") return 128;
  return 0;
}

}  // namespace

Result<Digest> Digest::parse(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return fail(ErrorCode::InvalidArgument, "digest: missing ':'");
  const auto algorithm = text.substr(0, colon);
  const auto hex = text.substr(colon + 1);
  const auto want = hex_length(algorithm);
  if (want == 0) return fail(ErrorCode::InvalidArgument, "digest: unsupported algorithm");
  if (hex.size() != want || !is_lower_hex(hex)) {
    return fail(ErrorCode::InvalidArgument, "digest: " + std::string(algorithm) + " needs " +
                                                std::to_string(want) + " lower-case hex digits");
  }
  return Digest(std::string(text), colon);
}

}  // namespace regscand::scanner
