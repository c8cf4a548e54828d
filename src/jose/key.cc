// Key: one JWS key bound to what it may do. HMAC on OpenSSL 3 EVP_MAC with prepared
// contexts; RSA, EC and Ed25519 through pkey.h. Thread-safe: a Key's state is immutable after
// construction; each MAC runs on its own duplicate of a prepared context.

#include "stockroom/jose/key.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "pkey.h"
#include "stockroom/jose/base64url.h"

namespace stockroom::jose {
namespace {

constexpr std::size_t kAlgorithmCount = 13;  // AllAlgorithms().size()

std::size_t Index(Algorithm alg) { return static_cast<std::size_t>(alg); }

// HMAC (RFC 2104) on the EVP digest layer, with the key schedule computed once per key and
// algorithm: two digest contexts that have absorbed the key xor ipad and the key xor opad
// blocks. A MAC copies the first into a work context, hashes the message, copies the second
// and hashes the inner digest: the same steps as OpenSSL's HMAC, without the EVP_MAC layer above
// them and without allocating a context per call. Work contexts are kept for reuse: a call
// takes an idle one (or makes one when every one is in use by other threads) and puts it back.
// The prepared contexts hold key-derived state; EVP_MD_CTX_free cleanses them, and each
// EVP_MD_CTX_copy_ex clears the work context's previous state.
class HmacContexts {
 public:
  HmacContexts() = default;
  HmacContexts(const HmacContexts&) = delete;
  HmacContexts& operator=(const HmacContexts&) = delete;
  ~HmacContexts() {
    for (auto& slot : idle_) EVP_MD_CTX_free(slot.load(std::memory_order_relaxed));
    EVP_MD_CTX_free(inner_);
    EVP_MD_CTX_free(outer_);
    EVP_MD_free(md_);
  }

  bool Prepare(Algorithm alg, const Secret& secret) {
    md_ = EVP_MD_fetch(nullptr, DigestName(alg), nullptr);
    if (md_ == nullptr) return false;
    const int block = EVP_MD_get_block_size(md_);
    unsigned char pad[kMaxBlock] = {};
    if (block <= 0 || static_cast<std::size_t>(block) > sizeof(pad)) return false;
    // RFC 2104 s.2: a key longer than the block is replaced by its hash; then zero-padded.
    bool ok = true;
    if (secret.size() > static_cast<std::size_t>(block)) {
      unsigned int len = 0;
      ok = EVP_Digest(secret.bytes().data(), secret.size(), pad, &len, md_, nullptr) == 1;
    } else {
      std::copy(secret.bytes().begin(), secret.bytes().end(), pad);
    }
    inner_ = EVP_MD_CTX_new();
    outer_ = EVP_MD_CTX_new();
    ok = ok && inner_ != nullptr && outer_ != nullptr;
    for (int i = 0; ok && i < block; ++i) pad[i] ^= 0x36;
    ok = ok && EVP_DigestInit_ex2(inner_, md_, nullptr) == 1 && EVP_DigestUpdate(inner_, pad, block) == 1;
    for (int i = 0; ok && i < block; ++i) pad[i] ^= 0x36 ^ 0x5c;
    ok = ok && EVP_DigestInit_ex2(outer_, md_, nullptr) == 1 && EVP_DigestUpdate(outer_, pad, block) == 1;
    OPENSSL_cleanse(pad, sizeof(pad));
    return ok;
  }

  // The MAC of `input`; `out` holds EVP_MAX_MD_SIZE bytes.
  bool Compute(std::string_view input, unsigned char* out, std::size_t* out_len) const {
    EVP_MD_CTX* ctx = nullptr;
    for (auto& slot : idle_) {
      if (slot.load(std::memory_order_relaxed) != nullptr) {
        ctx = slot.exchange(nullptr, std::memory_order_acquire);
        if (ctx != nullptr) break;
      }
    }
    if (ctx == nullptr) ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) return false;
    unsigned char inner_hash[EVP_MAX_MD_SIZE];
    unsigned int inner_len = 0, outer_len = 0;
    const bool ok = EVP_MD_CTX_copy_ex(ctx, inner_) == 1 && EVP_DigestUpdate(ctx, input.data(), input.size()) == 1 &&
                    EVP_DigestFinal_ex(ctx, inner_hash, &inner_len) == 1 && EVP_MD_CTX_copy_ex(ctx, outer_) == 1 &&
                    EVP_DigestUpdate(ctx, inner_hash, inner_len) == 1 && EVP_DigestFinal_ex(ctx, out, &outer_len) == 1;
    OPENSSL_cleanse(inner_hash, sizeof(inner_hash));
    *out_len = outer_len;
    for (auto& slot : idle_) {
      EVP_MD_CTX* expected = nullptr;
      if (slot.compare_exchange_strong(expected, ctx, std::memory_order_release, std::memory_order_relaxed)) {
        return ok;
      }
    }
    EVP_MD_CTX_free(ctx);
    return ok;
  }

