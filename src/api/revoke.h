// Revoking access tokens: durably first (the store), then in the in-memory list the
// authenticator checks, so a revocation that was answered 2xx survives a restart and takes
// effect on the very next request.
#pragma once

#include <optional>

#include "stockroom/api/routes.h"

namespace stockroom::api {

// Records `revocation`; on failure returns the problem response to send (nothing changed).
std::optional<http::Response> Revoke(const Services& services, const auth::Revocation& revocation);

// Revokes every token of user `user_id` issued up to now (a role, password or status change).
std::optional<http::Response> RevokeUserTokens(const Services& services, std::int64_t user_id);

// Revokes the token with id `jti` that expires at `expires_at` (unix seconds).
std::optional<http::Response> RevokeToken(const Services& services, std::string jti, std::int64_t expires_at);

}  // namespace stockroom::api
