#include "storage/page_cursor.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

namespace regscand::storage {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kMaxCursor = 4096;

std::string base64url(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) {
    out += kAlphabet[(acc << (6 - bits)) & 0x3f];
  }
  return out;
}

std::optional<std::string> unbase64url(std::string_view in) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    value[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  }
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const unsigned char c : in) {
    const int v = value[c];
    if (v < 0) {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be the zero padding of a canonical encoding.
  if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0) {
    return std::nullopt;
  }
  return out;
}

bool is_int64(const std::string& s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size();
}

Result<std::vector<std::string>> malformed() {
  return fail(ErrorCode::InvalidArgument, "cursor: malformed or not from this listing");
}

}  // namespace

std::string encode_cursor(std::string_view tag, const std::vector<std::string>& keys) {
  nlohmann::json array = nlohmann::json::array();
  array.push_back(tag);
  for (const auto& key : keys) {
    array.push_back(key);
  }
  return base64url(array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<std::vector<std::string>> decode_cursor(std::string_view cursor, std::string_view tag,
                                               std::string_view shape) {
  if (cursor.empty() || cursor.size() > kMaxCursor) {
    return malformed();
  }
  const auto bytes = unbase64url(cursor);
  if (!bytes) {
    return malformed();
  }
  const auto array = nlohmann::json::parse(*bytes, nullptr, false);
  if (array.is_discarded() || !array.is_array() || array.size() != shape.size() + 1 || array[0] != tag) {
    return malformed();
  }
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const auto& key = array[i + 1];
    if (!key.is_string()) {
      return malformed();
    }
    auto text = key.get<std::string>();
    if (text.find('\0') != std::string::npos || (shape[i] == 'i' && !is_int64(text))) {
      return malformed();
    }
    keys.push_back(std::move(text));
  }
  return keys;
}

Result<std::vector<std::string>> cursor_keys(std::string_view cursor, std::string_view tag,
                                             std::string_view shape) {
  if (cursor.empty()) {
    return std::vector<std::string>(shape.size());
  }
  return decode_cursor(cursor, tag, shape);
}

Result<void> check_page_limit(int limit) {
  if (limit < 1 || limit > kMaxPageLimit) {
    return fail(ErrorCode::InvalidArgument, "limit: must be 1.." + std::to_string(kMaxPageLimit));
  }
  return {};
}

Page page_from_rows(const pqxx::result& rows, std::size_t limit, std::string_view tag) {
  Page page;
  for (const auto& row : rows) {
    if (page.items.size() == limit) {
      std::vector<std::string> keys;
      const auto& last = rows[static_cast<pqxx::result::size_type>(limit - 1)];
      for (pqxx::row::size_type c = 1; c < last.size(); ++c) {
        keys.push_back(last[c].is_null() ? std::string() : last[c].as<std::string>());
      }
      page.next_cursor = encode_cursor(tag, keys);
      break;
    }
    page.items.push_back(row[0].as<std::string>());
  }
  return page;
}

std::string sql_time(std::string_view expr) {
  return "to_char((" + std::string(expr) + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
}

}  // namespace regscand::storage
