// libFuzzer target over the token verification path of jose: Verifier::Verify on the input as
// a token, on the input as signed "header\npayload" JSON, and Key::FromJwk on the input as JSON.
// Besides crashes and sanitizer reports, it aborts when one of the invariants below breaks.

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "fuzz_keys.h"
#include "invariants.h"
#include "stockroom/jose/base64url.h"
#include "stockroom/jose/json.h"
#include "stockroom/jose/jwt.h"
#include "stockroom/jose/key.h"

namespace stockroom::fuzz {
namespace {

using jose::Errc;

// Built once: key import and HMAC preparation are not what is being fuzzed.
struct Fixture {
  jose::Verifier jwt{FixedKeySet(), FixedPolicy(jose::VerifyPolicy::Profile::kJwt)};
  jose::Verifier jws{FixedKeySet(), FixedPolicy(jose::VerifyPolicy::Profile::kJws)};
  jose::Key hs256 = FixedKey(kHs256Jwk);
};

// The codes of rule 9, the only rule the jws profile does not apply.
bool IsClaimsError(Errc code) {
  static constexpr Errc kRule9[] = {Errc::kPayloadJson,  Errc::kClaimType,       Errc::kMissingClaim,
                                    Errc::kExpired,      Errc::kNotYetValid,     Errc::kIssuedInFuture,
                                    Errc::kIssuerMismatch, Errc::kAudienceMismatch};
  return std::find(std::begin(kRule9), std::end(kRule9), code) != std::end(kRule9);
}

// The input as a token, exactly as a client would send it. Rules 1-8 are the same for both
// profiles, so the two verdicts may differ only in rule 9.
// Returns the verdict of the jwt profile.
jose::Result<jose::VerifiedToken> VerifyAsToken(const Fixture& fixture, std::string_view token) {
  auto jwt = fixture.jwt.Verify(token);
  auto jws = fixture.jws.Verify(token);
  if (!jws) {
    Check(!jwt && jwt.error().code == jws.error().code, "jwt and jws profiles disagree on rules 1-8");
  } else if (!jwt) {
    Check(IsClaimsError(jwt.error().code), "a token the jws profile accepts fails jwt before rule 9");
  } else {
    Check(jwt->algorithm() == jws->algorithm(), "profiles verified with different algorithms");
    for (const char* claim : {"sub", "exp", "iat", "jti", "role"}) {
      Check(jwt->claims().contains(claim), "a verified token lacks a required claim");
    }
  }
  return jwt;
}

// The input as "header JSON \n payload JSON", base64url-encoded and signed with the HS256 key,
// so that mutations of the JSON reach rules 4-9 (the claims are only read after a good
// signature) instead of dying in base64url or the signature check.
void VerifyAsSignedJson(const Fixture& fixture, std::string_view input) {
  const std::size_t newline = input.find('\n');
  const std::string_view header = input.substr(0, newline);
  const std::string_view payload = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  std::string token = jose::Base64UrlEncode(header) + "." + jose::Base64UrlEncode(payload);
  auto mac = fixture.hs256.Sign(jose::Algorithm::kHS256, token);
  Check(mac.has_value(), "HS256 signing with the fixed key failed");
  token += "." + jose::Base64UrlEncode(*mac);

  auto verified = VerifyAsToken(fixture, token);
  if (verified) return;
  const Errc code = verified.error().code;
  if (token.size() > jose::VerifyPolicy{}.max_token_bytes) {
    Check(code == Errc::kTokenTooLarge, "an oversized token was not refused for its size");
    return;
  }
  Check(code != Errc::kTokenTooLarge && code != Errc::kBase64Charset && code != Errc::kBase64Length &&
            code != Errc::kBase64NonCanonical,
        "a well-encoded token failed in rules 1-3");
  Check(code != Errc::kMalformed || header.empty(), "a three-segment token with a header was malformed");
  // A header naming HS256 carries the right MAC: whatever else fails, the signature must not.
  auto parsed = jose::ParseStrictJson(header, Errc::kHeaderJson);
  if (parsed && parsed->is_object()) {
    const boost::json::value* alg = parsed->get_object().if_contains("alg");
    if (alg != nullptr && alg->is_string() && alg->get_string() == "HS256") {
      Check(code != Errc::kBadSignature, "a correct HS256 MAC was refused");
    }
  }
}

// base64url is strict: a text that decodes is the one spelling of its bytes.
void CheckBase64(std::string_view text) {
  auto decoded = jose::Base64UrlDecode(text);
  if (decoded) Check(jose::Base64UrlEncode(*decoded) == text, "base64url accepted a non-canonical spelling");
}

// Strict JSON round-trips through Boost.JSON's serializer; a JSON object goes through
// Key::FromJwk, and a loaded key survives ToJwk/FromJwk with the same thumbprint.
void ParseAsJson(std::string_view text) {
  auto value = jose::ParseStrictJson(text, Errc::kJwkInvalid);
  if (!value) return;
  const std::string serialized = boost::json::serialize(*value);
  auto reparsed = jose::ParseStrictJson(serialized, Errc::kJwkInvalid);
  Check(reparsed.has_value(), "the strict parser refused Boost.JSON's serialization of its own value");
  Check(*reparsed == *value, "JSON changed in a serialize/parse round trip");
  if (!value->is_object()) return;
  auto key = jose::Key::FromJwk(value->get_object());
  if (!key) return;
  auto again = jose::Key::FromJwk(key->ToJwk(/*include_private=*/true));
  Check(Reloaded(*key, again), "a key's own JWK does not load");
  Check(!again || again->Thumbprint() == key->Thumbprint(), "ToJwk/FromJwk changed the key");
}

}  // namespace
}  // namespace stockroom::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace stockroom::fuzz;
  static const Fixture* const fixture = new Fixture();  // never destroyed: no exit-time order issues
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  VerifyAsToken(*fixture, input);
  VerifyAsSignedJson(*fixture, input);
  CheckBase64(input);
  ParseAsJson(input);
  return 0;
}
