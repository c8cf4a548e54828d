// Asymmetric JWS keys on OpenSSL 3 EVP_PKEY. See pkey.h.

#include "pkey.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstring>
#include <utility>
#include <optional>
#include <vector>

#include "stockroom/jose/base64url.h"

namespace stockroom::jose::detail {
namespace {

// Every minimum here is a rule of the verification policy (docs/jose.md rule 7).
constexpr int kMinRsaBits = 2048;  // RFC 7518 s.3.3: "2048 bits or larger MUST be used"

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using MdCtx = MdCtxPtr;
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamsFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

Error InvalidJwk(std::string detail) { return Error{Errc::kJwkInvalid, std::move(detail)}; }
Error Unusable(std::string detail) { return Error{Errc::kKeyUnusable, std::move(detail)}; }
Error CryptoFailure(std::string detail) {
  ERR_clear_error();
  return Error{Errc::kCryptoFailure, std::move(detail)};
}

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// A base64url member of `jwk`: nullopt when absent; error when not a strict base64url string.
Result<std::optional<std::string>> Member(const boost::json::object& jwk, std::string_view name) {
  const boost::json::value* value = jwk.if_contains(name);
  if (value == nullptr) return std::optional<std::string>();
  if (!value->is_string()) return InvalidJwk("\"" + std::string(name) + "\" must be a string");
  auto bytes = Base64UrlDecode(value->get_string());
  if (!bytes) return InvalidJwk("\"" + std::string(name) + "\": " + bytes.error().detail);
  if (bytes->empty()) return InvalidJwk("\"" + std::string(name) + "\" is empty");
  return std::optional<std::string>(std::move(*bytes));
}

Result<std::string> RequiredMember(const boost::json::object& jwk, std::string_view name) {
  auto member = Member(jwk, name);
  if (!member) return member.error();
  if (!*member) return InvalidJwk("\"" + std::string(name) + "\" is missing");
  return std::move(**member);
}

Result<std::string> Curve(const boost::json::object& jwk) {
  const boost::json::value* crv = jwk.if_contains("crv");
  if (crv == nullptr) return InvalidJwk("\"crv\" is missing");
  if (!crv->is_string()) return InvalidJwk("\"crv\" must be a string");
  return std::string(crv->get_string());
}

// The EC curves JWS uses (RFC 7518 s.6.2.1.1), by JWK name, with OpenSSL's names for them and
// the size of a coordinate (and of ECDSA r and s) in bytes.
struct EcCurve {
  std::string_view jwk;
  const char* group;  // OpenSSL short name
  int nid;
  std::size_t bytes;
};
constexpr EcCurve kEcCurves[] = {
    {"P-256", SN_X9_62_prime256v1, NID_X9_62_prime256v1, 32},
    {"P-384", SN_secp384r1, NID_secp384r1, 48},
    {"P-521", SN_secp521r1, NID_secp521r1, 66},
};

// The curve named `crv` in a JWK, or nullptr when unsupported.
const EcCurve* FindEcCurve(std::string_view crv) {
  for (const EcCurve& curve : kEcCurves) {
    if (curve.jwk == crv) return &curve;
  }
  return nullptr;
}

// The curve of an EC key's group, or nullptr when it is not one of ours.
const EcCurve* EcCurveOf(const EVP_PKEY* pkey) {
  char name[64] = {};
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name), nullptr) != 1) {
    return nullptr;
  }
  const int nid = OBJ_sn2nid(name) != NID_undef ? OBJ_sn2nid(name) : EC_curve_nist2nid(name);
  for (const EcCurve& curve : kEcCurves) {
    if (curve.nid == nid) return &curve;
  }
  return nullptr;
}

// The group order of `curve`, big-endian, padded to the size of r and s.
std::string EcOrder(const EcCurve& curve) {
  const std::size_t bytes = curve.bytes;
  EC_GROUP* group = EC_GROUP_new_by_curve_name(curve.nid);
  if (group == nullptr) return "";
  std::string out(bytes, '\0');
  const bool ok = BN_bn2binpad(EC_GROUP_get0_order(group), reinterpret_cast<unsigned char*>(out.data()),
                               static_cast<int>(bytes)) == static_cast<int>(bytes);
  EC_GROUP_free(group);
  return ok ? out : "";
}

