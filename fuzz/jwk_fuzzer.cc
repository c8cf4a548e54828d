// libFuzzer target over key import: the input as a JWK or a JWK Set (Key::FromJwk,
// KeySet::FromJwks), then every export, PEM round trip and sign/verify the loaded key allows.
// Besides crashes and sanitizer reports, it aborts when one of the invariants below breaks.

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "invariants.h"
#include "stockroom/jose/algorithm.h"
#include "stockroom/jose/json.h"
#include "stockroom/jose/key.h"

namespace stockroom::fuzz {
namespace {

using jose::Algorithm;
using jose::Errc;
using jose::Key;
using jose::KeyOp;

// RSA private operations grow with the cube of the modulus size; a fuzzed 16384-bit modulus
// would make each input take seconds. Larger keys are still imported and exported, not used
// to sign. In bytes of the modulus.
constexpr std::size_t kMaxSigningModulusBytes = 4096 / 8;

constexpr std::string_view kMessage = "eyJhbGciOiJub25lIn0.e30";

std::size_t ModulusBytes(const boost::json::object& public_jwk) {
  const boost::json::value* n = public_jwk.if_contains("n");
  return n != nullptr && n->is_string() ? n->get_string().size() * 3 / 4 : 0;
}

void Exercise(const Key& key) {
  const std::string thumbprint = key.Thumbprint();
  const boost::json::object public_jwk = key.ToJwk(/*include_private=*/false);

  // The key's own JWK loads back as the same key.
  auto again = Key::FromJwk(key.ToJwk(/*include_private=*/true));
  Check(Reloaded(key, again), "a key's own private JWK does not load");
  Check(!again || (again->Thumbprint() == thumbprint && again->type() == key.type() &&
                   again->algorithm() == key.algorithm() && again->has_private() == key.has_private()),
        "ToJwk/FromJwk changed the key");

  if (key.type() != jose::KeyType::kOct) {
    auto public_key = Key::FromJwk(public_jwk);
    Check(Reloaded(key, public_key), "the public JWK of an asymmetric key does not load");
    Check(!public_key || (!public_key->has_private() && public_key->Thumbprint() == thumbprint),
          "the public JWK is another key");
    const std::string pem = key.ToPem(/*include_private=*/false);
    Check(!pem.empty(), "an asymmetric key has no public PEM");
    auto from_pem = Key::FromPem(pem, key.algorithm());
    Check(Reloaded(key, from_pem), "the public PEM does not load");
    Check(!from_pem || from_pem->Thumbprint() == thumbprint, "the public PEM is another key");
    // Not asserted: the private PEM exists. An RSA private JWK without the optional CRT
    // members (RFC 7518 s.6.3.2) loads and signs, but OpenSSL cannot write it as PKCS#8, and
    // ToPem(true) returns "".
    const std::string private_pem = key.ToPem(/*include_private=*/true);
    if (key.has_private() && !private_pem.empty()) {
      auto from_private_pem = Key::FromPem(private_pem, key.algorithm());
      Check(Reloaded(key, from_private_pem), "the private PEM does not load");
      Check(!from_private_pem || (from_private_pem->has_private() && from_private_pem->Thumbprint() == thumbprint),
            "the private PEM is another key");
    }
  }

  if (key.type() == jose::KeyType::kRsa && ModulusBytes(public_jwk) > kMaxSigningModulusBytes) return;
  for (Algorithm alg : jose::AllAlgorithms()) {
    const bool can_verify = key.CheckUsable(alg, KeyOp::kVerify).has_value();
    // Zero bytes of every plausible length are never a valid signature: ECDSA needs r, s >= 1,
    // RSA the padded message, HMAC the MAC. Not asserted for Ed25519: RFC 8032 does not exclude
    // small-order public keys, under which an all-zero signature may verify.
    if (can_verify && key.type() != jose::KeyType::kOkp) {
      for (std::size_t length : {0, 32, 48, 64, 66, 96, 132, 256, 512}) {
        Check(!key.Verify(alg, kMessage, std::string(length, '\0')), "an all-zero signature verified");
      }
    }
    if (!key.CheckUsable(alg, KeyOp::kSign)) continue;
    auto signature = key.Sign(alg, kMessage);
    if (!signature) {
      Check(signature.error().code == Errc::kCryptoFailure, "Sign failed with a code other than crypto");
      continue;
    }
    if (!can_verify) continue;
    auto verified = key.Verify(alg, kMessage, *signature);
    // A fuzzed private JWK whose d does not belong to its public part (EC, RSA) signs what
    // its public key rejects, so only HMAC must round-trip here.
    if (key.type() == jose::KeyType::kOct) Check(verified.has_value(), "an HMAC key refused its own MAC");
  }
}

}  // namespace
}  // namespace stockroom::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace stockroom;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto value = jose::ParseStrictJson(input, jose::Errc::kJwkInvalid);
  if (!value || !value->is_object()) return 0;
  if (value->get_object().contains("keys")) {
    auto set = jose::KeySet::FromJwks(*value);
    if (set) {
      for (const jose::Key& key : set->keys()) fuzz::Exercise(key);
    }
    return 0;
  }
  auto key = jose::Key::FromJwk(value->get_object());
  if (key) fuzz::Exercise(*key);
  return 0;
}
