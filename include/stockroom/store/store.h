// The persistence interface. Implementations (store/sqlite, later store/postgres) pass one
// shared contract test suite. Every method is thread-safe, may block (run it off the I/O
// threads), and is atomic: when it returns an error, nothing was written.
#pragma once

#include <boost/system/result.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stockroom/auth/revocation.h"
#include "stockroom/auth/user.h"
#include "stockroom/inventory/audit.h"
#include "stockroom/inventory/item.h"
#include "stockroom/inventory/location.h"
#include "stockroom/inventory/movement.h"

namespace stockroom::store {

enum class Errc {
  kNotFound,           // no such (live) item, user, location or movement
  kDuplicateSku,       // another item, live or deleted, has this SKU
  kDuplicateUsername,
  kDuplicateLocation,  // another location has this code
  kVersionMismatch,    // expected_version is not the current version
  kInvalid,            // a named location does not exist or contradicts the tree, a rule of
                       // the ledger is broken (lot, precision, ...): `field` and `detail` say
  kInsufficientStock,  // the movement would take a balance below zero: `shortage` says
  kConflict,           // the change contradicts the state: a location holding stock or
                       // children, a movement already reversed
  kUnavailable,        // the database failed or is busy beyond its timeout
};

// A balance too small for a movement.
struct Shortage {
  std::int64_t item_id = 0;
  std::string location;  // path
  std::string lot;
  inventory::Decimal available;
  inventory::Decimal requested;
};

// Imports stop checking rows after this many refused ones, so that the answer to a file of
// any length stays small (Error::row and other_rows name them).
inline constexpr std::size_t kMaxImportRowErrors = 20;

struct Error {
  Error() = default;
  Error(Errc code, std::string detail, std::string field = {})
      : code(code), detail(std::move(detail)), field(std::move(field)) {}

