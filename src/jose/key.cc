// Secret, Key (HMAC on OpenSSL 3 EVP_MAC) and KeySet. Thread-safe: a Key's state is immutable
// after construction; each MAC runs on its own duplicate of a prepared context.

#include "stockroom/jose/key.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include "stockroom/jose/base64url.h"

namespace stockroom::jose {

// ---------------------------------------------------------------------------------------
// Secret

Secret::Secret(std::string bytes) : bytes_(bytes.begin(), bytes.end()) {
  OPENSSL_cleanse(bytes.data(), bytes.size());
}

Secret::Secret(std::span<const unsigned char> bytes) : bytes_(bytes.begin(), bytes.end()) {}

Secret::Secret(const Secret& other) : bytes_(other.bytes_) {}

Secret::Secret(Secret&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    Clear();
    bytes_ = other.bytes_;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Clear();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

Secret::~Secret() { Clear(); }

void Secret::Clear() noexcept {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  bytes_.clear();
}

// ---------------------------------------------------------------------------------------
// Key

namespace {

constexpr std::size_t kAlgorithmCount = 3;  // AllAlgorithms().size()

std::size_t Index(Algorithm alg) { return static_cast<std::size_t>(alg); }

const char* HmacDigestName(Algorithm alg) {
  switch (alg) {
    case Algorithm::kHS256: return "SHA256";
    case Algorithm::kHS384: return "SHA384";
    case Algorithm::kHS512: return "SHA512";
  }
  return "";
}

// A keyed HMAC context to be duplicated per message: the key schedule (inner and outer pads)
// is computed once here instead of on every signature.
EVP_MAC_CTX* NewHmacTemplate(Algorithm alg, const Secret& secret) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  if (mac == nullptr) return nullptr;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context holds its own reference
  if (ctx == nullptr) return nullptr;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(HmacDigestName(alg)), 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_init(ctx, secret.bytes().data(), secret.size(), params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

Error Unusable(std::string detail) { return Error{Errc::kKeyUnusable, std::move(detail)}; }
Error InvalidJwk(std::string detail) { return Error{Errc::kJwkInvalid, std::move(detail)}; }

}  // namespace

struct Key::Rep {
  Rep() = default;
  Rep(const Rep&) = delete;
  Rep& operator=(const Rep&) = delete;
  ~Rep() {
    for (EVP_MAC_CTX* ctx : macs) EVP_MAC_CTX_free(ctx);  // also cleanses the keyed state
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
        if (secret.size() < HmacHashBytes(alg)) {
          return Unusable("a secret of " + std::to_string(secret.size()) + " bytes is shorter than the " +
                          std::to_string(HmacHashBytes(alg)) + " " + std::string(AlgorithmName(alg)) + " needs");
        }
        break;
    }
    return {};
  }

  // Checks the invariant (usable for something), picks the signing algorithm and prepares
  // the HMAC contexts.
  static Result<std::shared_ptr<const Rep>> Finish(std::shared_ptr<Rep> rep) {
    bool any = false;
    std::optional<Algorithm> strongest;
    for (Algorithm alg : AllAlgorithms()) {
      if (!rep->CheckUsable(alg, KeyOp::kSign) && !rep->CheckUsable(alg, KeyOp::kVerify)) continue;
      any = true;
      strongest = alg;  // AllAlgorithms() is weakest first within a family
      rep->macs[Index(alg)] = NewHmacTemplate(alg, rep->secret);
      if (rep->macs[Index(alg)] == nullptr) return Error{Errc::kCryptoFailure, "cannot prepare HMAC"};
    }
    if (!any) {
      const Algorithm probe = rep->pinned.value_or(Algorithm::kHS256);
      auto why = rep->CheckUsable(probe, KeyOp::kVerify);
      std::string detail = "the key is usable for no algorithm";
      if (!why) detail += ": " + why.error().detail;
      return Unusable(std::move(detail));
    }
    rep->primary = rep->pinned.value_or(*strongest);
    return std::shared_ptr<const Rep>(std::move(rep));
  }

  KeyType type = KeyType::kOct;
  std::optional<Algorithm> pinned;         // the algorithm when pinned_name names a known one
  std::optional<std::string> pinned_name;  // JWK "alg" as written, or the Hmac() algorithm
  Algorithm primary = Algorithm::kHS256;
  std::optional<std::string> kid;
  std::optional<std::string> use;
  std::optional<std::vector<std::string>> key_ops;
  Secret secret;
  std::array<EVP_MAC_CTX*, kAlgorithmCount> macs{};  // prepared contexts, by Index(alg); null if unusable
};

Key::Key(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

Result<Key> Key::Hmac(Algorithm alg, Secret secret, std::string kid) {
  auto rep = std::make_shared<Rep>();
  rep->type = AlgorithmKeyType(alg);
  rep->pinned = alg;
  rep->pinned_name = std::string(AlgorithmName(alg));
  if (!kid.empty()) rep->kid = std::move(kid);
  rep->secret = std::move(secret);
  if (auto usable = rep->CheckUsable(alg, KeyOp::kSign); !usable) return usable.error();
  auto finished = Rep::Finish(std::move(rep));
  if (!finished) return finished.error();
  return Key(std::move(*finished));
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

  if (kty->get_string() != KeyTypeName(KeyType::kOct)) {
    return Unusable("kty \"" + std::string(kty->get_string()) + "\" is not supported");
  }
  rep->type = KeyType::kOct;
  // RFC 7518 s.6.4.1: "k" is the base64url encoding of the key bytes.
  const boost::json::value* k = jwk.if_contains("k");
  if (k == nullptr) return InvalidJwk("\"k\" is missing");
  if (!k->is_string()) return InvalidJwk("\"k\" must be a string");
  auto secret = Base64UrlDecode(k->get_string());
  if (!secret) return InvalidJwk("\"k\": " + secret.error().detail);
  rep->secret = Secret(std::move(*secret));

  if (rep->pinned_name) {
    rep->pinned = AlgorithmFromName(*rep->pinned_name);
    if (!rep->pinned || AlgorithmKeyType(*rep->pinned) != rep->type) {
      return Unusable("alg \"" + *rep->pinned_name + "\" cannot be used with an oct key");
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

Result<void> Key::CheckUsable(Algorithm alg, KeyOp op) const { return rep_->CheckUsable(alg, op); }

namespace {

// HMAC of `input` with a copy of the prepared context; `out` holds EVP_MAX_MD_SIZE bytes.
bool ComputeMac(const EVP_MAC_CTX* prepared, std::string_view input, unsigned char* out, std::size_t* out_len) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(prepared);
  if (ctx == nullptr) return false;
  const bool ok = EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1 &&
                  EVP_MAC_final(ctx, out, out_len, EVP_MAX_MD_SIZE) == 1;
  EVP_MAC_CTX_free(ctx);
  return ok;
}

}  // namespace

Result<std::string> Key::Sign(Algorithm alg, std::string_view signing_input) const {
  if (auto usable = rep_->CheckUsable(alg, KeyOp::kSign); !usable) return usable.error();
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_len = 0;
  if (!ComputeMac(rep_->macs[Index(alg)], signing_input, mac, &mac_len)) {
    return Error{Errc::kCryptoFailure, "HMAC failed"};
  }
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

Result<void> Key::Verify(Algorithm alg, std::string_view signing_input, std::string_view signature) const {
  if (auto usable = rep_->CheckUsable(alg, KeyOp::kVerify); !usable) return usable.error();
  const std::size_t expected = HmacHashBytes(alg);
  // RFC 7518 s.3.2: the whole MAC is compared; a shorter (truncated) value never verifies.
  if (signature.size() != expected) {
    return Error{Errc::kBadSignature, "signature of " + std::to_string(signature.size()) + " bytes, " +
                                          std::string(AlgorithmName(alg)) + " needs " + std::to_string(expected)};
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_len = 0;
  if (!ComputeMac(rep_->macs[Index(alg)], signing_input, mac, &mac_len) || mac_len != expected) {
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
    for (const std::string& op : *rep_->key_ops) ops.emplace_back(op);
    jwk["key_ops"] = std::move(ops);
  }
  if (include_private) {
    const auto bytes = rep_->secret.bytes();
    std::string raw(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    jwk["k"] = Base64UrlEncode(raw);
    OPENSSL_cleanse(raw.data(), raw.size());
  }
  return jwk;
}

std::string_view KeyOpName(KeyOp op) {
  switch (op) {
    case KeyOp::kSign: return "sign";
    case KeyOp::kVerify: return "verify";
  }
  return "";
}

// ---------------------------------------------------------------------------------------
// KeySet

KeySet::KeySet(std::vector<Key> keys) : keys_(std::move(keys)) {}

void KeySet::Add(Key key) { keys_.push_back(std::move(key)); }

Result<void> KeySet::AddJwk(const boost::json::object& jwk) {
  auto key = Key::FromJwk(jwk);
  if (!key) {
    const boost::json::value* kid = jwk.if_contains("kid");
    if (key.error().code == Errc::kKeyUnusable && kid != nullptr && kid->is_string()) {
      unusable_.emplace_back(std::string(kid->get_string()), key.error());
    }
    return key.error();
  }
  keys_.push_back(std::move(*key));
  return {};
}

Result<KeySet> KeySet::FromJwks(const boost::json::value& jwks) {
  const boost::json::object* object = jwks.if_object();
  const boost::json::value* keys = object != nullptr ? object->if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) return InvalidJwk("a JWK Set is an object with a \"keys\" array");
  KeySet set;
  for (const boost::json::value& jwk : keys->get_array()) {
    if (!jwk.is_object()) return InvalidJwk("\"keys\" must hold JWK objects");
    (void)set.AddJwk(jwk.get_object());  // RFC 7517 s.5: skip JWKs we cannot use
  }
  return set;
}

std::vector<const Key*> KeySet::FindByKid(std::string_view kid) const {
  std::vector<const Key*> found;
  for (const Key& key : keys_) {
    if (key.kid() && *key.kid() == kid) found.push_back(&key);
  }
  return found;
}

const Error* KeySet::UnusableKid(std::string_view kid) const {
  for (const auto& [name, why] : unusable_) {
    if (name == kid) return &why;
  }
  return nullptr;
}

}  // namespace stockroom::jose
