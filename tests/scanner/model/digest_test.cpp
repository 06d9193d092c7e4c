#include "scanner/model/digest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace regscand::scanner {
namespace {

TEST(Digest, ParsesSha256) {
  const std::string hex(64, 'a');
  auto digest = Digest::parse("sha256:" + hex);
  ASSERT_TRUE(digest.has_value()) << digest.error().message;
  EXPECT_EQ(digest->algorithm(), "sha256");
  EXPECT_EQ(digest->hex(), hex);
  EXPECT_EQ(digest->str(), "sha256:" + hex);
}

TEST(Digest, RejectsMalformed) {
  for (const std::string& bad :
       std::vector<std::string>{"", "sha256", "sha256:", "md5:" + std::string(32, 'a'),
                                "sha256:" + std::string(63, 'a'), "sha256:" + std::string(64, 'A'),
                                "sha256:" + std::string(63, 'a') + "g", "sha512:" + std::string(64, 'a')}) {
    auto digest = Digest::parse(bad);
    ASSERT_FALSE(digest.has_value()) << bad;
    EXPECT_EQ(digest.error().code, ErrorCode::InvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace regscand::scanner
