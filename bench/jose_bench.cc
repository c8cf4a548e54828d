// Benchmarks of jose token verification and signing, per algorithm, against two references:
// the floor (the bare OpenSSL operation on the same bytes, key loaded once) and libjwt 1.x
// (Debian's libjwt-dev) on the same token. Single-threaded. Results: bench/README.md.
//
// Names are OPERATION/ALG/IMPLEMENTATION; the "parts/" benchmarks time the steps of a
// stockroom verification separately, to show where its time goes.

#include <benchmark/benchmark.h>
#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jose/base64url_detail.h"  // src/: the fast path's private parts, timed alone
#include "jose/json_scan.h"
#include "stockroom/jose/algorithm.h"
#include "stockroom/jose/base64url.h"
#include "stockroom/jose/json.h"
#include "stockroom/jose/jwt.h"
#include "stockroom/jose/key.h"

namespace stockroom::bench {
namespace {

using jose::Algorithm;

// The clock of every verifier here, in unix seconds: tokens are issued at it.
constexpr std::int64_t kNow = 1750000000;
constexpr std::int64_t kLeeway = 30;
constexpr std::string_view kIssuer = "stockroom";
constexpr std::string_view kAudience = "stockroom-api";
// libjwt 1.x refuses any typ but "JWT" (case-insensitively), so every token here carries
// typ JWT rather than the server's "at+jwt"; the bytes are then the same for all three.
constexpr std::string_view kTyp = "JWT";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "jose_bench: %s\n", what.c_str());
  std::exit(1);
}

struct PkeyFree {
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// A typical access token's claims (src/auth/access_tokens.cc issues the same names).
boost::json::object Claims() {
  return {{"iss", kIssuer},
          {"sub", "42"},
          {"aud", kAudience},
          {"iat", kNow},
          {"nbf", kNow},
          {"exp", kNow + 3600},
          {"jti", "oJ7l3GBq2m0S5VZk0bTnGw"},
          {"role", "warehouse_staff"},
          {"preferred_username", "erika"}};
}

// libjwt 1.x has no PS* and no EdDSA: JWT_ALG_NONE marks those.
jwt_alg_t LibjwtAlgorithm(Algorithm alg) {
  switch (alg) {
    case Algorithm::kHS256: return JWT_ALG_HS256;
    case Algorithm::kHS384: return JWT_ALG_HS384;
    case Algorithm::kHS512: return JWT_ALG_HS512;
    case Algorithm::kRS256: return JWT_ALG_RS256;
    case Algorithm::kRS384: return JWT_ALG_RS384;
    case Algorithm::kRS512: return JWT_ALG_RS512;
    case Algorithm::kES256: return JWT_ALG_ES256;
    case Algorithm::kES384: return JWT_ALG_ES384;
    case Algorithm::kES512: return JWT_ALG_ES512;
    case Algorithm::kPS256:
    case Algorithm::kPS384:
    case Algorithm::kPS512:
    case Algorithm::kEdDSA: return JWT_ALG_NONE;
  }
  return JWT_ALG_NONE;
}

bool IsHmac(Algorithm alg) { return jose::AlgorithmKeyType(alg) == jose::KeyType::kOct; }
bool IsPss(Algorithm alg) { return alg == Algorithm::kPS256 || alg == Algorithm::kPS384 || alg == Algorithm::kPS512; }

Pkey PkeyFromPem(const std::string& pem, bool is_private) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  EVP_PKEY* raw = is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                             : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr) Die("cannot read a PEM key");
  return Pkey(raw);
}

// A digest-sign or digest-verify context for `alg` with `pkey`: what any caller of OpenSSL
// must set up per message (the JWS padding rules included).
MdCtx InitDigest(EVP_PKEY* pkey, Algorithm alg, bool sign) {
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const char* digest = jose::DigestName(alg);
  const int ok = sign ? EVP_DigestSignInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, pkey, nullptr)
                      : EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, pkey, nullptr);
  if (ok != 1) return nullptr;
  if (IsPss(alg)) {
    // RFC 7518 s.3.5.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
      return nullptr;
    }
  }
  return ctx;
}

