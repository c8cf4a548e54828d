// Opaque refresh tokens (256 random bits, base64url), kept by the server only as SHA-256
// hashes. The successor of a token is derived from it with HMAC-SHA-256 under a server secret,
// so a client that retries a refresh within the overlap window gets the very same successor
// without the server ever storing a raw token. Thread-safe: const methods only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stockroom/jose/key.h"

namespace stockroom::auth {

struct RefreshTokenConfig {
  std::int64_t ttl_seconds = 12 * 3600;  // a refresh token lives this long after it is issued
  // A token already exchanged may be presented again within this many seconds (two tabs, a
  // retried request) and gets the same successor; later, it is reuse and ends the session.
  std::int64_t overlap_seconds = 10;
  bool secure_cookie = true;  // false only for plain-HTTP development (--insecure-cookies)
};

class RefreshTokenCodec {
 public:
  // REQUIRES: `secret` holds at least 32 bytes.
  explicit RefreshTokenCodec(jose::Secret secret);

  // A new random token; a new random session (family) id.
  static std::string NewToken();
  static std::string NewFamilyId();
  // What the store keeps: base64url(SHA-256(token)).
  static std::string Hash(std::string_view token);
  // The token that replaces `token` when it is exchanged: base64url(HMAC-SHA-256(secret, token)).
  std::string Successor(std::string_view token) const;

 private:
  jose::Key mac_;
};

}  // namespace stockroom::auth