// A digest context set up for `alg` with `key`, for signing or verifying.
MdCtx InitDigest(const AsymmetricKey& key, Algorithm alg, bool sign) {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return nullptr;
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  const char* digest = DigestName(alg);
  const int ok = sign ? EVP_DigestSignInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, key.pkey.get(), nullptr)
                      : EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, key.pkey.get(), nullptr);
  if (ok != 1) return nullptr;
  if (alg == Algorithm::kPS256 || alg == Algorithm::kPS384 || alg == Algorithm::kPS512) {
    // RFC 7518 s.3.5: MGF1 with the same hash, salt as long as the hash output.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, digest, nullptr) != 1) {
      return nullptr;
    }
  } else if (key.type == KeyType::kRsa) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return nullptr;
  }
  return ctx;
}

// Fills in the derived facts of a freshly built key and enforces the strength rules.
Result<AsymmetricKey> Finish(Pkey pkey, bool has_private) {
  AsymmetricKey key;
  key.has_private = has_private;
  if (EVP_PKEY_is_a(pkey.get(), "RSA")) {
    key.type = KeyType::kRsa;
    const int bits = EVP_PKEY_get_bits(pkey.get());
    if (bits < kMinRsaBits) {
      return Unusable("an RSA key of " + std::to_string(bits) + " bits is under the 2048 bits required");
    }
    BIGNUM* e = nullptr;
    if (EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1) return CryptoFailure("RSA key without e");
    Bn exponent(e);
    // An even or tiny exponent is not RSA: e = 1 makes every "signature" the message itself.
    if (!BN_is_odd(exponent.get()) || BN_is_one(exponent.get())) {
      return Unusable("an RSA public exponent must be odd and at least 3");
    }
    key.modulus_bytes = static_cast<std::size_t>(EVP_PKEY_get_size(pkey.get()));
  } else if (EVP_PKEY_is_a(pkey.get(), "EC")) {
    key.type = KeyType::kEc;
    const EcCurve* curve = EcCurveOf(pkey.get());
    if (curve == nullptr) return Unusable("an EC key on a curve other than P-256, P-384 or P-521");
    key.curve = std::string(curve->jwk);
    key.order = EcOrder(*curve);
    if (key.order.empty()) return CryptoFailure("cannot read the EC group order");
  } else if (EVP_PKEY_is_a(pkey.get(), "ED25519")) {
    key.type = KeyType::kOkp;
    key.curve = "Ed25519";
  } else {
    return Unusable("a key of a type other than RSA, EC or Ed25519");
  }
  // An EC public key must be a point of its group, whatever member bytes it came from. (RSA
  // is left out: OpenSSL's RSA public check is a randomized primality test, so the same JWK
  // would load or not by chance; the size and exponent rules above are what matter.)
  if (key.type == KeyType::kEc) {
    PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
      ERR_clear_error();
      return InvalidJwk("the public key is not valid (the point is not on the curve)");
    }
  }
  key.pkey = std::move(pkey);
  if (key.type != KeyType::kOkp) {
    key.prepared_verify.resize(AllAlgorithms().size());
    for (Algorithm alg : AllAlgorithms()) {
      const bool fits = AlgorithmKeyType(alg) == key.type && (key.type == KeyType::kRsa || CurveName(alg) == key.curve);
      if (fits) key.prepared_verify[static_cast<std::size_t>(alg)] = InitDigest(key, alg, /*sign=*/false);
    }
    ERR_clear_error();
  }
  // A private part that does not belong to the public one would sign tokens nobody can
  // verify: prove the pair by signing and verifying once.
  if (has_private) {
    const Algorithm probe = key.type == KeyType::kRsa ? Algorithm::kRS256
                            : key.curve == "P-256"    ? Algorithm::kES256
                            : key.curve == "P-384"    ? Algorithm::kES384
                            : key.curve == "P-521"    ? Algorithm::kES512
                                                      : Algorithm::kEdDSA;
    constexpr std::string_view kProbe = "stockroom key pair check";
    auto signature = SignAsymmetric(key, probe, kProbe);
    if (!signature || !VerifyAsymmetric(key, probe, kProbe, *signature)) {
      ERR_clear_error();
      return InvalidJwk("the private key does not belong to the public key");
    }
  }
  return key;
}

