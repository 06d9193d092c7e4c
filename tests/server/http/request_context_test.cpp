#include "server/http/request_context.hpp"

#include <gtest/gtest.h>

namespace regscand::server::http {
namespace {

class RequestContextTest : public ::testing::Test {
 protected:
  RequestContext make(std::string target, std::string body = {}) {
    request_ = Request{Verb::get, target, 11};
    request_.body() = std::move(body);
    return RequestContext(request_, route_, {{"digest", "sha256:abc"}}, "req-1", std::nullopt, pool_);
  }
  net::thread_pool pool_{1};
  Route route_{Verb::get, "/v1/images/{digest}", {}, {}, {}};
  Request request_;
};

TEST_F(RequestContextTest, SplitsPathAndQuery) {
  auto ctx = make("/v1/images/sha256:abc?page=2&q=a%20b");
  EXPECT_EQ(ctx.path(), "/v1/images/sha256:abc");
  EXPECT_EQ(ctx.query(), "page=2&q=a%20b");
  EXPECT_EQ(make("/x").query(), "");
}

TEST_F(RequestContextTest, PathParams) {
  auto ctx = make("/v1/images/sha256:abc");
  EXPECT_EQ(ctx.param("digest"), "sha256:abc");
  EXPECT_EQ(ctx.param("other"), "");
  EXPECT_EQ(ctx.request_id(), "req-1");
  EXPECT_EQ(ctx.route().pattern, "/v1/images/{digest}");
}

TEST_F(RequestContextTest, JsonBody) {
  auto ok = make("/x", R"({"a":[1,2,{"b":"]]]]"}]})").json_body();
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ((*ok)["a"][2]["b"], "]]]]");
  auto bad = make("/x", "{not json").json_body();
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidArgument);
}

TEST_F(RequestContextTest, JsonBodyDepthLimit) {
  std::string deep = std::string(100, '[') + std::string(100, ']');
  auto res = make("/x", deep).json_body(64);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, ErrorCode::InvalidArgument);
  EXPECT_TRUE(make("/x", deep).json_body(100).has_value());
}

}  // namespace
}  // namespace regscand::server::http
