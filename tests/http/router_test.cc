#include "stockroom/http/router.h"

#include <gtest/gtest.h>

#include "stockroom/http/middleware.h"

namespace stockroom::http {
namespace {

Response Named(std::string name) {
  Response response;
  response.body = std::move(name);
  return response;
}

Router MakeRouter() {
  Router router;
  auto add = [&](Method m, std::string pattern, std::string name) {
    router.Add(m, std::move(pattern), Access::Public(), Pool::kInline,
               [name](Context&) { return Named(name); });
  };
  add(Method::kGet, "/api/v1/items", "list");
  add(Method::kGet, "/api/v1/items/{id}", "get");
  add(Method::kPatch, "/api/v1/items/{id}", "patch");
  add(Method::kGet, "/api/v1/items/by-sku/{sku}", "by-sku");
  return router;
}

std::string Invoke(const Router::Match& match, const Request& request) {
  Context context{request, match.params, std::nullopt};
  return match.route->handler(context).body;
}

TEST(RouterTest, MatchesLiteralAndCapturedSegments) {
  Router router = MakeRouter();
  Request request;
  auto match = router.Find(Method::kGet, "/api/v1/items/42");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(Invoke(match, request), "get");
  EXPECT_EQ(match.params.Get("id"), "42");
}

TEST(RouterTest, DecodesCapturedSegments) {
  Router router = MakeRouter();
  auto match = router.Find(Method::kGet, "/api/v1/items/by-sku/A%2FB%20C");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params.Get("sku"), "A/B C");
}

TEST(RouterTest, RejectsMalformedPercentEncoding) {
  Router router = MakeRouter();
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/items/by-sku/%zz").route, nullptr);
}

TEST(RouterTest, ReportsKnownPathWithOtherMethod) {
  Router router = MakeRouter();
  auto match = router.Find(Method::kDelete, "/api/v1/items/7");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.path_known);
  EXPECT_EQ(match.allowed_methods, "GET, PATCH");
}

TEST(RouterTest, UnknownPathsDoNotMatch) {
  Router router = MakeRouter();
  for (auto path : {"/api/v1/items/", "/api/v1/items/1/2", "/api/v1", "", "api/v1/items"}) {
    auto match = router.Find(Method::kGet, path);
    EXPECT_EQ(match.route, nullptr) << path;
  }
}

TEST(BearerTokenTest, AcceptsTheBearerSchemeCaseInsensitively) {
  EXPECT_EQ(BearerToken("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(BearerToken("bearer abc"), "abc");
  EXPECT_EQ(BearerToken("BEARER  abc "), "abc");
}

TEST(BearerTokenTest, RejectsOtherSchemesAndEmptyTokens) {
  EXPECT_FALSE(BearerToken("Basic YWRtaW46YWRtaW4="));
  EXPECT_FALSE(BearerToken("Bearer"));
  EXPECT_FALSE(BearerToken("Bearer "));
  EXPECT_FALSE(BearerToken("Bearerabc"));
  EXPECT_FALSE(BearerToken(""));
}

}  // namespace
}  // namespace stockroom::http
