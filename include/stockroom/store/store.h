// The persistence interface. Implementations (store/sqlite, later store/postgres) pass one
// shared contract test suite. Every method is thread-safe, may block (run it off the I/O
// threads), and is atomic: when it returns an error, nothing was written.
#pragma once

#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stockroom/auth/revocation.h"
#include "stockroom/auth/user.h"
#include "stockroom/inventory/audit.h"
#include "stockroom/inventory/item.h"

namespace stockroom::store {

enum class Errc {
  kNotFound,           // no such (live) item or user
  kDuplicateSku,       // another item, live or deleted, has this SKU
  kDuplicateUsername,
  kVersionMismatch,    // expected_version is not the current version
  kUnavailable,        // the database failed or is busy beyond its timeout
};

struct Error {
  Errc code;
  std::string detail;  // for logs
};

[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, Error>;

struct ItemQuery {
  std::optional<std::string> text;  // substring of SKU or name, ASCII case-insensitive
  std::optional<std::string> category;
  std::optional<inventory::ItemKind> kind;
  bool below_reorder = false;  // quantity < reorder_point
  std::int64_t after_id = 0;   // keyset pagination: ids greater than this
  int limit = 50;              // REQUIRES: 1 <= limit <= 500
};

struct ItemPage {
  std::vector<inventory::Item> items;  // ascending id
  std::optional<std::int64_t> next_after_id;  // set when more items follow
};

// A stored refresh token: only the hash of the token, never the token itself.
struct RefreshToken {
  std::string hash;
  std::string family;  // the session: every token rotated from one login
  std::int64_t user_id = 0;
  std::int64_t issued_at = 0;   // unix seconds
  std::int64_t expires_at = 0;  // unix seconds
};

struct RefreshRotation {
  enum class Outcome {
    kRotated,          // the token was live and unused: it is now used, the successor stored
    kRecentlyRotated,  // already used, within the overlap: nothing written, same successor
    kReused,           // used before the overlap: the whole family is now revoked
    kInvalid,          // unknown, revoked or expired
  };
  Outcome outcome = Outcome::kInvalid;
  RefreshToken token;  // the presented token's record (not for kInvalid)
};

class Store {
 public:
  virtual ~Store() = default;

  // True when the database answers a trivial query.
  virtual bool Ping() = 0;

  // Items. Deleted items are invisible to Get/List/Update/Delete but keep their SKU.
  virtual Result<inventory::Item> CreateItem(const inventory::ItemFields& fields) = 0;
  virtual Result<inventory::Item> GetItem(std::int64_t id) = 0;
  virtual Result<inventory::Item> GetItemBySku(std::string_view sku) = 0;
  virtual Result<ItemPage> ListItems(const ItemQuery& query) = 0;
  // Applies `changes` if the item's version equals `expected_version` (when given). A change
  // that leaves every field as it was returns the item unchanged, same version.
  virtual Result<inventory::Item> UpdateItem(std::int64_t id, std::optional<std::int64_t> expected_version,
                                             const inventory::ItemChanges& changes) = 0;
  virtual Result<void> DeleteItem(std::int64_t id) = 0;

  // Users.
  virtual Result<std::int64_t> CountUsers() = 0;
  virtual Result<auth::User> CreateUser(const auth::NewUser& user) = 0;
  virtual Result<auth::User> FindUserByName(std::string_view username) = 0;
  virtual Result<auth::User> FindUserById(std::int64_t id) = 0;
  virtual Result<std::vector<auth::User>> ListUsers() = 0;
  // Applies `changes`; kNotFound when there is no such user. Returns the user as stored.
  virtual Result<auth::User> UpdateUser(std::int64_t id, const auth::UserChanges& changes) = 0;

  // Durable token revocations (auth/revocation.h). Adding an entry for a kind and subject that
  // exists keeps the later not_before and expires_at.
  virtual Result<void> AddRevocation(const auth::Revocation& revocation) = 0;
  // Every entry whose expires_at is not before `now`; deletes the others.
  virtual Result<std::vector<auth::Revocation>> LoadRevocations(std::int64_t now) = 0;
  // The entry of `kind` for `subject`, if there is one (expired or not).
  virtual Result<std::optional<auth::Revocation>> FindRevocation(auth::Revocation::Kind kind,
                                                                  std::string_view subject) = 0;
  // Entries written after `*since_ms` (unix ms, by any process), for a server to pick up what
  // another process (the CLI) revoked; advances `*since_ms` past what it returns.
  virtual Result<std::vector<auth::Revocation>> RevocationsChangedSince(std::int64_t* since_ms) = 0;

  // Refresh tokens. Add stores a new one (and drops rows expired for a day).
  virtual Result<void> AddRefreshToken(const RefreshToken& token) = 0;
  // Exchanges the token whose hash is `hash`, atomically (two concurrent calls with one token
  // never both get kRotated): see RefreshRotation::Outcome. On kRotated the successor,
  // `successor_hash`, joins the same family and expires at `successor_expires_at`.
  virtual Result<RefreshRotation> RotateRefreshToken(std::string_view hash, std::string_view successor_hash,
                                                     std::int64_t successor_expires_at, std::int64_t now,
                                                     std::int64_t overlap_seconds) = 0;
  // Revokes every refresh token of `family` (logout, reuse).
  virtual Result<void> RevokeRefreshFamily(std::string_view family) = 0;

  // The audit trail (inventory/audit.h): appends `event` as the next record, chained to the
  // last one (appends are serialized); returns the record as stored.
  virtual Result<inventory::AuditRecord> AppendAudit(const inventory::AuditEvent& event) = 0;
  // Up to `limit` records with id > after_id, in id order.
  virtual Result<std::vector<inventory::AuditRecord>> ListAudit(std::int64_t after_id, int limit) = 0;
};

}  // namespace stockroom::store