Result<Pkey> FromData(const char* type_name, OSSL_PARAM_BLD* bld, bool has_private) {
  std::unique_ptr<OSSL_PARAM, ParamsFree> params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type_name, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, has_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return InvalidJwk(std::string("the members do not describe a valid ") + type_name + " key");
  }
  return Pkey(raw);
}

Bn ToBn(const std::string& bytes) {
  return Bn(BN_bin2bn(Bytes(bytes), static_cast<int>(bytes.size()), nullptr));
}

struct BnCtxFree {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};

// The CRT values of an RSA private key given only n, e and d (RFC 7518 s.6.3.2 makes p, q, dp,
// dq and qi optional; OpenSSL needs them to write PKCS#8). The factors are recovered as in NIST
// SP 800-56B rev. 2 appendix C.2: d*e - 1 = 2^t * r is a multiple of lambda(n), so for most g a
// square root y of 1 mod n other than +-1 shows up in g^r, g^2r, ..., and gcd(y - 1, n) is a
// factor. Deterministic bases 2, 3, ...: each succeeds with probability at least 1/2 for a real
// key. Returns false when n, e, d are no RSA key (the pair check then refuses it anyway).
// Order as OpenSSL generates: p > q, qi = q^-1 mod p.
bool DeriveRsaCrt(const BIGNUM* n, const BIGNUM* e, const BIGNUM* d, Bn& p, Bn& q, Bn& dp, Bn& dq, Bn& qi) {
  std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
  Bn k(BN_new()), r(BN_new()), g(BN_new()), y(BN_new()), x(BN_new()), n_minus_1(BN_new()), rem(BN_new());
  p.reset(BN_new());
  q.reset(BN_new());
  dp.reset(BN_new());
  dq.reset(BN_new());
  qi.reset(BN_new());
  if (!ctx || !k || !r || !g || !y || !x || !n_minus_1 || !rem || !p || !q || !dp || !dq || !qi) return false;
  if (BN_mul(k.get(), d, e, ctx.get()) != 1 || BN_sub_word(k.get(), 1) != 1 || BN_is_zero(k.get()) ||
      BN_is_odd(k.get()) || BN_copy(n_minus_1.get(), n) == nullptr || BN_sub_word(n_minus_1.get(), 1) != 1) {
    return false;
  }
  BN_set_flags(k.get(), BN_FLG_CONSTTIME);  // k and r derive from the secret d
  // A real key has g^k = 1 for every g: one exponentiation tells garbage apart before the search.
  if (BN_set_word(g.get(), 2) != 1 || BN_mod_exp(y.get(), g.get(), k.get(), n, ctx.get()) != 1 || !BN_is_one(y.get())) {
    return false;
  }
  int t = 0;
  while (!BN_is_bit_set(k.get(), t)) ++t;
  if (BN_rshift(r.get(), k.get(), t) != 1) return false;
  BN_set_flags(r.get(), BN_FLG_CONSTTIME);
  bool found = false;
  for (BN_ULONG base = 2; base < 100 && !found; ++base) {
    if (BN_set_word(g.get(), base) != 1 || BN_mod_exp(y.get(), g.get(), r.get(), n, ctx.get()) != 1) return false;
    if (BN_is_one(y.get()) || BN_cmp(y.get(), n_minus_1.get()) == 0) continue;
    for (int j = 1; j <= t && !found; ++j) {
      if (BN_mod_sqr(x.get(), y.get(), n, ctx.get()) != 1) return false;
      if (BN_is_one(x.get())) {
        found = true;  // y is a square root of 1 other than +-1
      } else if (BN_cmp(x.get(), n_minus_1.get()) == 0) {
        break;
      } else if (BN_copy(y.get(), x.get()) == nullptr) {
        return false;
      }
    }
  }
  if (!found) return false;
  if (BN_sub_word(y.get(), 1) != 1 || BN_gcd(p.get(), y.get(), n, ctx.get()) != 1 ||
      BN_div(q.get(), rem.get(), n, p.get(), ctx.get()) != 1 || !BN_is_zero(rem.get()) || BN_is_one(p.get()) ||
      BN_is_one(q.get())) {
    return false;
  }
  if (BN_cmp(p.get(), q.get()) < 0) std::swap(p, q);
  Bn p_minus_1(BN_dup(p.get())), q_minus_1(BN_dup(q.get()));
  return p_minus_1 && q_minus_1 && BN_sub_word(p_minus_1.get(), 1) == 1 && BN_sub_word(q_minus_1.get(), 1) == 1 &&
         BN_mod(dp.get(), d, p_minus_1.get(), ctx.get()) == 1 && BN_mod(dq.get(), d, q_minus_1.get(), ctx.get()) == 1 &&
         BN_mod_inverse(qi.get(), q.get(), p.get(), ctx.get()) != nullptr;
}

