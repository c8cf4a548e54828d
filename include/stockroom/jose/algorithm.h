// JWS signature algorithms (RFC 7518 s.3) and the key types that may use them.
// Thread-safe: constant tables and pure functions.
//
// Adding an algorithm (RS*, PS*, ES*, EdDSA): add the enumerator, append it to kAll in
// src/jose/algorithm.cc and, for a new key type, add a KeyType; the compiler then points at
// every switch (none has a default) that must handle it.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace stockroom::jose {

enum class KeyType {
  kOct,  // RFC 7518 s.6.4: a symmetric secret ("kty": "oct")
};

enum class Algorithm {
  kHS256,  // RFC 7518 s.3.2: HMAC with SHA-256
  kHS384,  // HMAC with SHA-384
  kHS512,  // HMAC with SHA-512
};

// Every supported algorithm, in enumerator order.
std::span<const Algorithm> AllAlgorithms();

// The registered JWS name ("HS256"), RFC 7518 s.3.1.
std::string_view AlgorithmName(Algorithm alg);

// The algorithm registered as `name`: exact, case-sensitive (RFC 7515 s.4.1.1). nullopt for
// unknown names, including "none" in any spelling: this library has no unsecured algorithm.
std::optional<Algorithm> AlgorithmFromName(std::string_view name);

// The only key type that may be used with `alg` (RFC 8725 s.3.1: the key decides).
KeyType AlgorithmKeyType(Algorithm alg);

// The "kty" member value of `type` ("oct").
std::string_view KeyTypeName(KeyType type);

// HMAC: the output length of the hash, in bytes, which is both the signature length and the
// minimum secret length (RFC 7518 s.3.2: "a key of the same size as the hash output").
std::size_t HmacHashBytes(Algorithm alg);

}  // namespace stockroom::jose
