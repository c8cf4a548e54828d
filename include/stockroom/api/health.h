// Endpoints that need no token: liveness, readiness, and the public keys.
#pragma once

#include <functional>
#include <string>

#include "stockroom/http/router.h"

namespace stockroom::api {

// GET /healthz: 200 while the process serves. GET /readyz: 200 when `ready()` returns true
// (the database answers), else 503.
void AddHealthRoutes(http::Router& router, std::function<bool()> ready);

// GET /.well-known/jwks.json: `jwks`, the JWK Set of the public keys that verify our tokens
// (RFC 8414 s.2 "jwks_uri"), cacheable for five minutes.
void AddJwksRoute(http::Router& router, std::string jwks);

// GET /.well-known/openid-configuration: discovery metadata in the shape of OpenID Connect
// Discovery 1.0 / RFC 8414, so another service finds the issuer, the JWKS URL and the signing
// algorithm on its own. `public_url` is the service's external base URL ("https://host");
// when empty, it is taken from the request's Host header over http.
void AddDiscoveryRoute(http::Router& router, std::string issuer, std::string algorithm, std::string public_url);

}  // namespace stockroom::api
