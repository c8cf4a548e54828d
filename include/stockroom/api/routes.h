// The REST API (docs/api.md): registers every /api/v1 route on a router.
#pragma once

#include "stockroom/auth/access_tokens.h"
#include "stockroom/auth/login_throttle.h"
#include "stockroom/auth/password.h"
#include "stockroom/auth/refresh_tokens.h"
#include "stockroom/auth/revocation.h"
#include "stockroom/http/router.h"
#include "stockroom/store/store.h"

namespace stockroom::api {

// What the handlers need. Everything must outlive the router.
struct Services {
  store::Store& store;
  const auth::PasswordHasher& passwords;
  const auth::AccessTokenService& tokens;
  auth::RevocationList& revocations;  // the one AccessTokenService checks
  auth::LoginThrottle& login_throttle;
  const auth::RefreshTokenCodec& refresh_codec;
  const auth::RefreshTokenConfig& refresh_config;
  // Where opening stock and imported stock without a location go (created on first use).
  std::string receiving_location = "RECEIVING";
};

void AddRoutes(http::Router& router, const Services& services);

void AddItemRoutes(http::Router& router, const Services& services);
void AddAuthRoutes(http::Router& router, const Services& services);
void AddUserRoutes(http::Router& router, const Services& services);
void AddAuditRoutes(http::Router& router, const Services& services);
void AddLocationRoutes(http::Router& router, const Services& services);
void AddMovementRoutes(http::Router& router, const Services& services);
void AddReportRoutes(http::Router& router, const Services& services);
void AddTransferRoutes(http::Router& router, const Services& services);  // CSV import and export

// Makes every authenticated POST route honour an Idempotency-Key header (idempotency.cc),
// except the session routes under /api/v1/auth/ (their answers hold tokens).
// Call after every route is added.
void MakePostsIdempotent(http::Router& router, const Services& services);

}  // namespace stockroom::api
