#include "revoke.h"

#include <algorithm>

#include "json_io.h"

namespace stockroom::api {

std::optional<http::Response> Revoke(const Services& services, const auth::Revocation& revocation) {
  if (auto stored = services.store.AddRevocation(revocation); !stored) return StoreProblem(stored.error(), "revocation");
  services.revocations.Add(revocation);
  services.revocations.Forget(services.tokens.Now());  // keeps the list as small as the live revocations
  return std::nullopt;
}

std::optional<http::Response> RevokeUserTokens(const Services& services, std::int64_t user_id) {
  const auto& config = services.tokens.config();
  const std::int64_t now = services.tokens.Now();
  auth::Revocation revocation;
  revocation.kind = auth::Revocation::Kind::kTokensIssuedBefore;
  revocation.subject = std::to_string(user_id);
  // iat has one-second resolution: every token issued in this second is caught too, and new
  // ones are issued with iat = now + 1 (AccessTokenService::Issue).
  // Strictly after every iat already given out, including tokens issued at an earlier mark
  // (Issue never issues before the mark), so back-to-back changes each revoke.
  revocation.not_before = std::max(now, services.revocations.TokensValidFrom(revocation.subject)) + 1;
  // The last token this can refuse was issued at now and expires at now + ttl (+ leeway).
  revocation.expires_at = revocation.not_before + config.ttl_seconds + config.leeway_seconds;
  return Revoke(services, revocation);
}

std::optional<http::Response> SyncUserMark(const Services& services, std::int64_t user_id) {
  auto mark = services.store.FindRevocation(auth::Revocation::Kind::kTokensIssuedBefore, std::to_string(user_id));
  if (!mark) return StoreProblem(mark.error(), "revocation");
  if (*mark) services.revocations.Add(**mark);
  return std::nullopt;
}

std::optional<http::Response> RevokeToken(const Services& services, std::string jti, std::int64_t expires_at) {
  auth::Revocation revocation;
  revocation.kind = auth::Revocation::Kind::kToken;
  revocation.subject = std::move(jti);
  revocation.expires_at = expires_at + services.tokens.config().leeway_seconds;
  return Revoke(services, revocation);
}

}  // namespace stockroom::api