 private:
  static constexpr std::size_t kMaxBlock = 128;     // SHA-512's block
  static constexpr std::size_t kIdleContexts = 8;   // about the threads that verify at once
  EVP_MD* md_ = nullptr;
  EVP_MD_CTX* inner_ = nullptr;  // after absorbing key xor ipad
  EVP_MD_CTX* outer_ = nullptr;  // after absorbing key xor opad
  mutable std::array<std::atomic<EVP_MD_CTX*>, kIdleContexts> idle_{};
};

Error Unusable(std::string detail) { return Error{Errc::kKeyUnusable, std::move(detail)}; }
Error InvalidJwk(std::string detail) { return Error{Errc::kJwkInvalid, std::move(detail)}; }

std::optional<KeyType> KeyTypeFromName(std::string_view name) {
  for (KeyType type : {KeyType::kOct, KeyType::kRsa, KeyType::kEc, KeyType::kOkp}) {
    if (KeyTypeName(type) == name) return type;
  }
  return std::nullopt;
}

}  // namespace

struct Key::Rep {
  Rep() = default;
  Rep(const Rep&) = delete;
  Rep& operator=(const Rep&) = delete;

  // CheckUsable's answer, from the masks Finish computed: no work on the verification path.
  Result<void> Usable(Algorithm alg, KeyOp op) const {
    if ((usable[static_cast<std::size_t>(op)] >> Index(alg)) & 1) return {};
    return CheckUsable(alg, op);  // says why not
  }

  // Rule 7 of the verification policy, without the kid.
  Result<void> CheckUsable(Algorithm alg, KeyOp op) const {
    if (AlgorithmKeyType(alg) != type) {
      return Unusable("a " + std::string(KeyTypeName(type)) + " key cannot be used with " +
                      std::string(AlgorithmName(alg)));
    }
    if (pinned_name && *pinned_name != AlgorithmName(alg)) {
      // RFC 7517 s.4.4: the key is intended for its "alg" only.
      return Unusable("the key is for " + *pinned_name + ", not " + std::string(AlgorithmName(alg)));
    }
    if (use && *use != "sig") return Unusable("the key's use is \"" + *use + "\", not \"sig\"");  // RFC 7517 s.4.2
    if (key_ops && std::find(key_ops->begin(), key_ops->end(), KeyOpName(op)) == key_ops->end()) {
      return Unusable("the key's key_ops do not include \"" + std::string(KeyOpName(op)) + "\"");  // RFC 7517 s.4.3
    }
    switch (type) {
      case KeyType::kOct:
        // RFC 7518 s.3.2: a key of the same size as the hash output or larger MUST be used.
        if (secret.size() < HashBytes(alg)) {
          return Unusable("a secret of " + std::to_string(secret.size()) + " bytes is shorter than the " +
                          std::to_string(HashBytes(alg)) + " " + std::string(AlgorithmName(alg)) + " needs");
        }
        return {};
      case KeyType::kRsa:
        break;  // strength was checked when the key was built
      case KeyType::kEc:
      case KeyType::kOkp:
        // RFC 7518 s.3.4, RFC 8037 s.3.1: the curve decides the algorithm.
        if (asymmetric.curve != CurveName(alg)) {
          return Unusable("a " + asymmetric.curve + " key cannot be used with " + std::string(AlgorithmName(alg)));
        }
        break;
    }
    if (op == KeyOp::kSign && !asymmetric.has_private) return Unusable("a public key cannot sign");
    return {};
  }

