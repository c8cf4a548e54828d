// The interface the HTTP layer uses to turn a bearer token into a Principal.
// Implementations must be thread-safe: Authenticate() is called from every I/O thread.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "stockroom/auth/principal.h"

namespace stockroom::auth {

// Why a token was refused. `description` is safe to show the client (RFC 6750 3
// error_description: no token contents, no key material); `log_detail` goes to logs only.
struct AuthFailure {
  std::string code;         // stable machine code, e.g. "exp", "signature"
  std::string description;  // e.g. "the token has expired"
  std::string log_detail;
};

class TokenAuthenticator {
 public:
  virtual ~TokenAuthenticator() = default;
  // Returns the token's principal when it is valid now, else why not. Never throws.
  virtual std::variant<Principal, AuthFailure> Authenticate(std::string_view token) const = 0;
};

}  // namespace stockroom::auth
