// Liveness and readiness endpoints; no token needed.
#pragma once

#include <functional>

#include "stockroom/http/router.h"

namespace stockroom::api {

// GET /healthz: 200 while the process serves. GET /readyz: 200 when `ready()` returns true
// (the database answers), else 503.
void AddHealthRoutes(http::Router& router, std::function<bool()> ready);

}  // namespace stockroom::api
