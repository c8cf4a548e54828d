// KeySet: the keys a verifier trusts, found by kid. Thread-safe for const use.

#include "stockroom/jose/key.h"

namespace stockroom::jose {
namespace {

Error InvalidJwk(std::string detail) { return Error{Errc::kJwkInvalid, std::move(detail)}; }

}  // namespace

KeySet::KeySet(std::vector<Key> keys) : keys_(std::move(keys)) {}

void KeySet::Add(Key key) { keys_.push_back(std::move(key)); }

Result<void> KeySet::AddJwk(const boost::json::object& jwk) {
  auto key = Key::FromJwk(jwk);
  if (!key) {
    const boost::json::value* kid = jwk.if_contains("kid");
    if (kid != nullptr && kid->is_string()) {
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
