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

}  // namespace stockroom::api