// Everything one algorithm's benchmarks share, built once before any timing.
struct Fixture {
  Fixture(Algorithm algorithm, jose::Key key) : alg(algorithm), private_key(std::move(key)) {}

  Algorithm alg;
  jose::Key private_key;
  std::optional<jose::Key> verify_key;  // the public key (HMAC: the key itself)
  std::unique_ptr<jose::Signer> signer;
  std::unique_ptr<jose::Verifier> verifier;  // holds the public key only
  boost::json::object claims;
  std::string claims_json;
  std::string token;
  std::string signing_input;  // "header.payload", RFC 7515 s.5.2 step 8
  std::string header_segment, payload_segment, signature_segment;
  std::string header_json, payload_json;
  std::string signature;      // the JWS signature bytes
  std::string der_signature;  // ECDSA: the DER form OpenSSL verifies
  // Floor state.
  std::string secret;           // HMAC
  MacCtx mac_template;          // HMAC keyed once
  Pkey public_pkey, private_pkey;
  // libjwt keys: the HMAC secret, else PEM text (which libjwt parses on every call).
  std::string libjwt_verify_key, libjwt_sign_key;
};

std::unique_ptr<Fixture> MakeFixture(Algorithm alg) {
  auto f = std::make_unique<Fixture>(alg, jose::Key::Generate(alg, "bench").value());
  f->signer = std::make_unique<jose::Signer>(f->private_key);
  f->claims = Claims();
  f->claims_json = boost::json::serialize(f->claims);
  f->token = f->signer->Sign(f->claims, kTyp);

  const std::size_t dot1 = f->token.find('.');
  const std::size_t dot2 = f->token.rfind('.');
  f->signing_input = f->token.substr(0, dot2);
  f->header_segment = f->token.substr(0, dot1);
  f->payload_segment = f->token.substr(dot1 + 1, dot2 - dot1 - 1);
  f->signature_segment = f->token.substr(dot2 + 1);
  f->header_json = jose::Base64UrlDecode(f->header_segment).value();
  f->payload_json = jose::Base64UrlDecode(f->payload_segment).value();
  f->signature = jose::Base64UrlDecode(f->signature_segment).value();

  if (IsHmac(alg)) {
    f->verify_key = f->private_key;
    const boost::json::object jwk = f->private_key.ToJwk(/*include_private=*/true);
    f->secret = jose::Base64UrlDecode(jwk.at("k").as_string()).value();
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
    f->mac_template.reset(EVP_MAC_CTX_new(mac));
    EVP_MAC_free(mac);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(jose::DigestName(alg)), 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_init(f->mac_template.get(), Bytes(f->secret), f->secret.size(), params) != 1) Die("EVP_MAC_init");
    f->libjwt_verify_key = f->libjwt_sign_key = f->secret;
  } else {
    const std::string public_pem = f->private_key.ToPem(/*include_private=*/false);
    const std::string private_pem = f->private_key.ToPem(/*include_private=*/true);
    f->verify_key = jose::Key::FromPem(public_pem, alg, "bench").value();
    f->public_pkey = PkeyFromPem(public_pem, /*is_private=*/false);
    f->private_pkey = PkeyFromPem(private_pem, /*is_private=*/true);
    f->libjwt_verify_key = public_pem;
    f->libjwt_sign_key = private_pem;
  }
  if (jose::AlgorithmKeyType(alg) == jose::KeyType::kEc) {
    const std::size_t half = f->signature.size() / 2;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(Bytes(f->signature), static_cast<int>(half), nullptr),
                   BN_bin2bn(Bytes(f->signature) + half, static_cast<int>(half), nullptr));
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig, &der);
    f->der_signature.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
  } else {
    f->der_signature = f->signature;
  }

  jose::VerifyPolicy policy;
  policy.algorithms = {alg};
  policy.issuer = std::string(kIssuer);
  policy.audience = std::string(kAudience);
  policy.typ = std::string(kTyp);
  policy.required_claims = {"sub", "exp", "iat", "jti", "role"};
  policy.leeway_seconds = kLeeway;
  policy.now = [] { return kNow; };
  f->verifier = std::make_unique<jose::Verifier>(jose::KeySet({*f->verify_key}), std::move(policy));
  return f;
}