  // Checks the invariant (usable for something), picks the signing algorithm and prepares
  // the HMAC contexts.
  static Result<std::shared_ptr<const Rep>> Finish(std::shared_ptr<Rep> rep) {
    bool any = false;
    std::optional<Algorithm> strongest;
    for (Algorithm alg : AllAlgorithms()) {
      if (!rep->CheckUsable(alg, KeyOp::kSign) && !rep->CheckUsable(alg, KeyOp::kVerify)) continue;
      if (!any || AlgorithmKeyType(alg) == KeyType::kOct) strongest = alg;  // HS*: weakest first
      any = true;
      if (rep->type == KeyType::kOct) {
        if (!rep->macs[Index(alg)].Prepare(alg, rep->secret)) return Error{Errc::kCryptoFailure, "cannot prepare HMAC"};
      }
    }
    if (!any) {
      Algorithm probe = rep->pinned.value_or(Algorithm::kHS256);
      if (!rep->pinned) {
        for (Algorithm alg : AllAlgorithms()) {
          if (AlgorithmKeyType(alg) == rep->type) probe = alg;
        }
      }
      auto why = rep->CheckUsable(probe, KeyOp::kVerify);
      std::string detail = "the key is usable for no algorithm";
      if (!why) detail += ": " + why.error().detail;
      return Unusable(std::move(detail));
    }
    // Without "alg": HMAC signs with the strongest hash its secret allows; RSA with RS256,
    // the most widely verified; EC and OKP with the one algorithm of their curve.
    rep->primary = rep->pinned.value_or(*strongest);
    for (Algorithm alg : AllAlgorithms()) {
      for (KeyOp op : {KeyOp::kSign, KeyOp::kVerify}) {
        if (rep->CheckUsable(alg, op)) rep->usable[static_cast<std::size_t>(op)] |= std::uint32_t{1} << Index(alg);
      }
    }
    return std::shared_ptr<const Rep>(std::move(rep));
  }

  KeyType type = KeyType::kOct;
  std::optional<Algorithm> pinned;         // the algorithm when pinned_name names a known one
  std::optional<std::string> pinned_name;  // JWK "alg" as written, or the algorithm given
  Algorithm primary = Algorithm::kHS256;
  std::optional<std::string> kid;
  std::optional<std::string> use;
  std::optional<std::vector<std::string>> key_ops;
  Secret secret;                                      // kOct
  std::array<HmacContexts, kAlgorithmCount> macs;    // kOct: prepared contexts by Index(alg)
  detail::AsymmetricKey asymmetric;                   // kRsa, kEc, kOkp
  std::uint32_t usable[2] = {0, 0};                   // by KeyOp: bit Index(alg) when CheckUsable passes
};

