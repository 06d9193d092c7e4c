#include "config/base/json_input.hpp"

#include <gtest/gtest.h>

#include <string>

#include "config/base/sha256.hpp"

namespace regscand {
namespace {

TEST(JsonInput, ParsesValidDocuments) {
  auto doc = parse_json(R"({"a":[1,{"b":"]}"}]})");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)["a"][1]["b"], "]}");
}

TEST(JsonInput, DepthIsCheckedBeforeParsing) {
  EXPECT_EQ(json_nesting_depth(R"({"a":[1,[2]]})", 100), 3u);
  EXPECT_EQ(json_nesting_depth(R"({"a":"[[[[\"[[["})", 100), 1u);
  auto deep = parse_json(std::string(1'000'000, '[') + std::string(1'000'000, ']'));
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, ErrorCode::InvalidArgument);
  EXPECT_NE(deep.error().message.find("nesting"), std::string::npos);
  EXPECT_TRUE(parse_json(std::string(32, '[') + std::string(32, ']')));
  EXPECT_FALSE(parse_json(std::string(33, '[') + std::string(33, ']')));
}

TEST(JsonInput, MalformedAndInvalidUtf8AreErrors) {
  for (const std::string bad : {"", "{", "{\"a\":}", "nul", "\"\xff\"", "{\"a\":\"\xc3\"}", "[1,]"}) {
    auto doc = parse_json(bad);
    EXPECT_FALSE(doc) << bad;
  }
}

TEST(JsonInput, SizeLimit) {
  EXPECT_FALSE(parse_json("[1, 2, 3]", JsonLimits{.max_depth = 4, .max_bytes = 4}));
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace regscand