// ---- stockroom ------------------------------------------------------------------------------

void VerifyStockroom(benchmark::State& state, const Fixture* f) {
  for (auto _ : state) {
    auto verified = f->verifier->Verify(f->token);
    if (!verified) {
      state.SkipWithError(("stockroom refused the token: " + verified.error().detail).c_str());
      break;
    }
    benchmark::DoNotOptimize(verified);
  }
}

void SignStockroom(benchmark::State& state, const Fixture* f) {
  for (auto _ : state) {
    std::string token = f->signer->Sign(f->claims, kTyp);
    benchmark::DoNotOptimize(token);
  }
}

// ---- the floor: bare OpenSSL on the same bytes ----------------------------------------------

// HMAC: a copy of the keyed context (the key schedule is not redone), one pass over the
// signing input, and a constant-time comparison with the decoded signature.
bool HmacVerifyFloor(const Fixture* f) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_len = 0;
  MacCtx ctx(EVP_MAC_CTX_dup(f->mac_template.get()));
  return ctx && EVP_MAC_update(ctx.get(), Bytes(f->signing_input), f->signing_input.size()) == 1 &&
         EVP_MAC_final(ctx.get(), mac, &mac_len, sizeof(mac)) == 1 && mac_len == f->signature.size() &&
         CRYPTO_memcmp(mac, f->signature.data(), mac_len) == 0;
}

// Asymmetric: a fresh verify context for the loaded key and one EVP_DigestVerify of the
// signature in the form OpenSSL takes (DER for ECDSA, converted before timing).
bool PkeyVerifyFloor(const Fixture* f) {
  MdCtx ctx = InitDigest(f->public_pkey.get(), f->alg, /*sign=*/false);
  return ctx && EVP_DigestVerify(ctx.get(), Bytes(f->der_signature), f->der_signature.size(),
                                 Bytes(f->signing_input), f->signing_input.size()) == 1;
}

void VerifyFloor(benchmark::State& state, const Fixture* f) {
  for (auto _ : state) {
    const bool ok = IsHmac(f->alg) ? HmacVerifyFloor(f) : PkeyVerifyFloor(f);
    if (!ok) {
      state.SkipWithError("the floor refused the signature");
      break;
    }
  }
}

void SignFloor(benchmark::State& state, const Fixture* f) {
  unsigned char out[1024];
  for (auto _ : state) {
    std::size_t len = sizeof(out);
    bool ok = false;
    if (IsHmac(f->alg)) {
      MacCtx ctx(EVP_MAC_CTX_dup(f->mac_template.get()));
      ok = ctx && EVP_MAC_update(ctx.get(), Bytes(f->signing_input), f->signing_input.size()) == 1 &&
           EVP_MAC_final(ctx.get(), out, &len, sizeof(out)) == 1;
    } else {
      MdCtx ctx = InitDigest(f->private_pkey.get(), f->alg, /*sign=*/true);
      ok = ctx && EVP_DigestSign(ctx.get(), out, &len, Bytes(f->signing_input), f->signing_input.size()) == 1;
    }
    if (!ok) {
      state.SkipWithError("the floor could not sign");
      break;
    }
    benchmark::DoNotOptimize(out);
  }
}

// Other ways to do the bare operation, to show what the floor's choices cost.
// HMAC(): the one-call API, which fetches the digest and keys the MAC on every call.
void VerifyFloorOneShotHmac(benchmark::State& state, const Fixture* f) {
  const EVP_MD* md = EVP_get_digestbyname(jose::DigestName(f->alg));
  for (auto _ : state) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(md, f->secret.data(), static_cast<int>(f->secret.size()), Bytes(f->signing_input), f->signing_input.size(),
         mac, &mac_len);
    if (mac_len != f->signature.size() || CRYPTO_memcmp(mac, f->signature.data(), mac_len) != 0) {
      state.SkipWithError("HMAC() disagrees");
      break;
    }
  }
}

