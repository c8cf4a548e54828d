#include "stockroom/auth/signing_key.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <optional>
#include <stdexcept>

#include "private_file.h"
#include "stockroom/auth/access_tokens.h"
#include "stockroom/jose/base64url.h"

namespace stockroom::auth {
namespace {

[[noreturn]] void Fail(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error("signing key " + path.string() + ": " + what);
}

// The private JWK in `path` (a key file of ours: the data directory's keys).
jose::Key LoadJwk(const std::filesystem::path& path) {
  boost::system::error_code ec;
  auto value = boost::json::parse(ReadPrivateFile(path, "signing key"), ec);
  if (ec || !value.is_object()) Fail(path, "is not a JSON Web Key or PEM private key");
  auto jwk = jose::Key::FromJwk(value.as_object());
  if (!jwk) Fail(path, "unusable key: " + jwk.error().detail);
  return std::move(*jwk);
}

// The signing key in `path` (a private JWK or PKCS#8 PEM), which must be for `alg`.
jose::Key Load(const std::filesystem::path& path, jose::Algorithm alg) {
  const std::string content = ReadPrivateFile(path, "signing key");
  std::optional<jose::Key> key;
  if (content.find("-----BEGIN ") != std::string::npos) {
    auto pem = jose::Key::FromPem(content, alg);
    if (!pem) Fail(path, "unusable key: " + pem.error().detail);
    auto named = jose::Key::FromPem(content, alg, pem->Thumbprint());
    key = std::move(*named);
  } else {
    key = LoadJwk(path);
  }
  if (key->algorithm() != alg) {
    Fail(path, "holds a " + std::string(jose::AlgorithmName(key->algorithm())) + " key, but the configured algorithm is " +
                   std::string(jose::AlgorithmName(alg)) + " (--jwt-alg); use a key for it or move the file away");
  }
  if (auto usable = key->CheckUsable(alg, jose::KeyOp::kSign); !usable) Fail(path, usable.error().detail);
  return std::move(*key);
}

void WriteNew(const std::filesystem::path& path, const jose::Key& key) {
  WritePrivateFile(path, boost::json::serialize(key.ToJwk(/*include_private=*/true)) + "\n", "signing key");
}

}  // namespace

std::filesystem::path SigningKeyPath(const std::filesystem::path& data_dir) {
  return data_dir / "signing-key.jwk";
}

jose::Key LoadOrCreateSigningKey(const std::filesystem::path& data_dir, jose::Algorithm alg) {
  const auto path = SigningKeyPath(data_dir);
  if (std::filesystem::exists(path)) return Load(path, alg);
  // HMAC keys get a random kid: a thumbprint of a secret would be a hash of the secret.
  auto key = jose::Key::Generate(alg, jose::AlgorithmKeyType(alg) == jose::KeyType::kOct ? RandomId(8) : "");
  if (!key) Fail(path, key.error().detail);
  WriteNew(path, *key);
  return Load(path, alg);
}

jose::Secret LoadOrCreateRefreshSecret(const std::filesystem::path& data_dir) {
  const auto path = data_dir / "refresh-secret.jwk";
  if (!std::filesystem::exists(path)) {
    auto key = jose::Key::Generate(jose::Algorithm::kHS256, "refresh");
    if (!key) Fail(path, key.error().detail);
    WriteNew(path, *key);
  }
  const jose::Key key = Load(path, jose::Algorithm::kHS256);
  auto bytes = jose::Base64UrlDecode(key.ToJwk(/*include_private=*/true).at("k").as_string());
  if (!bytes) Fail(path, "unreadable secret");
  return jose::Secret(std::move(*bytes));
}

jose::Key LoadSigningKeyFile(const std::filesystem::path& path, jose::Algorithm alg) { return Load(path, alg); }

namespace {

std::filesystem::path PreviousKeysPath(const std::filesystem::path& data_dir) { return data_dir / "previous-keys.jwks"; }

// The previous keys file as JSON ({"keys": []} when absent).
boost::json::object ReadPreviousKeys(const std::filesystem::path& data_dir) {
  const auto path = PreviousKeysPath(data_dir);
  if (!std::filesystem::exists(path)) return boost::json::object{{"keys", boost::json::array()}};
  boost::system::error_code ec;
  auto value = boost::json::parse(ReadPrivateFile(path, "previous keys"), ec);
  if (ec || !value.is_object() || !value.as_object().contains("keys") || !value.as_object().at("keys").is_array()) {
    Fail(path, "is not a JWK Set");
  }
  return std::move(value.as_object());
}

std::int64_t RotatedAt(const boost::json::value& jwk) {
  const auto* at = jwk.is_object() ? jwk.as_object().if_contains("rotated_at") : nullptr;
  return at != nullptr && at->is_int64() ? at->as_int64() : 0;
}

}  // namespace

std::optional<jose::Algorithm> ActiveKeyAlgorithm(const std::filesystem::path& data_dir) {
  const auto path = SigningKeyPath(data_dir);
  if (!std::filesystem::exists(path)) return std::nullopt;
  return LoadJwk(path).algorithm();
}

std::vector<jose::Key> LoadPreviousKeys(const std::filesystem::path& data_dir, std::int64_t now,
                                        std::int64_t max_token_age) {
  std::vector<jose::Key> keys;
  const boost::json::object previous = ReadPreviousKeys(data_dir);
  for (const boost::json::value& jwk : previous.at("keys").as_array()) {
    if (RotatedAt(jwk) + max_token_age < now) continue;
    auto key = jwk.is_object() ? jose::Key::FromJwk(jwk.as_object())
                               : jose::Result<jose::Key>(jose::Error{jose::Errc::kJwkInvalid, "not an object"});
    if (!key) Fail(PreviousKeysPath(data_dir), "unusable key: " + key.error().detail);
    keys.push_back(std::move(*key));
  }
  return keys;
}

jose::Key RotateSigningKey(const std::filesystem::path& data_dir, jose::Algorithm alg, std::int64_t now) {
  const auto path = SigningKeyPath(data_dir);
  boost::json::object previous = ReadPreviousKeys(data_dir);
  if (std::filesystem::exists(path)) {
    const jose::Key old = LoadJwk(path);
    // What verifying needs: the secret of an HMAC key, the public half of a key pair.
    boost::json::object jwk = old.ToJwk(/*include_private=*/old.type() == jose::KeyType::kOct);
    jwk["rotated_at"] = now;
    auto& keys = previous.at("keys").as_array();
    keys.insert(keys.begin(), std::move(jwk));
    WritePrivateFile(PreviousKeysPath(data_dir), boost::json::serialize(previous) + "\n", "previous keys");
  }
  auto key = jose::Key::Generate(alg, jose::AlgorithmKeyType(alg) == jose::KeyType::kOct ? RandomId(8) : "");
  if (!key) Fail(path, key.error().detail);
  WriteNew(path, *key);
  return Load(path, alg);
}

bool RetirePreviousKey(const std::filesystem::path& data_dir, const std::string& kid) {
  boost::json::object previous = ReadPreviousKeys(data_dir);
  auto& keys = previous.at("keys").as_array();
  const auto before = keys.size();
  boost::json::array kept;
  for (const boost::json::value& jwk : keys) {
    const auto* id = jwk.is_object() ? jwk.as_object().if_contains("kid") : nullptr;
    if (id == nullptr || !id->is_string() || id->as_string() != kid) kept.push_back(jwk);
  }
  keys = std::move(kept);
  if (keys.size() == before) return false;
  WritePrivateFile(PreviousKeysPath(data_dir), boost::json::serialize(previous) + "\n", "previous keys");
  return true;
}

std::vector<SigningKeyInfo> ListSigningKeys(const std::filesystem::path& data_dir) {
  std::vector<SigningKeyInfo> list;
  if (std::filesystem::exists(SigningKeyPath(data_dir))) {
    const jose::Key active = LoadJwk(SigningKeyPath(data_dir));
    list.push_back({active.kid().value_or(""), std::string(jose::AlgorithmName(active.algorithm())), true, 0});
  }
  const boost::json::object previous = ReadPreviousKeys(data_dir);
  for (const boost::json::value& jwk : previous.at("keys").as_array()) {
    if (!jwk.is_object()) continue;
    const auto& object = jwk.as_object();
    auto text = [&](std::string_view name) {
      const auto* value = object.if_contains(name);
      return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
    };
    list.push_back({text("kid"), text("alg"), false, RotatedAt(jwk)});
  }
  return list;
}

}  // namespace stockroom::auth
