#include "storage/page_cursor.hpp"

#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "config/base/base64.hpp"

namespace regscand::storage {
namespace {

constexpr std::size_t kMaxCursor = 4096;

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
  return text::base64_encode(array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                             text::Base64Alphabet::Url);
}

Result<std::vector<std::string>> decode_cursor(std::string_view cursor, std::string_view tag,
                                               std::string_view shape) {
  if (cursor.empty() || cursor.size() > kMaxCursor) {
    return malformed();
  }
  const auto bytes = text::base64_decode(cursor, text::Base64Alphabet::Url);
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
