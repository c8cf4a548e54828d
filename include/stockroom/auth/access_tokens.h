// Issues and verifies Stockroom access tokens (RFC 9068 shape, docs/tokens.md).
// Thread-safe after construction: Issue() and Authenticate() are const.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include "stockroom/auth/authenticator.h"
#include "stockroom/auth/revocation.h"
#include "stockroom/auth/user.h"
#include "stockroom/jose/jwt.h"
#include "stockroom/jose/key.h"

namespace stockroom::auth {

struct AccessTokenConfig {
  std::string issuer = "stockroom";
  std::string audience = "stockroom-api";
  std::int64_t ttl_seconds = 3600;
  std::int64_t leeway_seconds = 30;      // clock skew tolerated on exp/nbf/iat
  std::size_t max_token_bytes = 8192;    // longer bearer tokens are refused unread
  std::function<std::int64_t()> now;     // unix seconds; system clock when empty
};

struct IssuedToken {
  std::string token;
  std::int64_t expires_in = 0;  // seconds
  std::string token_id;         // jti
};

class AccessTokenService final : public TokenAuthenticator {
 public:
  // `signing_key` signs new tokens; `verification_keys` (which must include it) verify.
  // `revocations`, when given, must outlive the service; tokens it names are refused.
  AccessTokenService(jose::Key signing_key, jose::KeySet verification_keys, AccessTokenConfig config,
                     const RevocationList* revocations = nullptr);

  // A token for `user` valid from now for config.ttl_seconds. Its iat is never before the
  // user's revocation mark, so a token issued right after a password or role change (in the
  // same second) is not caught by that change.
  // `session_id`, when not empty, becomes the `sid` claim (the refresh token family), so that
  // revoking the session revokes the token.
  IssuedToken Issue(const User& user, std::string_view session_id = {}) const;

  // Valid when signature, alg, typ "at+jwt", iss, aud, exp/nbf/iat (with leeway) hold, the
  // claims sub, role, jti, exp are present and well-typed, and the token is not revoked.
  std::variant<Principal, AuthFailure> Authenticate(std::string_view token) const override;

  // The JWK Set (RFC 7517 s.5) of the public verification keys, serialized: what another
  // service needs to verify our tokens. HMAC secrets are never in it, so with an HS* key it
  // is {"keys":[]}.
  const std::string& public_jwks() const { return public_jwks_; }

  const AccessTokenConfig& config() const { return config_; }
  // Unix seconds by the configured clock.
  std::int64_t Now() const;

 private:
  AccessTokenConfig config_;
  const RevocationList* revocations_;
  jose::Signer signer_;
  jose::Verifier verifier_;
  std::string public_jwks_;
};

// 128 random bits, base64url (for jti and key ids). Throws if the CSPRNG fails.
std::string RandomId(std::size_t bytes = 16);

}  // namespace stockroom::auth
