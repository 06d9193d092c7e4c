// The listing API's pure parts: the Link header's next page, query values, and the catalog and tags JSON.
#include "scanner/registry/catalog.hpp"

#include <gtest/gtest.h>

namespace regscand::scanner::registry {
namespace {

TEST(ParseLinkNext, DistributionsHeader) {
  EXPECT_EQ(parse_link_next(R"(</v2/_catalog?last=b&n=2>; rel="next")"), "/v2/_catalog?last=b&n=2");
  EXPECT_EQ(parse_link_next(R"(</v2/team/app/tags/list?last=v2&n=2>; rel="next")"),
            "/v2/team/app/tags/list?last=v2&n=2");
}

TEST(ParseLinkNext, VariantsOfRel) {
  EXPECT_EQ(parse_link_next("<a>;rel=next"), "a");
  EXPECT_EQ(parse_link_next("<a> ; REL = \"Next\""), "a");
  EXPECT_EQ(parse_link_next(R"(<a>; rel="prev next")"), "a");
  EXPECT_EQ(parse_link_next(R"(<a>; title="x, y; z"; rel="next")"), "a") << "separators inside quotes";
  EXPECT_EQ(parse_link_next(R"(<a>; crossorigin; rel=next)"), "a") << "a parameter without a value";
  EXPECT_EQ(parse_link_next(R"(<https://r.example/v2/_catalog?last=x>; rel="next")"),
            "https://r.example/v2/_catalog?last=x");
}

TEST(ParseLinkNext, PicksTheNextAmongSeveralLinks) {
  EXPECT_EQ(parse_link_next(R"(</first>; rel="first", </second>; rel="next", </third>; rel="next")"),
            "/second");
  EXPECT_EQ(parse_link_next(R"(</prev>; rel="prev",</next>; rel="next")"), "/next");
}

TEST(ParseLinkNext, NoNextOrMalformedIsNone) {
  for (const char* value : {"", "   ", R"(</a>; rel="prev")", R"(</a>; rel="nextpage")", R"(</a>)",
                            R"(/a; rel="next")", R"(<>; rel="next")", R"(</a; rel="next")",
                            R"(</a>; rel="next)", R"(</a> rel="next")", R"(</a>; rel="last next-ish")"}) {
    EXPECT_EQ(parse_link_next(value), std::nullopt) << value;
  }
}

TEST(QueryValue, FindsAndDecodes) {
  EXPECT_EQ(query_value("/v2/_catalog?last=team%2Fapp&n=2", "last"), "team/app");
  EXPECT_EQ(query_value("/v2/_catalog?n=2&last=b", "last"), "b");
  EXPECT_EQ(query_value("/v2/_catalog?n=2&last=", "last"), "");
  EXPECT_EQ(query_value("/v2/_catalog?n=2&last", "last"), "");
  EXPECT_EQ(query_value("/v2/_catalog?n=2", "last"), std::nullopt);
  EXPECT_EQ(query_value("/v2/_catalog", "last"), std::nullopt);
  EXPECT_EQ(query_value("/v2/_catalog?lastx=1", "last"), std::nullopt);
  EXPECT_EQ(query_value("/v2/_catalog?last=%zz", "last"), std::nullopt);
}

TEST(ParseRepositoryList, Shapes) {
  auto names = parse_repository_list(R"({"repositories":["a","team/b"]})");
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_EQ(*names, (std::vector<std::string>{"a", "team/b"}));
  EXPECT_TRUE(parse_repository_list(R"({"repositories":null})")->empty());
  EXPECT_TRUE(parse_repository_list(R"({"repositories":[]})")->empty());
  EXPECT_TRUE(parse_repository_list(R"({})")->empty());
  for (const char* bad : {"", "not json", "[]", R"({"repositories":"a"})", R"({"repositories":[1]})",
                          R"({"repositories":["a")", R"({"repositories":[["a"]]})"}) {
    const auto parsed = parse_repository_list(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(parsed.error().message.find("catalog"), std::string::npos) << parsed.error().message;
  }
  EXPECT_FALSE(parse_repository_list(std::string(100, '[') + std::string(100, ']'))) << "nesting capped";
}

TEST(ParseTagList, Shapes) {
  auto tags = parse_tag_list(R"({"name":"team/app","tags":["v1","latest"]})");
  ASSERT_TRUE(tags) << tags.error().message;
  EXPECT_EQ(*tags, (std::vector<std::string>{"v1", "latest"}));
  EXPECT_TRUE(parse_tag_list(R"({"name":"team/app","tags":null})")->empty())
      << "distribution's answer once every tag was deleted";
  const auto bad = parse_tag_list(R"({"name":"a","tags":{}})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("tags list"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace regscand::scanner::registry
