#include "config/base/base64.hpp"

#include <array>
#include <cstdint>

namespace regscand::text {
namespace {

constexpr std::string_view kStandard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string_view letters(Base64Alphabet alphabet) {
  return alphabet == Base64Alphabet::Url ? kUrl : kStandard;
}

// Each byte's value in `alphabet`, or -1.
constexpr std::array<int, 256> values_of(std::string_view alphabet) {
  std::array<int, 256> out{};
  out.fill(-1);
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    out[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  return out;
}

constexpr std::array<int, 256> kStandardValues = values_of(kStandard);
constexpr std::array<int, 256> kUrlValues = values_of(kUrl);

}  // namespace

std::string base64_encode(std::string_view bytes, Base64Alphabet alphabet) {
  const std::string_view table = letters(alphabet);
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += table[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += table[(acc << (6 - bits)) & 0x3f];
  if (alphabet == Base64Alphabet::Standard) {
    while (out.size() % 4 != 0) out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text, Base64Alphabet alphabet) {
  if (text.ends_with('=')) {
    if (text.size() % 4 != 0) return std::nullopt;
    text.remove_suffix(text.ends_with("==") ? 2 : 1);
  }
  if (text.size() % 4 == 1) return std::nullopt;
  const auto& values = alphabet == Base64Alphabet::Url ? kUrlValues : kStandardValues;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const unsigned char c : text) {
    const int v = values[c];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace regscand::text
