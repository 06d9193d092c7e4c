// Opaque cursors for keyset pagination. A cursor is the sort key of the last row of a page, tagged with
// the query it belongs to, as base64url (no padding) of a JSON array: ["tag", "k1", "k2", ...]. Keys are
// kept as text; decode() checks the tag and each key against a shape ('i' = int64, 't' = text), so a
// cursor of another query or a garbage string is InvalidArgument "cursor: ..." and never reaches SQL.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <pqxx/result>
#include <string>
#include <string_view>
#include <vector>

#include "config/base/error.hpp"

namespace regscand::storage {

std::string encode_cursor(std::string_view tag, const std::vector<std::string>& keys);

// `shape` has one character per key: 'i' (a decimal int64) or 't' (any text).
[[nodiscard]] Result<std::vector<std::string>> decode_cursor(std::string_view cursor, std::string_view tag,
                                                             std::string_view shape);

// Decodes `cursor` like decode_cursor(); an empty cursor (the first page) gives shape.size() empty keys.
[[nodiscard]] Result<std::vector<std::string>> cursor_keys(std::string_view cursor, std::string_view tag,
                                                           std::string_view shape);

inline constexpr int kMaxPageLimit = 500;

// InvalidArgument "limit: must be 1..500" outside that range.
[[nodiscard]] Result<void> check_page_limit(int limit);

// One page of a listing: the items, each a JSON object as PostgreSQL wrote it (the API passes them on
// without parsing), and the cursor of the next page ("" on the last one).
struct Page {
  std::vector<std::string> items;
  std::string next_cursor;
};

// Rows of a page query that asked for limit + 1 rows: column 0 is the item as JSON text, the other
// columns its sort key. The extra row only says that another page follows.
Page page_from_rows(const pqxx::result& rows, std::size_t limit, std::string_view tag);

// An SQL expression rendering the timestamptz expression `expr` as RFC 3339 UTC text (NULL stays NULL).
std::string sql_time(std::string_view expr);

}  // namespace regscand::storage
