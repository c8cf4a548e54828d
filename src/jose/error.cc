// Names and messages of jose::Errc. Thread-safe: pure functions over constant strings.

#include "stockroom/jose/error.h"

#include <stdexcept>

namespace stockroom::jose {

std::string_view ErrcName(Errc code) {
  switch (code) {
    case Errc::kTokenTooLarge: return "size";
    case Errc::kMalformed: return "segments";
    case Errc::kBase64Charset: return "b64-charset";
    case Errc::kBase64Length: return "b64-length";
    case Errc::kBase64NonCanonical: return "b64-noncanonical";
    case Errc::kHeaderJson: return "header-json";
    case Errc::kPayloadJson: return "payload-json";
    case Errc::kAlgInvalid: return "alg-invalid";
    case Errc::kAlgNotAllowed: return "alg-not-allowed";
    case Errc::kCritUnsupported: return "crit";
    case Errc::kB64HeaderUnsupported: return "b64-header";
    case Errc::kJweUnsupported: return "jwe-header";
    case Errc::kNestedJwtUnsupported: return "nested-jwt";
    case Errc::kTypMismatch: return "typ";
    case Errc::kKidType: return "kid-type";
    case Errc::kKidUnknown: return "kid-unknown";
    case Errc::kKeyUnusable: return "key-unusable";
    case Errc::kBadSignature: return "signature";
    case Errc::kClaimType: return "claim-type";
    case Errc::kMissingClaim: return "required";
    case Errc::kExpired: return "exp";
    case Errc::kNotYetValid: return "nbf";
    case Errc::kIssuedInFuture: return "iat";
    case Errc::kIssuerMismatch: return "iss";
    case Errc::kAudienceMismatch: return "aud";
    case Errc::kJwkInvalid: return "jwk-invalid";
    case Errc::kCryptoFailure: return "crypto";
  }
  return "unknown";  // not reached for valid enumerators
}

std::string_view ErrcMessage(Errc code) {
  switch (code) {
    case Errc::kTokenTooLarge: return "the token is too large";
    case Errc::kMalformed: return "the token is not a compact JWS of three segments";
    case Errc::kBase64Charset: return "a token segment contains characters outside base64url";
    case Errc::kBase64Length: return "a token segment has an impossible base64url length";
    case Errc::kBase64NonCanonical: return "a token segment is not canonical base64url";
    case Errc::kHeaderJson: return "the token header is not a valid JSON object";
    case Errc::kPayloadJson: return "the token payload is not a valid JSON object";
    case Errc::kAlgInvalid: return "the token header has no valid alg";
    case Errc::kAlgNotAllowed: return "the token's algorithm is not accepted";
    case Errc::kCritUnsupported: return "the token requires unsupported header extensions";
    case Errc::kB64HeaderUnsupported: return "unencoded payloads are not supported";
    case Errc::kJweUnsupported: return "encrypted tokens are not supported";
    case Errc::kNestedJwtUnsupported: return "nested tokens are not supported";
    case Errc::kTypMismatch: return "the token has the wrong type";
    case Errc::kKidType: return "the token's key id is not a string";
    case Errc::kKidUnknown: return "the token's key id is unknown";
    case Errc::kKeyUnusable: return "no trusted key may verify this token";
    case Errc::kBadSignature: return "the token signature is invalid";
    case Errc::kClaimType: return "a token claim has the wrong type";
    case Errc::kMissingClaim: return "a required token claim is missing";
    case Errc::kExpired: return "the token has expired";
    case Errc::kNotYetValid: return "the token is not valid yet";
    case Errc::kIssuedInFuture: return "the token was issued in the future";
    case Errc::kIssuerMismatch: return "the token has the wrong issuer";
    case Errc::kAudienceMismatch: return "the token is not meant for this audience";
    case Errc::kJwkInvalid: return "the key is not a valid JSON Web Key";
    case Errc::kCryptoFailure: return "a cryptographic operation failed";
  }
  return "unknown error";
}

void throw_exception_from_error(const Error& error, const boost::source_location& location) {
  std::string what(ErrcName(error.code));
  if (!error.detail.empty()) what += ": " + error.detail;
  what += " (";
  what += location.file_name();
  what += ":" + std::to_string(location.line()) + ")";
  throw std::runtime_error(what);
}

}  // namespace stockroom::jose
