// Idempotency keys: the first answer to a request, kept per actor and key for replays.
#include "store/sqlite/operations.h"

namespace stockroom::store::sqlite {

IdempotencyClaim ClaimIdempotencyKey(Connection& c, std::string_view actor_sub, std::string_view key,
                                     std::string_view fingerprint, std::int64_t retain_ms) {
  const std::int64_t now = NowMs();
  c.Prepare("DELETE FROM idempotency_keys WHERE created_at_ms < ?1").Bind(1, now - retain_ms).Run();
  IdempotencyClaim claim;
  Statement query = c.Prepare(
      "SELECT fingerprint, status, content_type, location, etag, body FROM idempotency_keys "
      "WHERE actor_sub = ?1 AND key = ?2");
  query.Bind(1, actor_sub).Bind(2, key);
  if (query.Step()) {
    if (query.Text(0) != fingerprint) {
      claim.outcome = IdempotencyClaim::Outcome::kMismatch;
    } else if (query.IsNull(1)) {
      claim.outcome = IdempotencyClaim::Outcome::kInProgress;
    } else {
      claim.outcome = IdempotencyClaim::Outcome::kReplay;
      claim.response = {static_cast<int>(query.Int(1)), query.Text(2), query.Text(3), query.Text(4), query.Text(5)};
    }
    return claim;
  }
  c.Prepare("INSERT INTO idempotency_keys (actor_sub, key, fingerprint, created_at_ms) VALUES (?1, ?2, ?3, ?4)")
      .Bind(1, actor_sub)
      .Bind(2, key)
      .Bind(3, fingerprint)
      .Bind(4, now)
      .Run();
  claim.outcome = IdempotencyClaim::Outcome::kClaimed;
  return claim;
}

void CompleteIdempotencyKey(Connection& c, std::string_view actor_sub, std::string_view key,
                            const StoredResponse& response) {
  c.Prepare(
       "UPDATE idempotency_keys SET status = ?3, content_type = ?4, location = ?5, etag = ?6, body = ?7 "
       "WHERE actor_sub = ?1 AND key = ?2")
      .Bind(1, actor_sub)
      .Bind(2, key)
      .Bind(3, std::int64_t{response.status})
      .Bind(4, response.content_type)
      .Bind(5, response.location)
      .Bind(6, response.etag)
      .Bind(7, response.body)
      .Run();
}

void ReleaseIdempotencyKey(Connection& c, std::string_view actor_sub, std::string_view key) {
  c.Prepare("DELETE FROM idempotency_keys WHERE actor_sub = ?1 AND key = ?2").Bind(1, actor_sub).Bind(2, key).Run();
}

}  // namespace stockroom::store::sqlite