Result<AsymmetricKey> RsaFromJwk(const boost::json::object& jwk) {
  // RFC 7518 s.6.3.2.7: multi-prime keys; not supported.
  if (jwk.contains("oth")) return Unusable("multi-prime RSA keys (\"oth\") are not supported");
  auto n = RequiredMember(jwk, "n");
  if (!n) return n.error();
  auto e = RequiredMember(jwk, "e");
  if (!e) return e.error();
  auto d = Member(jwk, "d");
  if (!d) return d.error();
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  std::vector<Bn> numbers;  // kept alive until the parameters are built
  auto push = [&](const char* param, const std::string& bytes) {
    numbers.push_back(ToBn(bytes));
    return numbers.back() && OSSL_PARAM_BLD_push_BN(bld.get(), param, numbers.back().get()) == 1;
  };
  if (!bld || !push(OSSL_PKEY_PARAM_RSA_N, *n) || !push(OSSL_PKEY_PARAM_RSA_E, *e)) {
    return CryptoFailure("cannot build RSA parameters");
  }
  const bool has_private = d->has_value();
  if (has_private) {
    if (!push(OSSL_PKEY_PARAM_RSA_D, **d)) return CryptoFailure("cannot build RSA parameters");
    // RFC 7518 s.6.3.2: the CRT members come together or not at all.
    static constexpr std::pair<const char*, const char*> kCrt[] = {
        {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},      {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
        {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},   {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    };
    int present = 0;
    for (const auto& [name, param] : kCrt) present += jwk.contains(name) ? 1 : 0;
    if (present != 0 && present != 5) return InvalidJwk("RSA private keys need all of p, q, dp, dq, qi or none");
    for (const auto& [name, param] : kCrt) {
      if (present == 0) break;
      auto value = RequiredMember(jwk, name);
      if (!value) return value.error();
      if (!push(param, *value)) return CryptoFailure("cannot build RSA parameters");
    }
    // Without them, derive them: OpenSSL signs without, but writes no PKCS#8 (ToPem) and signs
    // more slowly. When n, e, d are no key pair nothing is derived, and the pair check in
    // Finish refuses the key as before.
    Bn p, q, dp, dq, qi;
    if (present == 0 && DeriveRsaCrt(numbers[0].get(), numbers[1].get(), numbers[2].get(), p, q, dp, dq, qi)) {
      const std::pair<const char*, Bn*> derived[] = {
          {OSSL_PKEY_PARAM_RSA_FACTOR1, &p},    {OSSL_PKEY_PARAM_RSA_FACTOR2, &q},
          {OSSL_PKEY_PARAM_RSA_EXPONENT1, &dp}, {OSSL_PKEY_PARAM_RSA_EXPONENT2, &dq},
          {OSSL_PKEY_PARAM_RSA_COEFFICIENT1, &qi},
      };
      for (const auto& [param, value] : derived) {
        numbers.push_back(std::move(*value));
        if (OSSL_PARAM_BLD_push_BN(bld.get(), param, numbers.back().get()) != 1) {
          return CryptoFailure("cannot build RSA parameters");
        }
      }
    }
  }
  // Strength before building: a short modulus is refused whatever else is wrong with it.
  if (BN_num_bits(numbers[0].get()) < kMinRsaBits) {
    return Unusable("an RSA key of " + std::to_string(BN_num_bits(numbers[0].get())) +
                    " bits is under the 2048 bits required");
  }
  auto pkey = FromData("RSA", bld.get(), has_private);
  if (!pkey) return pkey.error();
  return Finish(std::move(*pkey), has_private);
}

Result<AsymmetricKey> EcFromJwk(const boost::json::object& jwk) {
  auto crv = Curve(jwk);
  if (!crv) return crv.error();
  const EcCurve* curve = FindEcCurve(*crv);
  if (curve == nullptr) return Unusable("EC curve \"" + *crv + "\" is not supported");
  const char* group = curve->group;
  const std::size_t size = curve->bytes;
  auto x = RequiredMember(jwk, "x");
  if (!x) return x.error();
  auto y = RequiredMember(jwk, "y");
  if (!y) return y.error();
  auto d = Member(jwk, "d");
  if (!d) return d.error();
  // RFC 7518 s.6.2.1.2-3, 6.2.2.1: each coordinate is the full field size, leading zeros kept.
  if (x->size() != size || y->size() != size) return InvalidJwk("\"x\" and \"y\" must be " + std::to_string(size) + " bytes");
  if (*d && (*d)->size() != size) return InvalidJwk("\"d\" must be " + std::to_string(size) + " bytes");
  const std::string point = "\x04" + *x + *y;  // SEC 1 2.3.3 uncompressed point
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  Bn private_value = *d ? ToBn(**d) : nullptr;
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1 ||
      (*d && (!private_value || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, private_value.get()) != 1))) {
    return CryptoFailure("cannot build EC parameters");
  }
  auto pkey = FromData("EC", bld.get(), d->has_value());
  if (!pkey) return pkey.error();
  return Finish(std::move(*pkey), d->has_value());
}

