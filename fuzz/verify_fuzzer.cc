// libFuzzer target over the token verification path of jose: Verifier::Verify on the input as
// a token, on the input as signed "header\npayload" JSON, and Key::FromJwk on the input as JSON.
// Besides crashes and sanitizer reports, it aborts when one of the invariants below breaks.
// The fast path is held to the DOM-based verifier it replaced (reference_verifier.h) and its
// JSON scanner to ParseStrictJson, on every input.

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "fuzz_keys.h"
#include "invariants.h"
#include "jose/json_scan.h"  // src/: the fast path's scanner, checked against ParseStrictJson
#include "reference_verifier.h"
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
  reference::ReferenceVerifier jwt_reference{FixedKeySet(), FixedPolicy(jose::VerifyPolicy::Profile::kJwt)};
  reference::ReferenceVerifier jws_reference{FixedKeySet(), FixedPolicy(jose::VerifyPolicy::Profile::kJws)};
  jose::Key hs256 = FixedKey(kHs256Jwk);
};

// The fast verifier and the reference agree: same verdict, same error code, and for an
// accepted token the same algorithm, payload, header and claims; each claim read through
// StringClaim and NumberClaim is the one in the claims tree.
void CheckAgainstReference(const jose::Result<jose::VerifiedToken>& fast,
                           const jose::Result<reference::ReferenceToken>& slow) {
  Check(fast.has_value() == slow.has_value(), "the fast path and the reference verifier disagree on validity");
  if (!fast) {
    Check(fast.error().code == slow.error().code, "the fast path and the reference verifier fail different rules");
    return;
  }
  Check(fast->algorithm() == slow->algorithm, "the fast path verified with another algorithm");
  Check(fast->payload() == slow->payload, "the fast path returned another payload");
  Check(fast->header() == slow->header, "the fast path's header differs from the reference's");
  Check(fast->claims() == slow->claims, "the fast path's claims differ from the reference's");
  for (const auto& claim : slow->claims) {
    const auto string_claim = fast->StringClaim(claim.key());
    Check(string_claim.has_value() == claim.value().is_string() &&
              (!string_claim || *string_claim == claim.value().get_string()),
          "StringClaim differs from the claims tree");
    const auto number_claim = fast->NumberClaim(claim.key());
    Check(number_claim.has_value() == claim.value().is_number() &&
              (!number_claim || *number_claim == claim.value().to_number<double>()),
          "NumberClaim differs from the claims tree");
  }
}

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
  CheckAgainstReference(jwt, fixture.jwt_reference.Verify(token));
  CheckAgainstReference(jws, fixture.jws_reference.Verify(token));
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

// The scanner of the fast path, through both of its paths, accepts exactly what the strict
// parser accepts, and finds the top-level members the parsed object has, in order.
void ScanAsJson(std::string_view text) {
  auto parsed = jose::ParseStrictJson(text, Errc::kPayloadJson);
  for (const bool allow_flat : {true, false}) {
    jose::detail::JsonKind kind = jose::detail::JsonKind::kNull;
    jose::detail::JsonMembers members;
    auto scanned = jose::detail::ScanStrictJson(text, Errc::kPayloadJson, kind, members, allow_flat);
    Check(scanned.has_value() == parsed.has_value(), "the scanner and the strict parser disagree on validity");
    if (!scanned) continue;
    Check((kind == jose::detail::JsonKind::kObject) == parsed->is_object(), "the scanner saw another kind of value");
    if (!parsed->is_object()) continue;
    const boost::json::object& object = parsed->get_object();
    Check(members.size() == object.size(), "the scanner found another number of members");
    std::size_t i = 0;
    std::string scratch;
    for (const auto& member : object) {
      const jose::detail::JsonMember& m = members[i++];
      Check(jose::detail::StringText(m.RawName(text), m.name_escaped, scratch) == member.key(),
            "the scanner read another member name");
      Check(m.name_key == jose::detail::NameKey(member.key()), "a member's name key is wrong");
      Check((m.kind == jose::detail::JsonKind::kString) == member.value().is_string(),
            "the scanner saw another kind of member value");
      if (member.value().is_string()) {
        Check(jose::detail::StringText(m.RawValue(text), m.value_escaped, scratch) == member.value().get_string(),
              "the scanner read another string value");
      }
      const std::string_view raw = m.RawValue(text);
      const bool plain = member.value().is_int64() && !raw.empty() && raw.size() <= 18 && raw[0] != '0' &&
                         raw.find_first_not_of("0123456789") == std::string_view::npos;
      Check(m.integer == (plain ? member.value().get_int64() : -1), "the scanner read another integer");
    }
  }
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
  ScanAsJson(input);
  ParseAsJson(input);
  return 0;
}
