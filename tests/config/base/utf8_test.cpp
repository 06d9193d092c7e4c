// UTF-8 validity, the check the HTTP edge runs on every decoded path and query parameter.
#include "config/base/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regscand::text {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("team/app"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));           // U+00E9
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));          // U+20AC
  EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));          // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x90\xb3"));      // U+1F433
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));  // NUL is valid UTF-8; callers refuse it
}

TEST(Utf8, RefusesMalformedText) {
  EXPECT_FALSE(is_valid_utf8("\xff\xfe"));
  EXPECT_FALSE(is_valid_utf8("\x80"));              // a lone continuation byte
  EXPECT_FALSE(is_valid_utf8("caf\xc3"));           // cut short
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xf0\x80\x80\xaf"));  // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // cut short
  EXPECT_FALSE(is_valid_utf8("\xe2\x28\xa1"));      // bad second byte
}

TEST(Utf8, SequenceLength) {
  EXPECT_EQ(utf8_sequence_length(""), 0u);
  EXPECT_EQ(utf8_sequence_length("ab"), 1u);
  EXPECT_EQ(utf8_sequence_length("\xc3\xa9x"), 2u);
  EXPECT_EQ(utf8_sequence_length("\xe2\x82\xac"), 3u);
  EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x90\xb3"), 4u);
  EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x90"), 0u);
}

}  // namespace
}  // namespace regscand::text