Result<AsymmetricKey> OkpFromJwk(const boost::json::object& jwk) {
  auto crv = Curve(jwk);
  if (!crv) return crv.error();
  if (*crv != "Ed25519") return Unusable("OKP curve \"" + *crv + "\" is not supported (only Ed25519)");
  auto x = RequiredMember(jwk, "x");
  if (!x) return x.error();
  auto d = Member(jwk, "d");
  if (!d) return d.error();
  constexpr std::size_t kEd25519Bytes = 32;  // RFC 8032 s.5.1.5
  if (x->size() != kEd25519Bytes) return InvalidJwk("\"x\" must be 32 bytes");
  EVP_PKEY* raw = nullptr;
  if (*d) {
    if ((*d)->size() != kEd25519Bytes) return InvalidJwk("\"d\" must be 32 bytes");
    raw = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(**d), kEd25519Bytes);
  } else {
    raw = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(*x), kEd25519Bytes);
  }
  if (raw == nullptr) return CryptoFailure("cannot build an Ed25519 key");
  Pkey pkey(raw);
  if (*d) {  // the public half must be the one the private half derives
    unsigned char derived[kEd25519Bytes];
    std::size_t len = sizeof(derived);
    if (EVP_PKEY_get_raw_public_key(pkey.get(), derived, &len) != 1 || len != kEd25519Bytes ||
        std::memcmp(derived, x->data(), kEd25519Bytes) != 0) {
      return InvalidJwk("\"x\" is not the public key of \"d\"");
    }
  }
  return Finish(std::move(pkey), d->has_value());
}

// Big-endian BIGNUM parameter of `pkey`, padded to `size` bytes (0: minimal length).
std::string BnParam(const EVP_PKEY* pkey, const char* name, std::size_t size = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) {
    ERR_clear_error();
    return "";
  }
  Bn bn(raw);
  const std::size_t len = size != 0 ? size : static_cast<std::size_t>(BN_num_bytes(bn.get()));
  std::string out(len, '\0');
  BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(len));
  return out;
}

void PutB64(boost::json::object& jwk, const char* name, std::string bytes) {
  if (bytes.empty()) return;
  jwk[name] = Base64UrlEncode(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
}


}  // namespace

