// JWS signature algorithms (RFC 7518 s.3, RFC 8037 s.3.1) and the key types that may use them.
// Thread-safe: constant tables and pure functions.
//
// Adding an algorithm: add the enumerator, append it to kAll in src/jose/algorithm.cc, and for
// a new key type add a KeyType; the compiler then points at every switch (none has a default)
// that must handle it.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace stockroom::jose {

enum class KeyType {
  kOct,  // RFC 7518 s.6.4: a symmetric secret ("kty": "oct")
  kRsa,  // RFC 7518 s.6.3: an RSA key ("kty": "RSA")
  kEc,   // RFC 7518 s.6.2: an elliptic curve key on P-256, P-384 or P-521 ("kty": "EC")
  kOkp,  // RFC 8037 s.2: an octet key pair; only Ed25519 here ("kty": "OKP")
};

enum class Algorithm {
  kHS256,  // RFC 7518 s.3.2: HMAC with SHA-256
  kHS384,  // HMAC with SHA-384
  kHS512,  // HMAC with SHA-512
  kRS256,  // RFC 7518 s.3.3: RSASSA-PKCS1-v1_5 with SHA-256
  kRS384,
  kRS512,
  kPS256,  // RFC 7518 s.3.5: RSASSA-PSS, MGF1 with the same hash, salt as long as the hash
  kPS384,
  kPS512,
  kES256,  // RFC 7518 s.3.4: ECDSA on P-256 with SHA-256, signature raw r || s
  kES384,  // ECDSA on P-384 with SHA-384
  kES512,  // ECDSA on P-521 with SHA-512
  kEdDSA,  // RFC 8037 s.3.1: Ed25519 (PureEdDSA, no pre-hash)
};

// Every supported algorithm, in enumerator order (weakest first within each family).
std::span<const Algorithm> AllAlgorithms();

// The registered JWS name ("HS256"), RFC 7518 s.3.1.
std::string_view AlgorithmName(Algorithm alg);

// The algorithm registered as `name`: exact, case-sensitive (RFC 7515 s.4.1.1). nullopt for
// unknown names, including "none" in any spelling: this library has no unsecured algorithm.
std::optional<Algorithm> AlgorithmFromName(std::string_view name);

// The only key type that may be used with `alg` (RFC 8725 s.3.1: the key decides).
KeyType AlgorithmKeyType(Algorithm alg);

// The "kty" member value of `type` ("oct", "RSA", "EC", "OKP").
std::string_view KeyTypeName(KeyType type);

// The OpenSSL digest name `alg` hashes with ("SHA256"); nullptr for EdDSA, which hashes
// internally.
const char* DigestName(Algorithm alg);

// The output length of the hash of `alg`, in bytes (0 for EdDSA). For HMAC this is both the
// signature length and the minimum secret length (RFC 7518 s.3.2).
std::size_t HashBytes(Algorithm alg);
inline std::size_t HmacHashBytes(Algorithm alg) { return HashBytes(alg); }

// The JWK "crv" an ES* or EdDSA key must have ("P-256", "P-384", "P-521", "Ed25519");
// empty for the other algorithms.
std::string_view CurveName(Algorithm alg);

// ECDSA: bytes of each of r and s in the raw signature (32, 48, 66), RFC 7518 s.3.4.
// 0 for the other algorithms.
std::size_t EcdsaComponentBytes(Algorithm alg);

}  // namespace stockroom::jose
