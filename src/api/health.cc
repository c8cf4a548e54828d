#include "stockroom/api/health.h"

#include <boost/json.hpp>

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

void AddDiscoveryRoute(http::Router& router, std::string issuer, std::string algorithm, std::string public_url) {
  router.Add(http::Method::kGet, "/.well-known/openid-configuration", http::Access::Public(), http::Pool::kInline,
             [issuer = std::move(issuer), algorithm = std::move(algorithm),
              public_url = std::move(public_url)](http::Context& context) {
               std::string base = public_url;
               if (base.empty()) base = "http://" + std::string(context.request.Header("host").value_or("127.0.0.1"));
               while (!base.empty() && base.back() == '/') base.pop_back();
               boost::json::object metadata{
                   {"issuer", issuer},
                   {"jwks_uri", base + "/.well-known/jwks.json"},
                   {"token_endpoint", base + "/api/v1/auth/login"},
                   {"revocation_endpoint", base + "/api/v1/auth/revoke"},
                   {"id_token_signing_alg_values_supported", boost::json::array{boost::json::string(algorithm)}},
                   {"token_endpoint_auth_methods_supported", boost::json::array{"none"}},
               };
               http::Response response;
               response.body = boost::json::serialize(metadata);
               response.SetHeader("content-type", "application/json");
               response.SetHeader("cache-control", "public, max-age=300");
               return response;
             });
}

}  // namespace stockroom::api
