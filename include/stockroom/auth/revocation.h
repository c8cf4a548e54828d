// Revocation of access tokens before they expire, checked on every request without a database
// round trip: an in-memory deny-list of token ids, of sessions (refresh token families) and of
// per-user "tokens issued before T" marks. Entries are forgotten once every token they name has expired, so the list stays as
// small as the set of revoked-but-unexpired tokens. Persistence is the caller's (api/ writes
// each entry to the store before adding it here; cli/ loads them at start).
// Thread-safe: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace stockroom::auth {

struct Revocation {
  enum class Kind {
    kToken,             // the access token whose jti is `subject`
    kTokensIssuedBefore,  // every token of user `subject` (decimal id) with iat < not_before
    kSession,             // every access token whose sid is `subject` (a refresh token family)
  };
  Kind kind = Kind::kToken;
  std::string subject;
  std::int64_t not_before = 0;  // kTokensIssuedBefore only; unix seconds
  std::int64_t expires_at = 0;  // unix seconds after which no token it names can be valid
};

// The entry that revokes every token of user `user_id` issued so far, at `now`. iat has
// one-second resolution, so the mark is strictly after `now` and after `current_mark` (the
// user's mark in force, 0 for none): every token issued up to now is caught, including tokens
// issued at an earlier mark, and tokens issued after it carry iat = the mark
// (AccessTokenService::Issue) and survive it. `longest_token` is the lifetime of the longest
// token it may have to refuse, in seconds (with leeway).
Revocation RevokeUserTokensAt(std::int64_t user_id, std::int64_t now, std::int64_t current_mark,
                              std::int64_t longest_token);

class RevocationList {
 public:
  // Adds (or, for the same kind and subject, widens) an entry.
  void Add(const Revocation& revocation);

  // True when the token with id `jti`, issued to `subject` at `issued_at` in session `sid`
  // (empty: none), is revoked.
  bool IsRevoked(std::string_view jti, std::string_view subject, std::int64_t issued_at,
                 std::string_view sid = {}) const;

  // The earliest iat a new token of `subject` may carry to be valid: 0 when no mark exists.
  std::int64_t TokensValidFrom(std::string_view subject) const;

  // Drops the entries whose expires_at is before `now`; returns how many were dropped.
  std::size_t Forget(std::int64_t now);

  std::size_t size() const;

 private:
  // Lookups by string_view without building a std::string per request (C++20 heterogeneous
  // lookup in unordered containers).
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  template <class V>
  using Map = std::unordered_map<std::string, V, Hash, std::equal_to<>>;

  mutable std::shared_mutex mutex_;
  Map<std::int64_t> tokens_;    // jti -> expires_at
  Map<std::int64_t> sessions_;  // sid -> expires_at
  struct UserMark {
    std::int64_t not_before;
    std::int64_t expires_at;
  };
  Map<UserMark> users_;  // user id -> mark
};

}  // namespace stockroom::auth
