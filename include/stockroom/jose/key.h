// Keys for JWS: secrets, keys bound to what they may do, and sets of trusted keys.
// Thread-safe: Secret, Key and KeySet are immutable values once built (KeySet::Add aside);
// a Key may be used by any number of threads at once, and copies share their prepared state.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stockroom/jose/algorithm.h"
#include "stockroom/jose/error.h"

namespace stockroom::jose {

namespace detail {
struct AsymmetricKey;  // src/jose/pkey.h
}  // namespace detail

// Secret key bytes. No operator<<, no conversion to a string: reading the bytes takes an
// explicit call to bytes(). The memory is cleared (OPENSSL_cleanse) when a Secret is
// destroyed or assigned over.
class Secret {
 public:
  Secret() = default;
  // Takes the bytes of `bytes` and clears the argument's buffer.
  explicit Secret(std::string bytes);
  explicit Secret(std::span<const unsigned char> bytes);
  Secret(const Secret& other);
  Secret(Secret&& other) noexcept;
  Secret& operator=(const Secret& other);
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();

  std::span<const unsigned char> bytes() const { return {bytes_.data(), bytes_.size()}; }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

 private:
  void Clear() noexcept;
  std::vector<unsigned char> bytes_;  // a vector, not a string: no small-buffer copy left behind on move
};

// The operations a key may be used for (RFC 7517 s.4.3 "key_ops" values).
enum class KeyOp { kSign, kVerify };

// One key, with everything that limits its use: its type, the algorithm it is pinned to (the
// JWK "alg"), "use" and "key_ops". Invariant: a Key is usable for at least one algorithm and
// operation; CheckUsable() says which. The algorithm of a token is only ever checked against
// the key, never taken from the token (RFC 8725 s.3.1).
class Key {
 public:
  // An HMAC key pinned to `alg`. kid "" means no kid. Fails with kKeyUnusable when the secret
  // is shorter than the hash output (RFC 7518 s.3.2), kCryptoFailure if OpenSSL fails.
  static Result<Key> Hmac(Algorithm alg, Secret secret, std::string kid = {});

  // A key from a JWK (RFC 7517 s.4; RFC 7518 s.6.2-6.4; RFC 8037 s.2). Members: "kty"
  // (required: oct, RSA, EC or OKP), the key material of its type (k; n, e; crv, x, y; crv, x;
  // with d and the RSA CRT values for a private key; all strict base64url), "kid", "alg",
  // "use" (strings), "key_ops" (array of distinct strings); others are ignored. Without
  // "alg", the key may be used with every algorithm of its type (and curve) it is strong
  // enough for. Fails with
  //   kJwkInvalid    a required member missing, or a member of the wrong type, encoding or
  //                  length, or key material that is no valid key (EC point off its curve);
  //   kKeyUnusable   an unsupported kty or curve, a weak key (RSA under 2048 bits or with an
  //                  even or small exponent), or a key usable for nothing (secret too short
  //                  for every HS*, "alg" not an algorithm of its type, "use" not "sig",
  //                  "key_ops" without "sign" or "verify").
  static Result<Key> FromJwk(const boost::json::object& jwk);

  // A key from PEM text, pinned to `alg`: a PKCS#8 "PRIVATE KEY" (can sign and verify) or a
  // SubjectPublicKeyInfo "PUBLIC KEY" (verify only). Fails with kJwkInvalid when the text holds
  // neither, kKeyUnusable when the key does not fit `alg` or is weak (as FromJwk).
  static Result<Key> FromPem(std::string_view pem, Algorithm alg, std::string kid = {});

  // A new random key pinned to `alg`: a secret of the hash size for HS*, RSA 2048 bits for
  // RS* and PS*, the curve of ES* and EdDSA. Without `kid`, the RFC 7638 thumbprint is the kid.
  static Result<Key> Generate(Algorithm alg, std::string kid = {});

