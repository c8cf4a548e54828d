// The authenticated caller of a request, as proven by a verified access token.
#pragma once

#include <cstdint>
#include <string>

#include "stockroom/auth/permissions.h"

namespace stockroom::auth {

struct Principal {
  std::string subject;   // `sub`: the user id, decimal
  std::string username;  // `preferred_username`
  Role role = Role::kWarehouseStaff;
  std::string token_id;        // `jti`
  std::int64_t expires_at = 0;  // `exp`, unix seconds
  std::int64_t issued_at = 0;   // `iat`, unix seconds
  std::string session_id;       // `sid`: the refresh token family the token came from, if any
};

}  // namespace stockroom::auth
