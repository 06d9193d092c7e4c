#include "scanner/model/reference.hpp"

#include <gtest/gtest.h>

#include <string>

namespace regscand::scanner {
namespace {

TEST(Repository, AcceptsDistributionGrammar) {
  for (const char* ok : {"debian", "library/debian", "a", "a/b/c", "my-app", "my--app", "my.app", "my_app",
                         "my__app", "0abc/x9", "harness/debian"}) {
    EXPECT_TRUE(is_valid_repository(ok)) << ok;
  }
}

TEST(Repository, RejectsWhatTheGrammarForbids) {
  for (const char* bad : {"", "Debian", "library//debian", "/debian", "debian/", "-app", "app-", "my___app",
                          "my..app", "my._app", "a b", "a:b", "a@b", "../etc", "ü"}) {
    EXPECT_FALSE(is_valid_repository(bad)) << bad;
  }
  EXPECT_TRUE(is_valid_repository(std::string(255, 'a')));
  EXPECT_FALSE(is_valid_repository(std::string(256, 'a')));
}

TEST(Tag, FollowsTheGrammar) {
  for (const char* ok : {"latest", "v1.2.3", "_x", "A-b_c.d", "bookworm"})
    EXPECT_TRUE(is_valid_tag(ok)) << ok;
  for (const char* bad : {"", ".x", "-x", "a/b", "a:b", "a b"}) EXPECT_FALSE(is_valid_tag(bad)) << bad;
  EXPECT_TRUE(is_valid_tag(std::string(128, 'a')));
  EXPECT_FALSE(is_valid_tag(std::string(129, 'a')));
}

}  // namespace
}  // namespace regscand::scanner
