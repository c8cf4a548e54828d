#include "stockroom/auth/access_tokens.h"

#include <openssl/rand.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "stockroom/jose/base64url.h"

namespace stockroom::auth {
namespace {

constexpr std::string_view kAccessTokenType = "at+jwt";  // RFC 9068 2.1

// Allows the algorithm of each trusted key (each key pins its own, so allowing one key's
// algorithm lets no other key verify with it).
jose::VerifyPolicy MakePolicy(const jose::KeySet& keys, const AccessTokenConfig& config) {
  jose::VerifyPolicy policy;
  for (const jose::Key& key : keys.keys()) {
    if (std::find(policy.algorithms.begin(), policy.algorithms.end(), key.algorithm()) == policy.algorithms.end()) {
      policy.algorithms.push_back(key.algorithm());
    }
  }
  policy.issuer = config.issuer;
  policy.audience = config.audience;
  policy.typ = std::string(kAccessTokenType);
  policy.required_claims = {"sub", "exp", "iat", "jti", "role"};
  policy.leeway_seconds = config.leeway_seconds;
  policy.max_token_bytes = config.max_token_bytes;
  policy.now = config.now;
  return policy;
}

std::string PublicJwks(const jose::KeySet& keys) {
  boost::json::array published;
  for (const jose::Key& key : keys.keys()) {
    if (key.type() != jose::KeyType::kOct) published.push_back(key.ToJwk(/*include_private=*/false));
  }
  return boost::json::serialize(boost::json::object{{"keys", std::move(published)}});
}

AuthFailure Failure(std::string code, std::string description, std::string detail = {}) {
  return AuthFailure{std::move(code), std::move(description), std::move(detail)};
}

}  // namespace

std::string RandomId(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
  return jose::Base64UrlEncode(raw);
}

AccessTokenService::AccessTokenService(jose::Key signing_key, jose::KeySet verification_keys,
                                       AccessTokenConfig config, const RevocationList* revocations)
    : config_(std::move(config)),
      revocations_(revocations),
      signer_(signing_key),
      verifier_(verification_keys, MakePolicy(verification_keys, config_)),
      public_jwks_(PublicJwks(verification_keys)) {}

std::int64_t AccessTokenService::Now() const {
  if (config_.now) return config_.now();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

IssuedToken AccessTokenService::Issue(const User& user, std::string_view session_id) const {
  std::int64_t now = Now();
  if (revocations_ != nullptr) now = std::max(now, revocations_->TokensValidFrom(std::to_string(user.id)));
  IssuedToken issued;
  issued.token_id = RandomId();
  issued.expires_in = config_.ttl_seconds;
  boost::json::object claims{
      {"iss", config_.issuer},
      {"sub", std::to_string(user.id)},
      {"aud", config_.audience},
      {"iat", now},
      {"nbf", now},
      {"exp", now + config_.ttl_seconds},
      {"jti", issued.token_id},
      {"role", RoleName(user.role)},
      {"preferred_username", user.username},
  };
  if (!session_id.empty()) claims["sid"] = session_id;
  issued.token = signer_.Sign(claims, kAccessTokenType);
  return issued;
}

std::variant<Principal, AuthFailure> AccessTokenService::Authenticate(std::string_view token) const {
  auto verified = verifier_.Verify(token);
  if (!verified) {
    const jose::Error& error = verified.error();
    return Failure(std::string(jose::ErrcName(error.code)), std::string(jose::ErrcMessage(error.code)),
                   error.detail);
  }
  // Claims are read in place from the verified payload: no JSON tree per request.
  auto text = [&](std::string_view name) { return verified->StringClaim(name); };
  const auto sub = text("sub");
  const auto role_name = text("role");
  const auto jti = text("jti");
  if (!sub || sub->empty() || !role_name || !jti) {
    return Failure("claim-type", "the token's sub, role and jti claims must be strings");
  }
  auto role = RoleFromName(*role_name);
  if (!role) return Failure("role", "the token names an unknown role");
  Principal principal;
  principal.subject = std::string(*sub);
  principal.role = *role;
  principal.token_id = std::string(*jti);
  if (const auto username = text("preferred_username")) principal.username = std::string(*username);
  // NumericDates are JSON numbers the verifier has range-checked (0 .. year 9999), so exact
  // in a double and in an int64.
  auto seconds = [&](std::string_view name) -> std::int64_t {
    const auto value = verified->NumberClaim(name);
    return value ? static_cast<std::int64_t>(*value) : 0;
  };
  principal.expires_at = seconds("exp");
  principal.issued_at = seconds("iat");
  if (const auto sid = text("sid")) principal.session_id = std::string(*sid);
  if (revocations_ != nullptr &&
      revocations_->IsRevoked(principal.token_id, principal.subject, principal.issued_at, principal.session_id)) {
    return Failure("revoked", "the token has been revoked", "jti " + principal.token_id);
  }
  return principal;
}

}  // namespace stockroom::auth
