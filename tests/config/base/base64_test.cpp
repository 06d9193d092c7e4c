// Base64 shared by Basic credentials (registry client, webhooks), Docker config files and page cursors:
// RFC 4648's test vectors both ways, both alphabets, and malformed text refused.
#include "config/base/base64.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace regscand::text {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> vectors{{"", ""},
                                                                 {"f", "Zg=="},
                                                                 {"fo", "Zm8="},
                                                                 {"foo", "Zm9v"},
                                                                 {"foob", "Zm9vYg=="},
                                                                 {"fooba", "Zm9vYmE="},
                                                                 {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), plain) << encoded;
    std::string unpadded = encoded;
    while (unpadded.ends_with('=')) unpadded.pop_back();
    EXPECT_EQ(base64_decode(unpadded), plain) << unpadded;  // padding optional
    EXPECT_EQ(base64_encode(plain, Base64Alphabet::Url), unpadded);
    EXPECT_EQ(base64_decode(unpadded, Base64Alphabet::Url), plain) << unpadded;
  }
  EXPECT_EQ(base64_encode("Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(base64_decode("YWxpY2U6czNjcmV0Ow"), "alice:s3cret;");
}

TEST(Base64, AlphabetsDifferInTwoLetters) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(base64_encode(bytes), "+/+/");
  EXPECT_EQ(base64_encode(bytes, Base64Alphabet::Url), "-_-_");
  EXPECT_EQ(base64_decode("+/+/"), bytes);
  EXPECT_EQ(base64_decode("-_-_", Base64Alphabet::Url), bytes);
  EXPECT_EQ(base64_decode("-_-_"), std::nullopt);
  EXPECT_EQ(base64_decode("+/+/", Base64Alphabet::Url), std::nullopt);
}

TEST(Base64, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const auto bytes = all.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    EXPECT_EQ(base64_decode(base64_encode(bytes, Base64Alphabet::Url), Base64Alphabet::Url), bytes);
  }
}

TEST(Base64, RefusesMalformedText) {
  for (const char* bad : {"Zm9vY", "Z", "Zm9v*mFy", "Zm 9v", "Zm9v\n", "Zg=", "Zg===", "Zm9v=", "Zg==Zg==",
                          "=Zg=", "Z===", "====", "Zh==", "Zm9=", "YR"}) {
    EXPECT_EQ(base64_decode(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace regscand::text
