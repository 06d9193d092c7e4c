// Opaque keyset cursors: a round trip keeps every key byte for byte; garbage, a cursor of another listing
// or keys of the wrong shape are InvalidArgument naming the cursor.
#include "storage/page_cursor.hpp"

#include <gtest/gtest.h>

namespace regscand::storage {
namespace {

TEST(PageCursor, RoundTripsKeys) {
  const std::vector<std::string> keys{"-5", "CVE-2023-0001", "caf\xc3\xa9 \"quoted\" ' OR 1=1 --", "42", ""};
  const auto cursor = encode_cursor("image_findings/0", keys);
  EXPECT_EQ(cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  const auto decoded = decode_cursor(cursor, "image_findings/0", "ittit");
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, keys);
}

TEST(PageCursor, RejectsGarbageAndForeignCursors) {
  const auto cursor = encode_cursor("events", {"17"});
  for (const std::string& bad : std::vector<std::string>{"xyz", "%27", "' OR 1=1 --", "AAAA", "e30", "W10",
                                                         cursor.substr(0, cursor.size() - 2)}) {
    const auto decoded = decode_cursor(bad, "events", "i");
    ASSERT_FALSE(decoded) << bad;
    EXPECT_EQ(decoded.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(decoded.error().message.find("cursor"), std::string::npos);
  }
  EXPECT_FALSE(decode_cursor(cursor, "findings", "i"));  // another listing
  EXPECT_FALSE(decode_cursor(cursor, "events", "ii"));   // another shape
  EXPECT_FALSE(decode_cursor(encode_cursor("events", {"1; DROP TABLE findings"}), "events", "i"));
  EXPECT_TRUE(decode_cursor(cursor, "events", "i"));
}

TEST(PageCursor, EmptyCursorIsTheFirstPage) {
  const auto keys = cursor_keys("", "events", "it");
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->size(), 2u);
  EXPECT_FALSE(decode_cursor("", "events", "i"));
}

TEST(PageCursor, LimitIsOneTo500) {
  EXPECT_FALSE(check_page_limit(0));
  EXPECT_TRUE(check_page_limit(1));
  EXPECT_TRUE(check_page_limit(500));
  EXPECT_FALSE(check_page_limit(501));
}

}  // namespace
}  // namespace regscand::storage