Result<AsymmetricKey> AsymmetricKeyFromJwk(KeyType type, const boost::json::object& jwk) {
  switch (type) {
    case KeyType::kRsa: return RsaFromJwk(jwk);
    case KeyType::kEc: return EcFromJwk(jwk);
    case KeyType::kOkp: return OkpFromJwk(jwk);
    case KeyType::kOct: break;
  }
  return InvalidJwk("not an asymmetric key type");
}

Result<AsymmetricKey> AsymmetricKeyFromPem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return CryptoFailure("cannot read PEM");
  const bool is_private = pem.find("-----BEGIN PRIVATE KEY-----") != std::string_view::npos;
  const bool is_public = pem.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos;
  EVP_PKEY* raw = nullptr;
  if (is_private) {
    raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(""));  // never prompts
  } else if (is_public) {
    raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  }
  if (raw == nullptr) {
    ERR_clear_error();
    return InvalidJwk("no PKCS#8 \"PRIVATE KEY\" or SubjectPublicKeyInfo \"PUBLIC KEY\" PEM block");
  }
  return Finish(Pkey(raw), is_private);
}

Result<AsymmetricKey> GenerateAsymmetricKey(Algorithm alg) {
  EVP_PKEY* raw = nullptr;
  switch (AlgorithmKeyType(alg)) {
    case KeyType::kRsa: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(kMinRsaBits)); break;
    case KeyType::kEc: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", FindEcCurve(CurveName(alg))->group); break;
    case KeyType::kOkp: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
    case KeyType::kOct: return InvalidJwk("not an asymmetric algorithm");
  }
  if (raw == nullptr) return CryptoFailure("key generation failed");
  return Finish(Pkey(raw), true);
}

void AddJwkMembers(const AsymmetricKey& key, bool include_private, boost::json::object& jwk) {
  const EVP_PKEY* pkey = key.pkey.get();
  switch (key.type) {
    case KeyType::kRsa:
      PutB64(jwk, "n", BnParam(pkey, OSSL_PKEY_PARAM_RSA_N));
      PutB64(jwk, "e", BnParam(pkey, OSSL_PKEY_PARAM_RSA_E));
      if (include_private && key.has_private) {
        PutB64(jwk, "d", BnParam(pkey, OSSL_PKEY_PARAM_RSA_D));
        PutB64(jwk, "p", BnParam(pkey, OSSL_PKEY_PARAM_RSA_FACTOR1));
        PutB64(jwk, "q", BnParam(pkey, OSSL_PKEY_PARAM_RSA_FACTOR2));
        PutB64(jwk, "dp", BnParam(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT1));
        PutB64(jwk, "dq", BnParam(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT2));
        PutB64(jwk, "qi", BnParam(pkey, OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
      }
      break;
    case KeyType::kEc: {
      const std::size_t size = FindEcCurve(key.curve)->bytes;
      jwk["crv"] = key.curve;
      PutB64(jwk, "x", BnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_X, size));
      PutB64(jwk, "y", BnParam(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, size));
      if (include_private && key.has_private) PutB64(jwk, "d", BnParam(pkey, OSSL_PKEY_PARAM_PRIV_KEY, size));
      break;
    }
    case KeyType::kOkp: {
      jwk["crv"] = key.curve;
      std::string raw(32, '\0');
      std::size_t len = raw.size();
      if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) == 1) {
        PutB64(jwk, "x", raw);
      }
      if (include_private && key.has_private) {
        len = raw.size();
        if (EVP_PKEY_get_raw_private_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) == 1) {
          PutB64(jwk, "d", raw);
        }
      }
      break;
    }
    case KeyType::kOct:
      break;
  }
}

std::string ToPem(const AsymmetricKey& key, bool include_private) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio) return "";
  const int ok = include_private
                     ? PEM_write_bio_PrivateKey(bio.get(), key.pkey.get(), nullptr, nullptr, 0, nullptr, nullptr)
                     : PEM_write_bio_PUBKEY(bio.get(), key.pkey.get());
  if (ok != 1) {
    ERR_clear_error();
    return "";
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  std::string out(data, static_cast<std::size_t>(len));
  return out;
}

