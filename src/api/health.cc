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

}  // namespace stockroom::api