  Errc code = Errc::kUnavailable;
  std::string detail;  // for kInvalid and kConflict a message for the client; else for logs
  std::string field;   // kInvalid: the request field at fault ("to_location", "lot", ...)
  std::optional<std::size_t> row;     // batch calls (imports): the 0-based row at fault
  std::vector<Error> other_rows;      // imports: the further rows at fault, in file order (19 at most)
  bool rows_unchecked = false;        // imports: checking stopped at kMaxImportRowErrors before the last row
  std::optional<Shortage> shortage;   // kInsufficientStock
};

[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, Error>;

struct ItemQuery {
  std::optional<std::string> text;  // substring of SKU or name, ASCII case-insensitive
  std::optional<std::string> category;
  std::optional<inventory::ItemKind> kind;
  bool below_reorder = false;  // quantity < reorder_point
  bool include_deleted = false;
  std::int64_t after_id = 0;   // keyset pagination: ids greater than this
  int limit = 50;              // REQUIRES: 1 <= limit <= 500
};

struct ItemPage {
  std::vector<inventory::Item> items;  // ascending id
  std::optional<std::int64_t> next_after_id;  // set when more items follow
};

// Stock created with an item (or by an import row): recorded as a `receive` into
// `location` (a code or path; missing locations along the path are created).
struct OpeningStock {
  std::string location;  // REQUIRES: not empty (the caller substitutes its receiving location)
  std::string lot;
  inventory::Decimal quantity;
};

struct NewLocation {
  std::string code;
  std::string name;    // "" means the code
  std::string parent;  // code or path of the parent, "" for a top-level location
};

struct LocationChanges {
  std::optional<std::string> name;
  std::optional<std::string> parent;  // "" moves it to the top
};

struct LocationQuery {
  std::optional<std::string> parent;  // code or path; "" lists top-level locations
  std::int64_t after_id = 0;
  int limit = 100;  // REQUIRES: 1 <= limit <= 1000
};

struct LocationPage {
  std::vector<inventory::Location> locations;  // ascending id
  std::optional<std::int64_t> next_after_id;
};

struct MovementQuery {
  std::optional<std::int64_t> item_id;
  std::optional<std::string> location;  // code or path: movements from or to it; a deleted location by its code
  std::optional<inventory::MovementType> type;
  std::optional<std::string> actor_sub;
  std::optional<std::int64_t> from_ms;  // at_ms >= from_ms
  std::optional<std::int64_t> to_ms;    // at_ms < to_ms
  std::int64_t after_id = 0;
  int limit = 100;  // REQUIRES: 1 <= limit <= 1000
};

struct MovementPage {
  std::vector<inventory::Movement> movements;  // ascending id
  std::optional<std::int64_t> next_after_id;
};

// One balance with its item, for stock lists and exports.
struct StockRow {
  std::int64_t item_id = 0;
  std::string sku;
  inventory::Balance balance;
};

struct StockQuery {
  std::optional<std::string> location;  // code or path; its whole subtree
  std::optional<std::int64_t> item_id;
  bool include_zero = false;
  std::int64_t after_item_id = 0;  // keyset over (item id, location id, lot)
  std::int64_t after_location_id = 0;
  std::string after_lot;
  int limit = 1000;
};

struct StockPage {
  std::vector<StockRow> rows;
  struct Key { std::int64_t item_id; std::int64_t location_id; std::string lot; };
  std::optional<Key> next;
};

// A difference between the balances and the sum of the ledger found by VerifyStock.
struct StockDifference {
  std::int64_t item_id = 0;
  std::string location;
  std::string lot;
  std::string balance;  // as stored ("(none)" when missing)
  std::string ledger;   // sum of the movement lines ("(none)" when none)
};

// Per item totals of movements over a period (reports).
struct MovementSummary {
  std::int64_t item_id = 0;
  std::string sku;
  std::int64_t received_units = 0;   // receive and positive count differences
  std::int64_t issued_units = 0;     // issue and negative count differences (positive number)
  std::int64_t transferred_units = 0;  // moved between locations: transfers and their reversals
  std::int64_t movements = 0;
};

// An import row of items: the item and its opening stock, if any.
struct ItemImportRow {
  inventory::ItemFields fields;
  std::optional<OpeningStock> opening;
};

enum class StockImportMode { kReceive, kCount };

struct StockImportRow {
  std::string sku;
  std::string location;  // code or path (the caller substitutes its receiving location for "")
  std::string lot;
  inventory::Decimal quantity;
};

struct ImportOptions {
  bool dry_run = false;  // check everything, write nothing
  std::function<void(std::size_t rows_done)> progress;  // called now and then, if set
};

struct ImportSummary {
  std::int64_t items_created = 0;
  std::int64_t movements = 0;
  std::int64_t locations_created = 0;
};

// The first response to a request carrying an Idempotency-Key, kept for replays.
struct StoredResponse {
  int status = 0;
  std::string content_type;
  std::string location;  // Location header, "" for none
  std::string etag;
  std::string body;
};

struct IdempotencyClaim {
  enum class Outcome {
    kClaimed,     // first use: run the request, then CompleteIdempotencyKey
    kReplay,      // done before with the same fingerprint: `response` is the first answer
    kMismatch,    // used before for a different request
    kInProgress,  // the first request has not finished (or its server stopped before it did)
  };
  Outcome outcome = Outcome::kClaimed;
  StoredResponse response;
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

  // Items. Deleted items are invisible to Get/Update/Delete and to lists (unless asked for)
  // but keep their SKU, movements and audit records. Every change appends its audit record
  // in the same transaction, by `actor`. fields.quantity is ignored on create: the item's
  // stock comes from `opening` (a receive) and later movements only.
  virtual Result<inventory::Item> CreateItem(const inventory::ItemFields& fields,
                                             const std::optional<OpeningStock>& opening,
                                             const inventory::Actor& actor) = 0;
  // The item with its balances (non-zero ones, by location path and lot).
  virtual Result<inventory::Item> GetItem(std::int64_t id) = 0;
  virtual Result<inventory::Item> GetItemBySku(std::string_view sku) = 0;
  virtual Result<ItemPage> ListItems(const ItemQuery& query) = 0;
  // Applies `changes` if the item's version equals `expected_version` (when given). A change
  // that leaves every field as it was returns the item unchanged, same version.
  virtual Result<inventory::Item> UpdateItem(std::int64_t id, std::optional<std::int64_t> expected_version,
                                             const inventory::ItemChanges& changes,
                                             const inventory::Actor& actor) = 0;
  virtual Result<void> DeleteItem(std::int64_t id, const inventory::Actor& actor) = 0;

  // Locations. `code_or_path` names one as location.h says; a path that contradicts the
  // tree is kInvalid naming the segment.
  virtual Result<inventory::Location> CreateLocation(const NewLocation& location, const inventory::Actor& actor) = 0;
  virtual Result<inventory::Location> GetLocation(std::string_view code_or_path) = 0;
  virtual Result<LocationPage> ListLocations(const LocationQuery& query) = 0;
  // Moving a location under itself or one of its descendants is kInvalid.
  virtual Result<inventory::Location> UpdateLocation(std::string_view code, std::optional<std::int64_t> expected_version,
                                                     const LocationChanges& changes, const inventory::Actor& actor) = 0;
  // kConflict when it holds stock or has child locations.
  virtual Result<void> DeleteLocation(std::string_view code, const inventory::Actor& actor) = 0;

  // The ledger. Applies one movement atomically with its balances, the item's quantity and
  // its audit record; never changes the item's version. Durable when it returns.
  virtual Result<inventory::Movement> PostMovement(const inventory::MovementRequest& request,
                                                   const inventory::Actor& actor) = 0;
  virtual Result<inventory::Movement> GetMovement(std::int64_t id) = 0;
  virtual Result<MovementPage> ListMovements(const MovementQuery& query) = 0;
  virtual Result<StockPage> ListStock(const StockQuery& query) = 0;
  // Movement totals per item with at_ms in [from_ms, to_ms), ascending item id.
  virtual Result<std::vector<MovementSummary>> SummarizeMovements(std::int64_t from_ms, std::int64_t to_ms) = 0;
  // Recomputes every balance from the ledger; the differences (none when consistent).
  virtual Result<std::vector<StockDifference>> VerifyStock() = 0;

  // Imports, all or nothing: on any error nothing is written. Rows after a refused one are
  // still checked (each in its own savepoint, then rolled back with the rest): Error::row
  // names the first refused row and other_rows the next ones, up to kMaxImportRowErrors in
  // all. A stocktake (kCount) counts each sku, location and lot once: a repeat is kInvalid
  // with field "location".
  virtual Result<ImportSummary> ImportItems(const std::vector<ItemImportRow>& rows, const inventory::Actor& actor,
                                            const ImportOptions& options) = 0;
  virtual Result<ImportSummary> ImportStock(const std::vector<StockImportRow>& rows, StockImportMode mode,
                                            const inventory::Actor& actor, const ImportOptions& options) = 0;

  // Idempotency keys, per actor: claims `key` for a request with `fingerprint`, or reports
  // what happened to the first request with it. Keys older than `retain_ms` are forgotten.
  virtual Result<IdempotencyClaim> ClaimIdempotencyKey(std::string_view actor_sub, std::string_view key,
                                                       std::string_view fingerprint, std::int64_t retain_ms) = 0;
  // Records the first answer of a claimed key. A key whose request failed with a 5xx can be
  // released instead (ReleaseIdempotencyKey) so a retry runs again.
  virtual Result<void> CompleteIdempotencyKey(std::string_view actor_sub, std::string_view key,
                                              const StoredResponse& response) = 0;
  virtual Result<void> ReleaseIdempotencyKey(std::string_view actor_sub, std::string_view key) = 0;

  // Users.
  virtual Result<std::int64_t> CountUsers() = 0;
  // Creates the user and appends its user.create audit record, by `actor`, in one transaction.
  virtual Result<auth::User> CreateUser(const auth::NewUser& user, const inventory::Actor& actor) = 0;
  virtual Result<auth::User> FindUserByName(std::string_view username) = 0;
  virtual Result<auth::User> FindUserById(std::int64_t id) = 0;
  virtual Result<std::vector<auth::User>> ListUsers() = 0;
  // Applies `changes`; kNotFound when there is no such user. Returns the user as stored.
  // With `audit`, appends its record (before/after of role and disabled, whether the password
  // was reset) in the same transaction; without, records nothing (e.g. a hash upgrade).
  struct UserAudit {
    inventory::Actor actor;
    std::string action;  // "user.update", "auth.password_change", ...
  };
  virtual Result<auth::User> UpdateUser(std::int64_t id, const auth::UserChanges& changes,
                                        const std::optional<UserAudit>& audit) = 0;

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