Result<std::string> SignAsymmetric(const AsymmetricKey& key, Algorithm alg, std::string_view input) {
  MdCtx ctx = InitDigest(key, alg, /*sign=*/true);
  std::size_t len = 0;
  if (!ctx || EVP_DigestSign(ctx.get(), nullptr, &len, Bytes(input), input.size()) != 1) {
    return CryptoFailure("cannot start signing");
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, Bytes(input),
                     input.size()) != 1) {
    return CryptoFailure("signing failed");
  }
  signature.resize(len);
  if (key.type != KeyType::kEc) return signature;

  // RFC 7518 s.3.4: JWS carries r and s as fixed-size big-endian integers, not DER.
  const unsigned char* der = Bytes(signature);
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size())));
  if (!sig) return CryptoFailure("cannot decode the ECDSA signature");
  const std::size_t size = EcdsaComponentBytes(alg);
  std::string raw(2 * size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, static_cast<int>(size)) != static_cast<int>(size) ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + size, static_cast<int>(size)) != static_cast<int>(size)) {
    return CryptoFailure("cannot encode the ECDSA signature");
  }
  return raw;
}

Result<void> VerifyAsymmetric(const AsymmetricKey& key, Algorithm alg, std::string_view input,
                              std::string_view signature) {
  auto bad = [&](std::string detail) {
    ERR_clear_error();
    return Error{Errc::kBadSignature, std::move(detail)};
  };
  std::string der;  // ECDSA: the DER form OpenSSL verifies
  std::string_view checked = signature;
  switch (key.type) {
    case KeyType::kRsa:
      if (signature.size() != key.modulus_bytes) {
        return bad("signature of " + std::to_string(signature.size()) + " bytes, the key needs " +
                   std::to_string(key.modulus_bytes));
      }
      break;
    case KeyType::kOkp:
      if (signature.size() != 64) return bad("an Ed25519 signature is 64 bytes");  // RFC 8032 s.5.1.6
      break;
    case KeyType::kEc: {
      const std::size_t size = EcdsaComponentBytes(alg);
      if (signature.size() != 2 * size) return bad("an " + std::string(AlgorithmName(alg)) + " signature is " +
                                                   std::to_string(2 * size) + " bytes (raw r || s, not DER)");
      const std::string_view r = signature.substr(0, size);
      const std::string_view s = signature.substr(size);
      // r and s in [1, n-1]; equal-length big-endian strings compare like the numbers.
      auto in_range = [&](std::string_view v) {
        return v.find_first_not_of('\0') != std::string_view::npos && v < std::string_view(key.order);
      };
      if (!in_range(r) || !in_range(s)) return bad("ECDSA r or s is zero or not below the group order");
      std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
      BIGNUM* r_bn = BN_bin2bn(Bytes(r), static_cast<int>(size), nullptr);
      BIGNUM* s_bn = BN_bin2bn(Bytes(s), static_cast<int>(size), nullptr);
      if (!sig || r_bn == nullptr || s_bn == nullptr || ECDSA_SIG_set0(sig.get(), r_bn, s_bn) != 1) {
        BN_free(r_bn);
        BN_free(s_bn);
        return bad("cannot build the ECDSA signature");
      }
      unsigned char* out = nullptr;
      const int len = i2d_ECDSA_SIG(sig.get(), &out);
      if (len <= 0) return bad("cannot encode the ECDSA signature");
      der.assign(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
      OPENSSL_free(out);
      checked = der;
      break;
    }
    case KeyType::kOct:
      return bad("not an asymmetric key");
  }
  MdCtx ctx;
  const std::size_t index = static_cast<std::size_t>(alg);
  if (index < key.prepared_verify.size() && key.prepared_verify[index]) {
    ctx.reset(EVP_MD_CTX_new());
    if (ctx && EVP_MD_CTX_copy_ex(ctx.get(), key.prepared_verify[index].get()) != 1) ctx.reset();
  } else {
    ctx = InitDigest(key, alg, /*sign=*/false);
  }
  if (!ctx) return bad("cannot start verifying");
  if (EVP_DigestVerify(ctx.get(), Bytes(checked), checked.size(), Bytes(input), input.size()) != 1) {
    return bad("the signature does not verify");
  }
  return {};
}

}  // namespace stockroom::jose::detail
