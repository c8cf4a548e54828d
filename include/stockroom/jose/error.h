// Error codes and the value-or-error type of the JOSE library.
// Thread-safe: everything here is immutable data and pure functions.
#pragma once

#include <boost/system/result.hpp>
#include <boost/assert/source_location.hpp>
#include <string>
#include <string_view>

namespace stockroom::jose {

// One code per rule of the verification policy (docs/jose.md, jwt-cases/README.md), in the
// order the verifier applies them. The numbers are stable: never reuse or renumber one; add new
// codes at the end. Switches over Errc have no `default:` so the compiler flags a new code.
enum class Errc {
  kTokenTooLarge = 1,          // "size": longer than VerifyPolicy::max_token_bytes
  kMalformed = 2,              // "segments": not exactly three segments, empty header
  kBase64Charset = 3,          // "b64-charset": a character outside A-Z a-z 0-9 - _
  kBase64Length = 4,           // "b64-length": length % 4 == 1
  kBase64NonCanonical = 5,     // "b64-noncanonical": unused trailing bits not zero
  kHeaderJson = 6,             // "header-json": header not a strict JSON object
  kPayloadJson = 7,            // "payload-json": payload not a strict JSON object (jwt profile)
  kAlgInvalid = 8,             // "alg-invalid": alg missing or not a string
  kAlgNotAllowed = 9,          // "alg-not-allowed": alg not in the allow-list, or "none"
  kCritUnsupported = 10,       // "crit": crit present (no extension is supported)
  kB64HeaderUnsupported = 11,  // "b64-header": b64 other than true (RFC 7797)
  kJweUnsupported = 12,        // "jwe-header": enc present, the header of a JWE
  kNestedJwtUnsupported = 13,  // "nested-jwt": cty JWT
  kTypMismatch = 14,           // "typ": typ not a string, or not the required type
  kKidType = 15,               // "kid-type": kid not a string
  kKidUnknown = 16,            // "kid-unknown": kid names no trusted key
  kKeyUnusable = 17,           // "key-unusable": key type, alg, use, key_ops or strength wrong
  kBadSignature = 18,          // "signature": signature does not verify (or wrong length)
  kClaimType = 19,             // "claim-type": exp/nbf/iat/iss/aud of the wrong JSON type or range
  kMissingClaim = 20,          // "required": a required claim is absent or null
  kExpired = 21,               // "exp": now >= exp + leeway
  kNotYetValid = 22,           // "nbf": nbf > now + leeway
  kIssuedInFuture = 23,        // "iat": iat > now + leeway
  kIssuerMismatch = 24,        // "iss": iss absent or not the configured issuer
  kAudienceMismatch = 25,      // "aud": configured audience not in aud, or aud unexpected
  kJwkInvalid = 26,            // "jwk-invalid": a JWK or JWK Set with missing/ill-typed members
  kCryptoFailure = 27,         // "crypto": OpenSSL failed (out of memory, provider missing)
};

// A stable kebab-case name for `code`, equal to the rule name of jwt-cases/README.md where
// there is one ("exp", "signature", "alg-not-allowed", ...). Safe to show to clients.
std::string_view ErrcName(Errc code);

// A short English explanation of `code`, safe to show to clients (it names no input).
std::string_view ErrcMessage(Errc code);

struct Error {
  Errc code;
  std::string detail;  // for logs only: may quote (truncated) parts of the input
};

template <class T>
using Result = boost::system::result<T, Error>;

// Called by Result<T>::value() on an error (found by argument-dependent lookup): throws
// std::runtime_error whose what() is "<ErrcName>: <detail> (<file>:<line>)". Check the result
// instead; value() on an error is a bug in the caller.
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& location);

}  // namespace stockroom::jose
