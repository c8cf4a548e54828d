// Asymmetric keys (RSA, EC P-256/384/521, Ed25519) on OpenSSL 3 EVP_PKEY: import from JWK
// members and PEM, generation, JWK export, and JWS-form signatures. Private to jose/.
// Thread-safe: an EVP_PKEY is only read after it is built, which OpenSSL 3 allows from any
// number of threads at once.
#pragma once

#include <openssl/evp.h>

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stockroom/jose/algorithm.h"
#include "stockroom/jose/error.h"

namespace stockroom::jose::detail {

struct PkeyFree {
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// A key pair or public key with what the key layer needs to know about it.
struct AsymmetricKey {
  KeyType type = KeyType::kRsa;
  Pkey pkey;
  bool has_private = false;
  // EC and OKP: the JWK curve name ("P-256", "Ed25519"); empty for RSA.
  std::string curve;
  // EC: the group order n, big-endian, padded to the size of r and s. Signatures need
  // 1 <= r, s <= n - 1 (RFC 7518 s.3.4, SEC 1 4.1.4 step 1).
  std::string order;
  // RSA: modulus size in bytes, which is the exact signature length.
  std::size_t modulus_bytes = 0;
  // RSA and EC: a verify context per algorithm the key fits, initialized once (digest and key
  // looked up, padding set) and copied for each verification; indexed by Algorithm. Read only
  // after construction. Empty for Ed25519, whose one-shot context is cheap to set up.
  std::vector<MdCtxPtr> prepared_verify;
};

// The key in the JWK members of `jwk` (kty RSA, EC or OKP as `type`; RFC 7518 s.6.2-6.3,
// RFC 8037 s.2). Private members (d, and for RSA the CRT values) make a key pair. Fails with
//   kJwkInvalid   a member missing, of the wrong type, not strict base64url, of the wrong
//                 length, or not describing a valid key (EC point not on its curve);
//   kKeyUnusable  a curve other than P-256/P-384/P-521/Ed25519, multi-prime RSA ("oth"), an RSA
//                 modulus under 2048 bits or an even or small public exponent.
Result<AsymmetricKey> AsymmetricKeyFromJwk(KeyType type, const boost::json::object& jwk);

// The key in PEM text: SubjectPublicKeyInfo ("PUBLIC KEY") or PKCS#8 ("PRIVATE KEY"). Fails
// with kJwkInvalid when the text holds no such key, kKeyUnusable for other key types or weak keys.
Result<AsymmetricKey> AsymmetricKeyFromPem(std::string_view pem);

// A new random key pair for `alg`: RSA 2048 bits for RS* and PS*, the curve of ES* and EdDSA.
// REQUIRES: AlgorithmKeyType(alg) is not kOct.
Result<AsymmetricKey> GenerateAsymmetricKey(Algorithm alg);

// Adds the key's JWK members (n/e, crv/x/y, crv/x; with `include_private` also d and the
// RSA CRT values when the key has them) to `jwk`.
void AddJwkMembers(const AsymmetricKey& key, bool include_private, boost::json::object& jwk);

// The key as PEM: PKCS#8 private key with `include_private` (REQUIRES: has_private), else
// SubjectPublicKeyInfo.
std::string ToPem(const AsymmetricKey& key, bool include_private);

// The JWS signature of `input` (RSA: modulus-size bytes; ECDSA: raw r || s; Ed25519: 64
// bytes). REQUIRES: the key fits `alg` and has its private part. Fails with kCryptoFailure.
Result<std::string> SignAsymmetric(const AsymmetricKey& key, Algorithm alg, std::string_view input);

// OK when `signature` is a valid JWS signature of `input` under `key` with `alg`; the length
// must be exact and ECDSA r, s must lie in [1, n-1]. REQUIRES: the key fits `alg`. Fails with
// kBadSignature.
Result<void> VerifyAsymmetric(const AsymmetricKey& key, Algorithm alg, std::string_view input,
                              std::string_view signature);

}  // namespace stockroom::jose::detail
