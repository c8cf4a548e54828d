// JWT (RFC 7519) in the JWS compact serialization (RFC 7515 s.7.1): strict verification and
// signing. Thread-safe: Verifier::Verify and Signer::Sign are const and may run concurrently.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stockroom/jose/algorithm.h"
#include "stockroom/jose/error.h"
#include "stockroom/jose/key.h"

namespace stockroom::jose {

// What a Verifier accepts. Defaults are the strict ones; see docs/jose.md for the rules.
struct VerifyPolicy {
  // Allow-list of token algorithms. Empty accepts nothing. "none" cannot be expressed.
  std::vector<Algorithm> algorithms;
  // When set, "iss" must be a string equal to it.
  std::optional<std::string> issuer;
  // When set, "aud" must be (or contain) it; when unset, a token with "aud" is refused.
  std::optional<std::string> audience;
  // When set, header "typ" must equal it, ignoring ASCII case and an "application/" prefix.
  std::optional<std::string> typ;
  // Claims that must be present and not null.
  std::vector<std::string> required_claims;
  // Clock skew tolerated on exp, nbf and iat, in seconds. Negative values count as 0.
  std::int64_t leeway_seconds = 30;
  // Longer tokens are refused before any decoding: a bound on the work an unauthenticated
  // client can cause. In bytes of the compact serialization.
  std::size_t max_token_bytes = 8192;
  // kJwt: the payload is a JWT claims set (a JSON object) and claims are checked.
  // kJws: the payload is opaque bytes; only the JWS layer (rules 1-8) is checked.
  enum class Profile { kJwt, kJws } profile = Profile::kJwt;
  // The current time in unix seconds; the system clock when empty.
  std::function<std::int64_t()> now;
};

// A token that passed Verifier::Verify. Only a Verifier can make one, so holding a
// VerifiedToken proves the checks ran. It keeps the decoded header and payload bytes and where
// the payload's top-level claims lie in them: StringClaim and NumberClaim read a claim without
// building a JSON tree; header() and claims() parse theirs on first use (ParseStrictJson, which
// accepts exactly what the verifier accepted) and keep it. Every const member function is safe
// to call from several threads at once. A moved-from VerifiedToken may only be assigned to or
// destroyed.
class VerifiedToken {
 public:
  VerifiedToken(const VerifiedToken& other);
  VerifiedToken& operator=(const VerifiedToken& other);
  VerifiedToken(VerifiedToken&& other) noexcept;
  VerifiedToken& operator=(VerifiedToken&& other) noexcept;
  ~VerifiedToken();

  // The protected header, parsed on first use.
  const boost::json::object& header() const;
  // The claims set, parsed on first use; empty for the kJws profile.
  const boost::json::object& claims() const;
  // The decoded payload bytes.
  std::string_view payload() const;
  // The algorithm that verified the signature.
  Algorithm algorithm() const;
  // The claim `name` (a top-level member of the claims set, compared after unescaping) when it
  // is a JSON string, else nullopt. The view lives as long as this token. Parses no JSON tree
  // unless the string holds escapes.
  std::optional<std::string_view> StringClaim(std::string_view name) const;
  // The claim `name` when it is a JSON number, as a double (integers beyond 2^53 rounded),
  // else nullopt. exp, nbf and iat, when present, are numbers in [0, 253402300799].
  std::optional<double> NumberClaim(std::string_view name) const;

 private:
  friend class Verifier;
  struct State;  // src/jose/jwt.cc
  explicit VerifiedToken(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

// Verifies compact JWS/JWT tokens against a fixed set of trusted keys and a policy.
class Verifier {
 public:
  Verifier(KeySet keys, VerifyPolicy policy);

  // The verified token, or the first rule it breaks, checked in this order (docs/jose.md):
  //  1 size              kTokenTooLarge
  //  2 structure         kMalformed (not three segments, empty header)
  //  3 base64url         kBase64Charset, kBase64Length, kBase64NonCanonical
  //  4 header JSON       kHeaderJson
  //  5 alg               kAlgInvalid (missing, not a string), kAlgNotAllowed
  //  6 header members    kCritUnsupported, kB64HeaderUnsupported, kJweUnsupported,
  //                      kNestedJwtUnsupported, kTypMismatch
  //  7 key selection     kKidType, kKidUnknown, kKeyUnusable
  //  8 signature         kBadSignature
  //  9 payload, claims   kPayloadJson, kClaimType, kMissingClaim, kExpired, kNotYetValid,
  //                      kIssuedInFuture, kIssuerMismatch, kAudienceMismatch
  // Never throws for any input (std::bad_alloc aside). The token is used exactly as given.
  Result<VerifiedToken> Verify(std::string_view token) const;

 private:
  std::int64_t Now() const;

  KeySet keys_;
  VerifyPolicy policy_;
  // The claims rule 9 looks for, by name key (src/jose/json_scan.h NameKey), open addressing: the
  // registered claim it is (exp, nbf, iat, iss, aud) and which of the first 64 required claims
  // have that key. A slot with neither is free.
  struct ClaimSlot {
    std::uint64_t key = 0;
    std::uint64_t required = 0;  // bit i: required_claims[i]
    int registered = 0;          // 1 exp, 2 nbf, 3 iat, 4 iss, 5 aud
  };
  std::vector<ClaimSlot> claim_slots_;
};

// Signs claims sets with one key, using the key's own algorithm.
class Signer {
 public:
  // REQUIRES: `key` may sign with key.algorithm() (true for Key::Hmac keys and for JWKs
  // without "key_ops" or whose "key_ops" include "sign"). Throws std::invalid_argument
  // otherwise: a configuration error, found at start-up.
  explicit Signer(Key key);

  // The compact JWS of `claims` with header {"alg":..,"typ":typ,"kid":..}: typ is omitted
  // when empty, kid when the key has none. Throws std::runtime_error only if OpenSSL fails.
  std::string Sign(const boost::json::object& claims, std::string_view typ = "JWT") const;

  // The compact JWS of arbitrary `payload` bytes (the kJws profile), same header.
  std::string SignPayload(std::string_view payload, std::string_view typ = {}) const;

  const Key& key() const { return key_; }

 private:
  Key key_;
};

}  // namespace stockroom::jose