// HMAC re-initialized in place on one per-thread context (EVP_MAC_init with no key keeps
// the key): no allocation at all.
void VerifyFloorReinitHmac(benchmark::State& state, const Fixture* f) {
  MacCtx ctx(EVP_MAC_CTX_dup(f->mac_template.get()));
  for (auto _ : state) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    std::size_t mac_len = 0;
    const bool ok = EVP_MAC_init(ctx.get(), nullptr, 0, nullptr) == 1 &&
                    EVP_MAC_update(ctx.get(), Bytes(f->signing_input), f->signing_input.size()) == 1 &&
                    EVP_MAC_final(ctx.get(), mac, &mac_len, sizeof(mac)) == 1 &&
                    CRYPTO_memcmp(mac, f->signature.data(), mac_len) == 0;
    if (!ok) {
      state.SkipWithError("re-initialized HMAC disagrees");
      break;
    }
  }
}

// Asymmetric with the verify context set up once and copied per message: what remains of
// the floor when EVP_DigestVerifyInit_ex (algorithm fetch, key export to the provider) is
// taken out of the loop.
void VerifyFloorCachedInit(benchmark::State& state, const Fixture* f) {
  MdCtx prepared = InitDigest(f->public_pkey.get(), f->alg, /*sign=*/false);
  MdCtx ctx(EVP_MD_CTX_new());
  for (auto _ : state) {
    if (EVP_MD_CTX_copy_ex(ctx.get(), prepared.get()) != 1 ||
        EVP_DigestVerify(ctx.get(), Bytes(f->der_signature), f->der_signature.size(), Bytes(f->signing_input),
                         f->signing_input.size()) != 1) {
      state.SkipWithError("a copied verify context failed (unsupported for this key type)");
      break;
    }
  }
}

// ---- libjwt 1.x -----------------------------------------------------------------------------

// The claim checks the stockroom verifier applies, done on libjwt's decoded grants.
bool LibjwtClaimsOk(jwt_t* jwt) {
  const char* iss = jwt_get_grant(jwt, "iss");
  const char* aud = jwt_get_grant(jwt, "aud");
  if (iss == nullptr || kIssuer != iss || aud == nullptr || kAudience != aud) return false;
  for (const char* name : {"sub", "jti", "role"}) {
    if (jwt_get_grant(jwt, name) == nullptr) return false;
  }
  errno = 0;
  const long exp = jwt_get_grant_int(jwt, "exp");
  const long nbf = jwt_get_grant_int(jwt, "nbf");
  const long iat = jwt_get_grant_int(jwt, "iat");
  if (errno == ENOENT) return false;
  return kNow - kLeeway < exp && nbf <= kNow + kLeeway && iat <= kNow + kLeeway;
}

bool LibjwtVerify(const Fixture* f) {
  jwt_t* jwt = nullptr;
  const int rc = jwt_decode(&jwt, f->token.c_str(), Bytes(f->libjwt_verify_key),
                            static_cast<int>(f->libjwt_verify_key.size()));
  // jwt_decode takes the algorithm from the token; a verifier must pin it (RFC 8725 s.3.1).
  const bool ok = rc == 0 && jwt_get_alg(jwt) == LibjwtAlgorithm(f->alg) && LibjwtClaimsOk(jwt);
  jwt_free(jwt);
  return ok;
}

void VerifyLibjwt(benchmark::State& state, const Fixture* f) {
  for (auto _ : state) {
    if (!LibjwtVerify(f)) {
      state.SkipWithError("libjwt refused the token");
      break;
    }
  }
}

// Signs the same claims (parsed from JSON, as libjwt 1.x takes a claims set).
void SignLibjwt(benchmark::State& state, const Fixture* f) {
  for (auto _ : state) {
    jwt_t* jwt = nullptr;
    char* token = nullptr;
    if (jwt_new(&jwt) == 0 &&
        jwt_set_alg(jwt, LibjwtAlgorithm(f->alg), Bytes(f->libjwt_sign_key),
                    static_cast<int>(f->libjwt_sign_key.size())) == 0 &&
        jwt_add_grants_json(jwt, f->claims_json.c_str()) == 0) {
      token = jwt_encode_str(jwt);
    }
    jwt_free(jwt);
    if (token == nullptr) {
      state.SkipWithError("libjwt could not sign");
      break;
    }
    benchmark::DoNotOptimize(token);
    free(token);
  }
}