Key::Key(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

Result<Key> Key::Hmac(Algorithm alg, Secret secret, std::string kid) {
  if (AlgorithmKeyType(alg) != KeyType::kOct) return Unusable(std::string(AlgorithmName(alg)) + " is not HMAC");
  auto rep = std::make_shared<Rep>();
  rep->type = KeyType::kOct;
  rep->pinned = alg;
  rep->pinned_name = std::string(AlgorithmName(alg));
  if (!kid.empty()) rep->kid = std::move(kid);
  rep->secret = std::move(secret);
  if (auto usable = rep->CheckUsable(alg, KeyOp::kSign); !usable) return usable.error();
  auto finished = Rep::Finish(std::move(rep));
  if (!finished) return finished.error();
  return Key(std::move(*finished));
}

Result<Key> Key::FromAsymmetric(detail::AsymmetricKey asymmetric, Algorithm alg, std::string kid) {
  auto rep = std::make_shared<Rep>();
  rep->type = asymmetric.type;
  rep->asymmetric = std::move(asymmetric);
  rep->pinned = alg;
  rep->pinned_name = std::string(AlgorithmName(alg));
  if (!kid.empty()) rep->kid = std::move(kid);
  if (auto usable = rep->CheckUsable(alg, KeyOp::kVerify); !usable) return usable.error();
  auto finished = Rep::Finish(std::move(rep));
  if (!finished) return finished.error();
  return Key(std::move(*finished));
}

Result<Key> Key::FromPem(std::string_view pem, Algorithm alg, std::string kid) {
  if (AlgorithmKeyType(alg) == KeyType::kOct) return Unusable("PEM holds no HMAC secrets");
  auto asymmetric = detail::AsymmetricKeyFromPem(pem);
  if (!asymmetric) return asymmetric.error();
  return FromAsymmetric(std::move(*asymmetric), alg, std::move(kid));
}

Result<Key> Key::Generate(Algorithm alg, std::string kid) {
  if (AlgorithmKeyType(alg) == KeyType::kOct) {
    std::string bytes(HashBytes(alg), '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size())) != 1) {
      return Error{Errc::kCryptoFailure, "no random bytes"};
    }
    auto key = Hmac(alg, Secret(std::move(bytes)), kid);
    if (!key || !kid.empty()) return key;
    return Hmac(alg, Secret(key->rep_->secret), key->Thumbprint());
  }
  auto asymmetric = detail::GenerateAsymmetricKey(alg);
  if (!asymmetric) return asymmetric.error();
  auto key = FromAsymmetric(std::move(*asymmetric), alg, kid);
  if (!key || !kid.empty()) return key;
  // No kid given: the RFC 7638 thumbprint names the key. The Rep is not shared with anyone
  // yet, so naming it now is safe.
  auto rep = std::const_pointer_cast<Rep>(key->rep_);
  rep->kid = key->Thumbprint();
  return key;
}

Result<Key> Key::FromJwk(const boost::json::object& jwk) {
  auto optional_string = [&](std::string_view name, std::optional<std::string>& out) -> Result<void> {
    const boost::json::value* member = jwk.if_contains(name);
    if (member == nullptr) return {};
    if (!member->is_string()) return InvalidJwk("\"" + std::string(name) + "\" must be a string");
    out = std::string(member->get_string());
    return {};
  };

  auto rep = std::make_shared<Rep>();
  // RFC 7517 s.4.1: "kty" is required.
  const boost::json::value* kty = jwk.if_contains("kty");
  if (kty == nullptr) return InvalidJwk("\"kty\" is missing");
  if (!kty->is_string()) return InvalidJwk("\"kty\" must be a string");
  if (auto r = optional_string("kid", rep->kid); !r) return r.error();
  if (auto r = optional_string("alg", rep->pinned_name); !r) return r.error();
  if (auto r = optional_string("use", rep->use); !r) return r.error();
  if (const boost::json::value* ops = jwk.if_contains("key_ops")) {
    if (!ops->is_array()) return InvalidJwk("\"key_ops\" must be an array");
    std::vector<std::string> list;
    for (const boost::json::value& op : ops->get_array()) {
      if (!op.is_string()) return InvalidJwk("\"key_ops\" must hold strings");
      std::string name(op.get_string());
      // RFC 7517 s.4.3: duplicate key operation values MUST NOT be present.
      if (std::find(list.begin(), list.end(), name) != list.end()) return InvalidJwk("duplicate in \"key_ops\"");
      list.push_back(std::move(name));
    }
    rep->key_ops = std::move(list);
  }

  const auto type = KeyTypeFromName(kty->get_string());
  if (!type) return Unusable("kty \"" + std::string(kty->get_string()) + "\" is not supported");
  rep->type = *type;
  if (*type == KeyType::kOct) {
    // RFC 7518 s.6.4.1: "k" is the base64url encoding of the key bytes.
    const boost::json::value* k = jwk.if_contains("k");
    if (k == nullptr) return InvalidJwk("\"k\" is missing");
    if (!k->is_string()) return InvalidJwk("\"k\" must be a string");
    auto secret = Base64UrlDecode(k->get_string());
    if (!secret) return InvalidJwk("\"k\": " + secret.error().detail);
    rep->secret = Secret(std::move(*secret));
  } else {
    auto asymmetric = detail::AsymmetricKeyFromJwk(*type, jwk);
    if (!asymmetric) return asymmetric.error();
    rep->asymmetric = std::move(*asymmetric);
  }

  if (rep->pinned_name) {
    rep->pinned = AlgorithmFromName(*rep->pinned_name);
    if (!rep->pinned || AlgorithmKeyType(*rep->pinned) != rep->type) {
      return Unusable("alg \"" + *rep->pinned_name + "\" cannot be used with a " +
                      std::string(KeyTypeName(rep->type)) + " key");
    }
  }
  auto finished = Rep::Finish(std::move(rep));
  if (!finished) return finished.error();
  return Key(std::move(*finished));
}

Algorithm Key::algorithm() const { return rep_->primary; }
bool Key::algorithm_pinned() const { return rep_->pinned.has_value(); }
KeyType Key::type() const { return rep_->type; }
const std::optional<std::string>& Key::kid() const { return rep_->kid; }
bool Key::has_private() const { return rep_->type == KeyType::kOct || rep_->asymmetric.has_private; }

Result<void> Key::CheckUsable(Algorithm alg, KeyOp op) const { return rep_->Usable(alg, op); }

Result<std::string> Key::Sign(Algorithm alg, std::string_view signing_input) const {
  if (auto usable = rep_->Usable(alg, KeyOp::kSign); !usable) return usable.error();
  if (rep_->type != KeyType::kOct) return detail::SignAsymmetric(rep_->asymmetric, alg, signing_input);
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_len = 0;
  if (!rep_->macs[Index(alg)].Compute(signing_input, mac, &mac_len)) {
    return Error{Errc::kCryptoFailure, "HMAC failed"};
  }
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

Result<void> Key::Verify(Algorithm alg, std::string_view signing_input, std::string_view signature) const {
  if (auto usable = rep_->Usable(alg, KeyOp::kVerify); !usable) return usable.error();
  if (rep_->type != KeyType::kOct) return detail::VerifyAsymmetric(rep_->asymmetric, alg, signing_input, signature);
  const std::size_t expected = HashBytes(alg);
  // RFC 7518 s.3.2: the whole MAC is compared; a shorter (truncated) value never verifies.
  if (signature.size() != expected) {
    return Error{Errc::kBadSignature, "signature of " + std::to_string(signature.size()) + " bytes, " +
                                          std::string(AlgorithmName(alg)) + " needs " + std::to_string(expected)};
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_len = 0;
  if (!rep_->macs[Index(alg)].Compute(signing_input, mac, &mac_len) || mac_len != expected) {
    return Error{Errc::kCryptoFailure, "HMAC failed"};
  }
  // RFC 7518 s.3.2: the comparison MUST be constant-time, so timing reveals no matching prefix.
  if (CRYPTO_memcmp(mac, signature.data(), expected) != 0) {
    return Error{Errc::kBadSignature, "HMAC mismatch"};
  }
  return {};
}

boost::json::object Key::ToJwk(bool include_private) const {
  boost::json::object jwk;
  jwk["kty"] = KeyTypeName(rep_->type);
  if (rep_->kid) jwk["kid"] = *rep_->kid;
  if (rep_->pinned_name) jwk["alg"] = *rep_->pinned_name;
  if (rep_->use) jwk["use"] = *rep_->use;
  if (rep_->key_ops) {
    boost::json::array ops;
    for (const std::string& op : *rep_->key_ops) {
      // The public half of a key pair cannot sign, so its JWK does not claim it can.
      if (include_private || rep_->type == KeyType::kOct || op != "sign") ops.emplace_back(op);
    }
    jwk["key_ops"] = std::move(ops);
  }
  if (rep_->type != KeyType::kOct) {
    detail::AddJwkMembers(rep_->asymmetric, include_private, jwk);
  } else if (include_private) {
    const auto bytes = rep_->secret.bytes();
    std::string raw(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    jwk["k"] = Base64UrlEncode(raw);
    OPENSSL_cleanse(raw.data(), raw.size());
  }
  return jwk;
}

std::string Key::ToPem(bool include_private) const {
  if (rep_->type == KeyType::kOct) return "";
  if (include_private && !rep_->asymmetric.has_private) return "";
  return detail::ToPem(rep_->asymmetric, include_private);
}

std::string Key::Thumbprint() const {
  // RFC 7638 s.3.2: the required members only, in lexicographic order, no whitespace.
  const boost::json::object full = ToJwk(rep_->type == KeyType::kOct);
  std::vector<std::string_view> names;
  switch (rep_->type) {
    case KeyType::kOct: names = {"k", "kty"}; break;
    case KeyType::kRsa: names = {"e", "kty", "n"}; break;
    case KeyType::kEc: names = {"crv", "kty", "x", "y"}; break;
    case KeyType::kOkp: names = {"crv", "kty", "x"}; break;
  }
  std::string canonical = "{";
  for (std::string_view name : names) {
    if (canonical.size() > 1) canonical += ',';
    canonical += '"';
    canonical += name;
    canonical += "\":";
    canonical += boost::json::serialize(full.at(name));
  }
  canonical += '}';
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &len, EVP_sha256(), nullptr);
  OPENSSL_cleanse(canonical.data(), canonical.size());
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string_view KeyOpName(KeyOp op) {
  switch (op) {
    case KeyOp::kSign: return "sign";
    case KeyOp::kVerify: return "verify";
  }
  return "";
}

}  // namespace stockroom::jose