  // The algorithm this key signs with: its pinned alg; for a JWK without "alg" the strongest
  // HS* its secret allows, RS256 for RSA, and the one algorithm of an EC or OKP curve.
  Algorithm algorithm() const;
  // Whether the key names its algorithm (Hmac(), or a JWK with "alg").
  bool algorithm_pinned() const;
  KeyType type() const;
  const std::optional<std::string>& kid() const;
  // Whether the key can sign: always for HMAC, with the private part for the others.
  bool has_private() const;

  // OK when this key may perform `op` with `alg` (rule 7 of docs/jose.md): its type fits alg,
  // its pinned alg (if any) is alg, "use" (if any) is "sig", "key_ops" (if any) contains the
  // operation, and the secret is at least the hash size. Else kKeyUnusable saying why.
  Result<void> CheckUsable(Algorithm alg, KeyOp op) const;

  // The JWS signature of `signing_input` with `alg` (HMAC value, RSA signature, raw ECDSA
  // r || s, Ed25519 signature). Fails with kKeyUnusable as
  // CheckUsable(alg, kSign), or kCryptoFailure.
  Result<std::string> Sign(Algorithm alg, std::string_view signing_input) const;

  // OK when `signature` is the signature of `signing_input` with `alg`. HMAC: exactly the
  // hash size and equal in constant time (CRYPTO_memcmp); RSA: exactly the modulus size;
  // ECDSA: raw r || s of the curve's size with 1 <= r, s < n; Ed25519: 64 bytes. Fails with
  // kKeyUnusable as CheckUsable(alg, kVerify), kBadSignature, or kCryptoFailure.
  Result<void> Verify(Algorithm alg, std::string_view signing_input, std::string_view signature) const;

  // The JWK of this key: kty, kid, alg, use, key_ops as set, and the secret "k" only when
  // `include_private` (a symmetric key has no public part, so without it the JWK describes
  // the key but cannot verify anything).
  boost::json::object ToJwk(bool include_private) const;

  // RSA, EC, OKP: PKCS#8 PEM with `include_private` (empty when the key has no private part),
  // else SubjectPublicKeyInfo PEM. Empty for HMAC keys.
  std::string ToPem(bool include_private) const;

  // The RFC 7638 JWK thumbprint (SHA-256, base64url): a stable name for the key material.
  std::string Thumbprint() const;

 private:
  struct Rep;
  explicit Key(std::shared_ptr<const Rep> rep);
  static Result<Key> FromAsymmetric(detail::AsymmetricKey asymmetric, Algorithm alg, std::string kid);
  std::shared_ptr<const Rep> rep_;  // immutable, shared by copies
};

// The keys a verifier trusts. Lookup by kid is exact and case-sensitive.
// Not thread-safe while being modified; const use is.
class KeySet {
 public:
  KeySet() = default;
  explicit KeySet(std::vector<Key> keys);

  // Trusts `key`.
  void Add(Key key);

  // Trusts the key of `jwk` (Key::FromJwk) and returns its error otherwise. A refused JWK
  // that has a string "kid" is remembered, so that a token naming that kid fails with
  // kKeyUnusable rather than kKidUnknown (and never falls back to another key).
  Result<void> AddJwk(const boost::json::object& jwk);

  // A set from a JWK Set {"keys": [...]} (RFC 7517 s.5). JWKs that cannot be used are
  // skipped, as RFC 7517 s.5 advises, but their kids are remembered as by AddJwk. Fails with
  // kJwkInvalid only when `jwks` is not an object with a "keys" array of objects.
  static Result<KeySet> FromJwks(const boost::json::value& jwks);

  // The trusted keys whose kid equals `kid` byte for byte.
  std::vector<const Key*> FindByKid(std::string_view kid) const;
  // Why the key with this kid was refused, when AddJwk refused one; else nullptr.
  const Error* UnusableKid(std::string_view kid) const;

  const std::vector<Key>& keys() const { return keys_; }
  std::size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }

 private:
  std::vector<Key> keys_;
  std::vector<std::pair<std::string, Error>> unusable_;  // kid -> why refused
};

// The name of a key operation in "key_ops" ("sign", "verify").
std::string_view KeyOpName(KeyOp op);

}  // namespace stockroom::jose
