#include "stockroom/api/health.h"

#include "stockroom/http/problem.h"

namespace stockroom::api {

void AddHealthRoutes(http::Router& router, std::function<bool()> ready) {
  router.Add(http::Method::kGet, "/healthz", http::Access::Public(), http::Pool::kInline,
             [](http::Context&) {
               http::Response response;
               response.body = R"({"status":"ok"})";
               response.SetHeader("content-type", "application/json");
               response.SetHeader("cache-control", "no-store");
               return response;
             });
  router.Add(http::Method::kGet, "/readyz", http::Access::Public(), http::Pool::kDatabase,
             [ready = std::move(ready)](http::Context&) {
               if (!ready()) return http::MakeProblem(503, "not-ready", "the database is not reachable");
               http::Response response;
               response.body = R"({"status":"ready"})";
               response.SetHeader("content-type", "application/json");
               response.SetHeader("cache-control", "no-store");
               return response;
             });
}

void AddJwksRoute(http::Router& router, std::string jwks) {
  router.Add(http::Method::kGet, "/.well-known/jwks.json", http::Access::Public(), http::Pool::kInline,
             [jwks = std::move(jwks)](http::Context&) {
               http::Response response;
               response.body = jwks;
               response.SetHeader("content-type", "application/jwk-set+json");  // RFC 7517 s.8.5.1
               response.SetHeader("cache-control", "public, max-age=300");
               return response;
             });
}

}  // namespace stockroom::api
