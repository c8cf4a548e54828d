// The verifier as it was before the fast path (jwt.cc at the commit that introduced it): every
// rule applied to boost::json trees built by ParseStrictJson, through the public API only. The
// verify fuzzer holds the fast path to it: the same verdict and error code for every input, and
// the same header, claims and payload for every accepted token. Keep it as it is; it is the
// specification in executable form, not a second implementation to improve.
#pragma once

#include <algorithm>
#include <boost/json/object.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stockroom/jose/base64url.h"
#include "stockroom/jose/json.h"
#include "stockroom/jose/jwt.h"
#include "stockroom/jose/key.h"

namespace stockroom::fuzz {
namespace reference {

using namespace stockroom::jose;


// Bounds for NumericDate claims (rule 9): 0 to 9999-12-31T23:59:59Z. Later dates are no
// real expiry, and the bound keeps exp + leeway far from any overflow.
constexpr double kMaxNumericDate = 253402300799.0;

// Detail strings quote at most this many bytes of untrusted input, in bytes.
constexpr std::size_t kMaxQuotedBytes = 64;

inline Error Fail(Errc code, std::string detail) { return Error{code, std::move(detail)}; }

inline std::string Quote(std::string_view text) {
  std::string out = "\"";
  out.append(text.substr(0, kMaxQuotedBytes));
  if (text.size() > kMaxQuotedBytes) out += "...";
  out += '"';
  return out;
}

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// RFC 7515 s.4.1.9 / s.4.1.10: media types in typ and cty may omit "application/".
inline std::string_view StripApplicationPrefix(std::string_view media_type) {
  constexpr std::string_view kPrefix = "application/";
  if (media_type.size() >= kPrefix.size() && EqualsIgnoreAsciiCase(media_type.substr(0, kPrefix.size()), kPrefix)) {
    media_type.remove_prefix(kPrefix.size());
  }
  return media_type;
}

inline bool SameMediaType(std::string_view a, std::string_view b) {
  return EqualsIgnoreAsciiCase(StripApplicationPrefix(a), StripApplicationPrefix(b));
}

inline std::int64_t SaturatingAdd(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  }
  return sum;
}

// `t` as a double, clamped to +-2^53 where every integer is exact. NumericDates lie within
// [0, kMaxNumericDate], so clamping never changes a comparison with one.
inline double ExactDouble(std::int64_t t) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 53;
  return static_cast<double>(std::clamp(t, -kLimit, kLimit));
}

// RFC 7519 s.2 NumericDate, with rule 9's range. A JSON number in range, or nullopt.
inline std::optional<double> NumericDate(const boost::json::value& value) {
  double v = 0;
  if (value.is_int64()) {
    v = static_cast<double>(value.get_int64());
    if (value.get_int64() < 0 || value.get_int64() > static_cast<std::int64_t>(kMaxNumericDate)) return std::nullopt;
  } else if (value.is_uint64()) {
    return std::nullopt;  // only values above INT64_MAX are stored as uint64
  } else if (value.is_double()) {
    v = value.get_double();
    if (!std::isfinite(v) || v < 0 || v > kMaxNumericDate) return std::nullopt;
  } else {
    return std::nullopt;
  }
  return v;
}

// A claim that is present and not null (RFC 7519 s.4.1: null is treated as absent for
// iss/aud, and as a type error for the NumericDate claims, which must be numbers).
inline const boost::json::value* NonNull(const boost::json::object& claims, std::string_view name) {
  const boost::json::value* value = claims.if_contains(name);
  return (value == nullptr || value->is_null()) ? nullptr : value;
}


struct ReferenceToken {
  boost::json::object header;
  boost::json::object claims;
  std::string payload;
  Algorithm algorithm;
};

class ReferenceVerifier {
 public:
  ReferenceVerifier(KeySet keys, VerifyPolicy policy) : keys_(std::move(keys)), policy_(std::move(policy)) {
    policy_.leeway_seconds = std::max<std::int64_t>(policy_.leeway_seconds, 0);
  }

  Result<ReferenceToken> Verify(std::string_view token) const;

