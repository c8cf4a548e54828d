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

// Before issuing tokens to `user_id`: takes the user's revocation mark from the store into the
// in-memory list, so that a mark another process (the CLI) wrote a moment ago, not yet polled,
// does not revoke the tokens about to be issued (they get an iat at or after it).
std::optional<http::Response> SyncUserMark(const Services& services, std::int64_t user_id);

// Revokes the token with id `jti` that expires at `expires_at` (unix seconds).
std::optional<http::Response> RevokeToken(const Services& services, std::string jti, std::int64_t expires_at);

}  // namespace stockroom::api
