// Authentication and authorization middleware (docs/architecture.md, request flow).
#pragma once

#include <optional>

#include "stockroom/auth/authenticator.h"
#include "stockroom/http/router.h"

namespace stockroom::http {

// Verifies the request's bearer token and the role's permission for `access`.
// On success sets context.principal and returns nullopt; otherwise returns the response to
// send: 401 with an RFC 6750 WWW-Authenticate header, or 403. The caller must send it.
std::optional<Response> Authorize(const auth::TokenAuthenticator& authenticator,
                                  const Access& access, Context& context);

// Extracts the token of an `Authorization: Bearer <token>` header value (RFC 6750 2.1; the
// scheme is case-insensitive). nullopt when the scheme is not Bearer or the token is empty.
std::optional<std::string_view> BearerToken(std::string_view authorization);

}  // namespace stockroom::http
