#include "revoke.h"

#include <algorithm>

#include "json_io.h"

namespace stockroom::api {

std::optional<http::Response> Revoke(const Services& services, const auth::Revocation& revocation) {
  if (auto stored = services.store.AddRevocation(revocation); !stored) return StoreProblem(stored.error(), "revocation");
  services.revocations.Add(revocation);  // RevocationSync forgets expired entries, once a minute
  return std::nullopt;
}

std::optional<http::Response> RevokeUserTokens(const Services& services, std::int64_t user_id) {
  // The mark in the store, not only the one in memory: the CLI may have written a later one
  // that the poll has not brought in yet.
  auto current = services.store.FindRevocation(auth::Revocation::Kind::kTokensIssuedBefore, std::to_string(user_id));
  if (!current) return StoreProblem(current.error(), "revocation");
  const std::int64_t mark = std::max(services.revocations.TokensValidFrom(std::to_string(user_id)),
                                     *current ? (*current)->not_before : 0);
  const auto& config = services.tokens.config();
  return Revoke(services, auth::RevokeUserTokensAt(user_id, services.tokens.Now(), mark,
                                                   config.ttl_seconds + config.leeway_seconds));
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