// ---- parts of a stockroom verification ----------------------------------------------------

void PartBase64(benchmark::State& state, const Fixture* f) {
  for (auto _ : state) {
    auto header = jose::Base64UrlDecode(f->header_segment);
    auto payload = jose::Base64UrlDecode(f->payload_segment);
    auto signature = jose::Base64UrlDecode(f->signature_segment);
    benchmark::DoNotOptimize(header);
    benchmark::DoNotOptimize(payload);
    benchmark::DoNotOptimize(signature);
  }
}

// The fast path's decoding: the three segments into caller buffers, no allocation.
void PartBase64Into(benchmark::State& state, const Fixture* f) {
  unsigned char out[2048];
  for (auto _ : state) {
    const bool ok = jose::detail::Base64UrlDecodeTo(f->header_segment, out).has_value() &&
                    jose::detail::Base64UrlDecodeTo(f->payload_segment, out).has_value() &&
                    jose::detail::Base64UrlDecodeTo(f->signature_segment, out).has_value();
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(out);
  }
}

// The fast path's JSON validation: no tree, top-level members located.
void PartJsonScan(benchmark::State& state, const std::string* json) {
  jose::detail::JsonMembers members;
  for (auto _ : state) {
    jose::detail::JsonKind kind = jose::detail::JsonKind::kNull;
    auto ok = jose::detail::ScanStrictJson(*json, jose::Errc::kPayloadJson, kind, members);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(members);
  }
}

void PartJson(benchmark::State& state, const std::string* json) {
  for (auto _ : state) {
    auto value = jose::ParseStrictJson(*json, jose::Errc::kPayloadJson);
    benchmark::DoNotOptimize(value);
  }
}

// A verification followed by claims(): what a caller pays that wants the claims as a
// boost::json tree (parsed on demand) rather than through StringClaim/NumberClaim.
void PartVerifyThenClaimsTree(benchmark::State& state, const Fixture* f) {
  for (auto _ : state) {
    auto verified = f->verifier->Verify(f->token);
    if (!verified) {
      state.SkipWithError("stockroom refused the token");
      break;
    }
    benchmark::DoNotOptimize(verified->claims().size());
  }
}

// Key::Verify alone: the signature step of Verifier::Verify, through jose's key layer.
void PartKeyVerify(benchmark::State& state, const Fixture* f) {
  for (auto _ : state) {
    auto ok = f->verify_key->Verify(f->alg, f->signing_input, f->signature);
    if (!ok) {
      state.SkipWithError("Key::Verify refused the signature");
      break;
    }
  }
}

// Each implementation must accept the others' tokens, or the comparison is meaningless.
void CheckAgreement(const Fixture& f) {
  if (!f.verifier->Verify(f.token)) Die(std::string(jose::AlgorithmName(f.alg)) + ": stockroom refuses its token");
  if (!(IsHmac(f.alg) ? HmacVerifyFloor(&f) : PkeyVerifyFloor(&f))) {
    Die(std::string(jose::AlgorithmName(f.alg)) + ": the floor refuses stockroom's token");
  }
  if (LibjwtAlgorithm(f.alg) == JWT_ALG_NONE) return;
  if (!LibjwtVerify(&f)) Die(std::string(jose::AlgorithmName(f.alg)) + ": libjwt refuses stockroom's token");
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_set_alg(jwt, LibjwtAlgorithm(f.alg), Bytes(f.libjwt_sign_key), static_cast<int>(f.libjwt_sign_key.size()));
  jwt_add_grants_json(jwt, f.claims_json.c_str());
  char* theirs = jwt_encode_str(jwt);
  jwt_free(jwt);
  if (theirs == nullptr) Die(std::string(jose::AlgorithmName(f.alg)) + ": libjwt cannot sign");
  auto verified = f.verifier->Verify(theirs);
  free(theirs);
  if (!verified) {
    Die(std::string(jose::AlgorithmName(f.alg)) + ": stockroom refuses libjwt's token: " + verified.error().detail);
  }
}