 private:
  std::int64_t now_() const {
    if (policy_.now) return policy_.now();
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  Result<void> CheckHeader(const boost::json::object& header) const;
  Result<void> CheckClaims(const boost::json::object& claims) const;

  KeySet keys_;
  VerifyPolicy policy_;
};

inline Result<ReferenceToken> ReferenceVerifier::Verify(std::string_view token) const {
  // 1. Size, before any decoding: bounds the work of an unauthenticated client (DESIGN.md s.7).
  if (token.size() > policy_.max_token_bytes) {
    return Fail(Errc::kTokenTooLarge, std::to_string(token.size()) + " bytes, the limit is " +
                                          std::to_string(policy_.max_token_bytes));
  }

  // 2. Structure. RFC 7515 s.7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(sig).
  // Splitting at the first two dots and refusing any third keeps this linear (a token of
  // 10,000 dots costs one scan). An empty signature is judged by the signature check, so
  // that an unsecured "none" token is reported as the algorithm it is.
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return Fail(Errc::kMalformed, "fewer than three segments");
  if (token.find('.', dot2 + 1) != std::string_view::npos) {
    return Fail(Errc::kMalformed, "more than three segments (JWE and JSON serializations are not accepted)");
  }
  const std::string_view header_text = token.substr(0, dot1);
  const std::string_view payload_text = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_text = token.substr(dot2 + 1);
  const std::string_view signing_input = token.substr(0, dot2);  // RFC 7515 s.5.2 step 8
  if (header_text.empty()) return Fail(Errc::kMalformed, "empty header segment");

  // 3. base64url (RFC 7515 s.2), every segment before anything is interpreted.
  auto header_bytes = Base64UrlDecode(header_text);
  if (!header_bytes) return Fail(header_bytes.error().code, "header: " + header_bytes.error().detail);
  auto payload = Base64UrlDecode(payload_text);
  if (!payload) return Fail(payload.error().code, "payload: " + payload.error().detail);
  auto signature = Base64UrlDecode(signature_text);
  if (!signature) return Fail(signature.error().code, "signature: " + signature.error().detail);

  // 4. Header JSON: RFC 7515 s.5.2 steps 3-4, strictly (no duplicate names).
  auto header_value = ParseStrictJson(*header_bytes, Errc::kHeaderJson);
  if (!header_value) return header_value.error();
  if (!header_value->is_object()) return Fail(Errc::kHeaderJson, "the header is not a JSON object");
  boost::json::object& header = header_value->get_object();

  // 5. alg: RFC 7515 s.4.1.1 (required, case-sensitive), RFC 8725 s.3.1 (allow-list;
  // "none" is never accepted).
  const boost::json::value* alg_value = header.if_contains("alg");
  if (alg_value == nullptr) return Fail(Errc::kAlgInvalid, "the header has no alg");
  if (!alg_value->is_string()) return Fail(Errc::kAlgInvalid, "alg is not a string");
  const std::string_view alg_name = alg_value->get_string();
  if (EqualsIgnoreAsciiCase(alg_name, "none")) return Fail(Errc::kAlgNotAllowed, "unsecured JWS (alg none)");
  const std::optional<Algorithm> alg = AlgorithmFromName(alg_name);
  if (!alg || std::find(policy_.algorithms.begin(), policy_.algorithms.end(), *alg) == policy_.algorithms.end()) {
    return Fail(Errc::kAlgNotAllowed, "alg " + Quote(alg_name) + " is not allowed");
  }

  // 6. Other header members.
  if (auto checked = CheckHeader(header); !checked) return checked.error();

  // 7. Key selection. jwk/jku/x5u/x5c/x5t are never consulted, and kid is only compared,
  // never used as a path or query (RFC 8725 s.3.10): keys come from configuration.
  std::vector<const Key*> candidates;
  if (const boost::json::value* kid_value = header.if_contains("kid")) {
    // RFC 7515 s.4.1.4: kid is a string; matched exactly, with no fallback to other keys.
    if (!kid_value->is_string()) return Fail(Errc::kKidType, "kid is not a string");
    const std::string_view kid = kid_value->get_string();
    candidates = keys_.FindByKid(kid);
    if (candidates.empty()) {
      if (const Error* why = keys_.UnusableKid(kid)) return Fail(Errc::kKeyUnusable, "kid " + Quote(kid) + ": " + why->detail);
      return Fail(Errc::kKidUnknown, "no trusted key has kid " + Quote(kid));
    }
  } else {
    for (const Key& key : keys_.keys()) candidates.push_back(&key);
  }
  std::string unusable_detail = "no trusted key";
  const auto usable_end = std::remove_if(candidates.begin(), candidates.end(), [&](const Key* key) {
    auto usable = key->CheckUsable(*alg, KeyOp::kVerify);
    if (!usable) unusable_detail = usable.error().detail;
    return !usable;
  });
  candidates.erase(usable_end, candidates.end());
  if (candidates.empty()) {
    return Fail(Errc::kKeyUnusable, "for " + std::string(AlgorithmName(*alg)) + ": " + unusable_detail);
  }

  // 8. Signature, before any claim is read (RFC 7515 s.5.2 step 8; RFC 7519 s.7.2 step 10
  // parses the claims only afterwards).
  Error last_failure{Errc::kBadSignature, "no candidate key"};
  bool verified = false;
  for (const Key* key : candidates) {
    auto result = key->Verify(*alg, signing_input, *signature);
    if (result) {
      verified = true;
      break;
    }
    last_failure = result.error();
  }
  if (!verified) return last_failure;

  // 9. Payload and claims.
  if (policy_.profile == VerifyPolicy::Profile::kJws) {
    return ReferenceToken{std::move(header), {}, std::move(*payload), *alg};
  }
  auto claims_value = ParseStrictJson(*payload, Errc::kPayloadJson);
  if (!claims_value) return claims_value.error();
  // RFC 7519 s.7.2 step 10: the claims set is a JSON object.
  if (!claims_value->is_object()) return Fail(Errc::kPayloadJson, "the payload is not a JSON object");
  if (auto checked = CheckClaims(claims_value->get_object()); !checked) return checked.error();
  return ReferenceToken{std::move(header), std::move(claims_value->get_object()), std::move(*payload), *alg};
}

inline Result<void> ReferenceVerifier::CheckHeader(const boost::json::object& header) const {
  // RFC 7515 s.4.1.11: a recipient MUST reject a JWS whose crit lists extensions it does not
  // understand. We understand none, and a malformed crit is invalid as well.
  if (header.contains("crit")) return Fail(Errc::kCritUnsupported, "crit present; no extension is supported");
  // RFC 7797 s.3: b64 false changes what the signature covers; only the default is accepted.
  if (const boost::json::value* b64 = header.if_contains("b64")) {
    if (!(b64->is_bool() && b64->get_bool())) return Fail(Errc::kB64HeaderUnsupported, "b64 other than true");
  }
  // RFC 7516 s.9: "enc" marks a JWE header.
  if (header.contains("enc")) return Fail(Errc::kJweUnsupported, "enc present: a JWE header");
  // RFC 7519 s.5.2: cty "JWT" means the payload is itself a JWT.
  if (const boost::json::value* cty = header.if_contains("cty")) {
    if (cty->is_string() && SameMediaType(cty->get_string(), "JWT")) {
      return Fail(Errc::kNestedJwtUnsupported, "cty JWT: nested tokens are not supported");
    }
  }
  // RFC 7515 s.4.1.9, RFC 8725 s.3.11 (explicit typing).
  const boost::json::value* typ = header.if_contains("typ");
  if (typ != nullptr && !typ->is_string()) return Fail(Errc::kTypMismatch, "typ is not a string");
  if (policy_.typ) {
    if (typ == nullptr) return Fail(Errc::kTypMismatch, "typ missing, " + Quote(*policy_.typ) + " required");
    if (!SameMediaType(typ->get_string(), *policy_.typ)) {
      return Fail(Errc::kTypMismatch, "typ " + Quote(typ->get_string()) + ", " + Quote(*policy_.typ) + " required");
    }
  }
  return {};
}

inline Result<void> ReferenceVerifier::CheckClaims(const boost::json::object& claims) const {
  // Types first, so a malformed claim is reported as such whatever else is wrong.
  // RFC 7519 s.4.1.4-6: exp, nbf, iat are NumericDates, i.e. JSON numbers.
  struct TimeClaim {
    std::string_view name;
    std::optional<double> value;
  };
  TimeClaim times[] = {{"exp", std::nullopt}, {"nbf", std::nullopt}, {"iat", std::nullopt}};
  for (TimeClaim& claim : times) {
    const boost::json::value* value = claims.if_contains(claim.name);
    if (value == nullptr) continue;
    claim.value = NumericDate(*value);
    if (!claim.value) {
      return Fail(Errc::kClaimType, std::string(claim.name) + " is not a number in [0, 253402300799]");
    }
  }
  // RFC 7519 s.4.1.1: iss is a StringOrURI.
  const boost::json::value* iss = NonNull(claims, "iss");
  if (iss != nullptr && !iss->is_string()) return Fail(Errc::kClaimType, "iss is not a string");
  // RFC 7519 s.4.1.3: aud is a string or an array of strings.
  const boost::json::value* aud = NonNull(claims, "aud");
  if (aud != nullptr && !aud->is_string()) {
    if (!aud->is_array()) return Fail(Errc::kClaimType, "aud is neither a string nor an array");
    for (const boost::json::value& entry : aud->get_array()) {
      if (!entry.is_string()) return Fail(Errc::kClaimType, "aud holds a non-string");
    }
  }

  for (const std::string& name : policy_.required_claims) {
    if (NonNull(claims, name) == nullptr) return Fail(Errc::kMissingClaim, "claim " + Quote(name) + " is required");
  }

  const std::int64_t now = now_();
  const std::int64_t leeway = policy_.leeway_seconds;
  // RFC 7519 s.4.1.4: valid only before exp: now < exp + leeway, i.e. now - leeway < exp.
  if (times[0].value && !(ExactDouble(SaturatingAdd(now, -leeway)) < *times[0].value)) {
    return Fail(Errc::kExpired, "expired at " + std::to_string(*times[0].value) + ", now " + std::to_string(now) +
                                    ", leeway " + std::to_string(leeway));
  }
  // RFC 7519 s.4.1.5: not valid before nbf: nbf <= now + leeway.
  if (times[1].value && !(*times[1].value <= ExactDouble(SaturatingAdd(now, leeway)))) {
    return Fail(Errc::kNotYetValid, "not valid before " + std::to_string(*times[1].value) + ", now " +
                                        std::to_string(now) + ", leeway " + std::to_string(leeway));
  }
  // RFC 7519 s.4.1.6 defines iat; a token from the future is refused (policy).
  if (times[2].value && !(*times[2].value <= ExactDouble(SaturatingAdd(now, leeway)))) {
    return Fail(Errc::kIssuedInFuture, "issued at " + std::to_string(*times[2].value) + ", now " +
                                           std::to_string(now) + ", leeway " + std::to_string(leeway));
  }

  // Exact, case-sensitive comparisons after JSON unescaping (RFC 7519 s.4.1.1, s.4.1.3).
  if (policy_.issuer) {
    if (iss == nullptr) return Fail(Errc::kIssuerMismatch, "iss missing");
    if (iss->get_string() != *policy_.issuer) return Fail(Errc::kIssuerMismatch, "iss " + Quote(iss->get_string()));
  }
  if (policy_.audience) {
    bool found = false;
    if (aud != nullptr && aud->is_string()) {
      found = aud->get_string() == *policy_.audience;
    } else if (aud != nullptr) {
      for (const boost::json::value& entry : aud->get_array()) found = found || entry.get_string() == *policy_.audience;
    }
    if (!found) return Fail(Errc::kAudienceMismatch, aud == nullptr ? "aud missing" : "aud does not name this audience");
  } else if (aud != nullptr) {
    // RFC 7519 s.4.1.3: a recipient that does not identify itself with a value in aud MUST
    // reject the token.
    return Fail(Errc::kAudienceMismatch, "aud present but no audience is configured");
  }
  return {};
}

}  // namespace reference
}  // namespace stockroom::fuzz
