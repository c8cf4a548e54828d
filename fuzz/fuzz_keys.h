// The fixed keys, clock and policy of the verify fuzzer, shared with make_corpus.cc so that
// the seed tokens it writes verify. Test-only key material, published here: trust it nowhere.
// Thread-safe: constants and functions without state.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "stockroom/jose/json.h"
#include "stockroom/jose/jwt.h"
#include "stockroom/jose/key.h"

namespace stockroom::fuzz {

// The verifier's clock, in unix seconds (2025-06-15T15:06:40Z). Fixed, so that a reproducer
// replays the same verdict on any day.
inline constexpr std::int64_t kNow = 1750000000;

// One key per algorithm family the server may be configured with: HMAC, ECDSA and EdDSA.
inline constexpr std::string_view kHs256Jwk =
    R"({"kty":"oct","kid":"fuzz-hs256","alg":"HS256","k":"0ZXbyG9_O_Rh-cZSyNlWsIoKHXKeR9HwM_5JAk5Zuac"})";
inline constexpr std::string_view kEs256Jwk =
    R"({"kty":"EC","kid":"fuzz-es256","alg":"ES256","crv":"P-256",)"
    R"("x":"HFItFYibn_J7eaI91qBz3kARwRydKLzdElHb9cPWD1g","y":"oJR7UWKM7srl2yJ1OAZmhI-X52IPT5COe2Jtwb0OEJU",)"
    R"("d":"N9oI-OCi-qTPA68XbVKPcorBRvxvmT1U6P5oSodoxB8","use":"sig"})";
inline constexpr std::string_view kEd25519Jwk =
    R"({"kty":"OKP","kid":"fuzz-ed25519","alg":"EdDSA","crv":"Ed25519",)"
    R"("x":"L23-aoIyTLO5Gprb_UZORTRI9dxlQ0eo4qBIi_3SpRs",)"
    R"("d":"5PXrcQXWAmqy2z1fXkLEHHbuBdZu-JXkTvFSovx1x6I","use":"sig"})";

// The key of `jwk`. Aborts when it does not load: the harness itself would be broken.
inline jose::Key FixedKey(std::string_view jwk) {
  auto value = jose::ParseStrictJson(jwk, jose::Errc::kJwkInvalid);
  if (!value || !value->is_object()) {
    std::fprintf(stderr, "fuzz_keys.h: a fixed JWK is not a JSON object\n");
    std::abort();
  }
  auto key = jose::Key::FromJwk(value->get_object());
  if (!key) {
    std::fprintf(stderr, "fuzz_keys.h: a fixed JWK does not load: %s\n", key.error().detail.c_str());
    std::abort();
  }
  return *key;
}

inline jose::KeySet FixedKeySet() {
  jose::KeySet keys;
  keys.Add(FixedKey(kHs256Jwk));
  keys.Add(FixedKey(kEs256Jwk));
  keys.Add(FixedKey(kEd25519Jwk));
  return keys;
}

// The policy of the server's access tokens (src/auth/access_tokens.cc), with the fixed clock.
inline jose::VerifyPolicy FixedPolicy(jose::VerifyPolicy::Profile profile) {
  jose::VerifyPolicy policy;
  policy.algorithms = {jose::Algorithm::kHS256, jose::Algorithm::kES256, jose::Algorithm::kEdDSA};
  policy.issuer = "stockroom";
  policy.audience = "stockroom-api";
  policy.typ = "at+jwt";
  policy.required_claims = {"sub", "exp", "iat", "jti", "role"};
  policy.profile = profile;
  policy.now = [] { return kNow; };
  return policy;
}

}  // namespace stockroom::fuzz