void RegisterAll(const std::vector<std::unique_ptr<Fixture>>& fixtures) {
  for (const auto& owned : fixtures) {
    const Fixture* f = owned.get();
    const std::string alg(jose::AlgorithmName(f->alg));
    const bool libjwt = LibjwtAlgorithm(f->alg) != JWT_ALG_NONE;
    benchmark::RegisterBenchmark(("verify/" + alg + "/stockroom").c_str(), VerifyStockroom, f);
    benchmark::RegisterBenchmark(("verify/" + alg + "/floor").c_str(), VerifyFloor, f);
    if (libjwt) benchmark::RegisterBenchmark(("verify/" + alg + "/libjwt").c_str(), VerifyLibjwt, f);
    benchmark::RegisterBenchmark(("sign/" + alg + "/stockroom").c_str(), SignStockroom, f);
    benchmark::RegisterBenchmark(("sign/" + alg + "/floor").c_str(), SignFloor, f);
    if (libjwt) benchmark::RegisterBenchmark(("sign/" + alg + "/libjwt").c_str(), SignLibjwt, f);
    benchmark::RegisterBenchmark(("parts/" + alg + "/key-verify").c_str(), PartKeyVerify, f);
    if (IsHmac(f->alg)) {
      benchmark::RegisterBenchmark(("verify/" + alg + "/floor-hmac-oneshot").c_str(), VerifyFloorOneShotHmac, f);
      benchmark::RegisterBenchmark(("verify/" + alg + "/floor-hmac-reinit").c_str(), VerifyFloorReinitHmac, f);
    } else {
      benchmark::RegisterBenchmark(("verify/" + alg + "/floor-cached-init").c_str(), VerifyFloorCachedInit, f);
    }
  }
  // The token layer costs the same for every algorithm but the signature; HS256's token shows it.
  const Fixture* f = fixtures.front().get();
  benchmark::RegisterBenchmark("parts/base64url-decode-3-segments", PartBase64, f);
  benchmark::RegisterBenchmark("parts/header-json", PartJson, &f->header_json);
  benchmark::RegisterBenchmark("parts/payload-json", PartJson, &f->payload_json);
  benchmark::RegisterBenchmark("parts/HS256/verify-then-claims-tree", PartVerifyThenClaimsTree, f);
  benchmark::RegisterBenchmark("parts/base64url-decode-into-3-segments", PartBase64Into, f);
  benchmark::RegisterBenchmark("parts/header-scan", PartJsonScan, &f->header_json);
  benchmark::RegisterBenchmark("parts/payload-scan", PartJsonScan, &f->payload_json);
}

}  // namespace
}  // namespace stockroom::bench

int main(int argc, char** argv) {
  using stockroom::jose::Algorithm;
  // Repetitions of all benchmarks run interleaved in random order unless the command line says
  // otherwise: on a shared machine the load drifts, and stockroom and its floor must see the
  // same drift for their ratio to mean anything (bench/README.md).
  std::vector<char*> args(argv, argv + argc);
  static char interleave[] = "--benchmark_enable_random_interleaving=true";
  if (std::none_of(args.begin(), args.end(), [](const char* arg) {
        return std::string_view(arg).starts_with("--benchmark_enable_random_interleaving");
      })) {
    args.push_back(interleave);
  }
  argc = static_cast<int>(args.size());
  args.push_back(nullptr);
  argv = args.data();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::vector<std::unique_ptr<stockroom::bench::Fixture>> fixtures;
  for (Algorithm alg : {Algorithm::kHS256, Algorithm::kHS512, Algorithm::kRS256, Algorithm::kPS256, Algorithm::kES256,
                        Algorithm::kES384, Algorithm::kEdDSA}) {
    fixtures.push_back(stockroom::bench::MakeFixture(alg));
    stockroom::bench::CheckAgreement(*fixtures.back());
  }
  stockroom::bench::RegisterAll(fixtures);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
