// SQLite implementation of store::Store. Each public method checks out a connection, runs
// inside one statement or one BEGIN IMMEDIATE transaction, and maps SQLite failures to Errc.
#include "stockroom/store/sqlite_store.h"

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <fmt/format.h>
#include <mutex>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/ledger.h"
#include "store/sqlite/operations.h"

namespace stockroom::store {

void throw_exception_from_error(const Error& error, const boost::source_location&) {
  throw std::runtime_error("store error: " + error.detail);
}

namespace {

using inventory::Item;
using inventory::ItemFields;
using sqlite::Connection;
using sqlite::IsUniqueViolation;
using sqlite::NowMs;
using sqlite::StoreFailure;
using sqlite::SqliteError;
using sqlite::Statement;
using sqlite::WriteTransaction;

Error Unavailable(const SqliteError& e) { return Error{Errc::kUnavailable, e.what()}; }

auth::User ReadUser(const Statement& row) {
  auth::User user;
  user.id = row.Int(0);
  user.username = row.Text(1);
  user.password_hash = row.Text(2);
  user.role = auth::RoleFromName(row.Text(3)).value_or(auth::Role::kWarehouseStaff);
  user.disabled = row.Int(4) != 0;
  user.created_at_ms = row.Int(5);
  user.updated_at_ms = row.Int(6);
  return user;
}

constexpr const char* kUserColumns =
    "id, username, password_hash, role, disabled, created_at_ms, updated_at_ms";

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const SqliteOptions& options) {
    const bool full = options.durability == Durability::kFull;
    for (int i = 0; i < std::max(1, options.connections); ++i) {
      idle_.push_back(std::make_unique<Connection>(options.path, full, options.busy_timeout_ms));
    }
    const int previous_version = sqlite::Migrate(*idle_.front());
    if (previous_version > 0 && previous_version < 5) {  // stock from before the ledger, once
      WriteTransaction transaction(*idle_.front());
      sqlite::BackfillOpeningStock(*idle_.front());
      transaction.Commit();
    }
  }

  ~SqliteStore() override {
    std::lock_guard lock(mutex_);
    // Checkpoint the WAL into the main file so a clean shutdown leaves one self-contained file.
    if (!idle_.empty()) {
      sqlite3_wal_checkpoint_v2(idle_.front()->handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    }
  }

  bool Ping() override {
    try {
      Lease lease(*this);
      Statement ping = lease->Prepare("SELECT 1");
      return ping.Step() && ping.Int(0) == 1;
    } catch (const SqliteError&) {
      return false;
    }
  }

  // Items, locations and the ledger: operations.h does the work inside one transaction.
  Result<Item> CreateItem(const ItemFields& fields, const std::optional<OpeningStock>& opening,
                          const inventory::Actor& actor) override {
    return Write([&](Connection& c) { return sqlite::CreateItem(c, fields, opening, actor); });
  }
  Result<Item> GetItem(std::int64_t id) override {
    return Read([&](Connection& c) { return sqlite::GetItem(c, id); });
  }
  Result<Item> GetItemBySku(std::string_view sku) override {
    return Read([&](Connection& c) { return sqlite::GetItemBySku(c, sku); });
  }
  Result<ItemPage> ListItems(const ItemQuery& query) override {
    return Read([&](Connection& c) { return sqlite::ListItems(c, query); });
  }
  Result<Item> UpdateItem(std::int64_t id, std::optional<std::int64_t> expected_version,
                          const inventory::ItemChanges& changes, const inventory::Actor& actor) override {
    return Write([&](Connection& c) { return sqlite::UpdateItem(c, id, expected_version, changes, actor); });
  }
  Result<void> DeleteItem(std::int64_t id, const inventory::Actor& actor) override {
    return Write([&](Connection& c) { sqlite::DeleteItem(c, id, actor); });
  }

  Result<inventory::Location> CreateLocation(const NewLocation& location, const inventory::Actor& actor) override {
    return Write([&](Connection& c) { return sqlite::CreateLocation(c, location, actor); });
  }
  Result<inventory::Location> GetLocation(std::string_view code_or_path) override {
    return Read([&](Connection& c) { return sqlite::GetLocation(c, code_or_path); });
  }
  Result<LocationPage> ListLocations(const LocationQuery& query) override {
    return Read([&](Connection& c) { return sqlite::ListLocations(c, query); });
  }
  Result<inventory::Location> UpdateLocation(std::string_view code, std::optional<std::int64_t> expected_version,
                                             const LocationChanges& changes, const inventory::Actor& actor) override {
    return Write([&](Connection& c) { return sqlite::UpdateLocation(c, code, expected_version, changes, actor); });
  }
  Result<void> DeleteLocation(std::string_view code, const inventory::Actor& actor) override {
    return Write([&](Connection& c) { sqlite::DeleteLocation(c, code, actor); });
  }

  Result<inventory::Movement> PostMovement(const inventory::MovementRequest& request,
                                           const inventory::Actor& actor) override {
    return movements_.Post(request, actor);
  }
  Result<inventory::Movement> GetMovement(std::int64_t id) override {
    return Read([&](Connection& c) { return sqlite::GetMovement(c, id); });
  }
  Result<MovementPage> ListMovements(const MovementQuery& query) override {
    return Read([&](Connection& c) { return sqlite::ListMovements(c, query); });
  }
  Result<StockPage> ListStock(const StockQuery& query) override {
    return Read([&](Connection& c) { return sqlite::ListStock(c, query); });
  }
  Result<std::vector<MovementSummary>> SummarizeMovements(std::int64_t from_ms, std::int64_t to_ms) override {
    return Read([&](Connection& c) { return sqlite::SummarizeMovements(c, from_ms, to_ms); });
  }
  Result<std::vector<StockDifference>> VerifyStock() override {
    return Read([&](Connection& c) { return sqlite::VerifyStock(c); });
  }
  Result<ImportSummary> ImportItems(const std::vector<ItemImportRow>& rows, const inventory::Actor& actor,
                                    const ImportOptions& options) override {
    return Write([&](Connection& c) { return sqlite::ImportItems(c, rows, actor, options.progress); },
                 !options.dry_run);
  }
  Result<ImportSummary> ImportStock(const std::vector<StockImportRow>& rows, StockImportMode mode,
                                    const inventory::Actor& actor, const ImportOptions& options) override {
    return Write([&](Connection& c) { return sqlite::ImportStock(c, rows, mode, actor, options.progress); },
                 !options.dry_run);
  }

  Result<IdempotencyClaim> ClaimIdempotencyKey(std::string_view actor_sub, std::string_view key,
                                               std::string_view fingerprint, std::int64_t retain_ms) override {
    return Write([&](Connection& c) { return sqlite::ClaimIdempotencyKey(c, actor_sub, key, fingerprint, retain_ms); });
  }
  Result<void> CompleteIdempotencyKey(std::string_view actor_sub, std::string_view key,
                                      const StoredResponse& response) override {
    return Write([&](Connection& c) { sqlite::CompleteIdempotencyKey(c, actor_sub, key, response); });
  }
  Result<void> ReleaseIdempotencyKey(std::string_view actor_sub, std::string_view key) override {
    return Write([&](Connection& c) { sqlite::ReleaseIdempotencyKey(c, actor_sub, key); });
  }

  Result<std::int64_t> CountUsers() override {
    try {
      Lease lease(*this);
      Statement query = lease->Prepare("SELECT COUNT(*) FROM users");
      query.Step();
      return query.Int(0);
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  Result<auth::User> CreateUser(const auth::NewUser& user, const inventory::Actor& actor) override {
    return Write([&](Connection& c) {
      const std::int64_t now = NowMs();
      try {
        c.Prepare(
             "INSERT INTO users (username, password_hash, role, disabled, created_at_ms, updated_at_ms) "
             "VALUES (?1, ?2, ?3, 0, ?4, ?4)")
            .Bind(1, user.username)
            .Bind(2, user.password_hash)
            .Bind(3, auth::RoleName(user.role))
            .Bind(4, now)
            .Run();
      } catch (const SqliteError& e) {
        if (IsUniqueViolation(e)) sqlite::Fail(Errc::kDuplicateUsername, e.what(), "username");
        throw;
      }
      auth::User created;
      created.id = c.LastInsertId();
      created.username = user.username;
      created.password_hash = user.password_hash;
      created.role = user.role;
      created.created_at_ms = created.updated_at_ms = now;
      sqlite::AppendAuditRecord(
          c, sqlite::EventBy(actor, "user.create", "user:" + std::to_string(created.id),
                             boost::json::serialize(boost::json::object{
                                 {"after", {{"username", created.username}, {"role", auth::RoleName(created.role)}}}})));
      return created;
    });
  }

  Result<auth::User> FindUserByName(std::string_view username) override {
    return FindUser(fmt::format("SELECT {} FROM users WHERE username = ?1", kUserColumns), username);
  }

  Result<auth::User> FindUserById(std::int64_t id) override {
    return FindUser(fmt::format("SELECT {} FROM users WHERE id = ?1", kUserColumns), id);
  }

  Result<std::vector<auth::User>> ListUsers() override {
    try {
      Lease lease(*this);
      Statement query = lease->Prepare(fmt::format("SELECT {} FROM users ORDER BY id", kUserColumns));
      std::vector<auth::User> users;
      while (query.Step()) users.push_back(ReadUser(query));
      return users;
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  Result<auth::User> UpdateUser(std::int64_t id, const auth::UserChanges& changes,
                                const std::optional<UserAudit>& audit) override {
    return Write([&](Connection& c) {
      auth::User before;
      {
        Statement query = c.Prepare(fmt::format("SELECT {} FROM users WHERE id = ?1", kUserColumns));
        query.Bind(1, id);
        if (!query.Step()) sqlite::Fail(Errc::kNotFound, "no such user");
        before = ReadUser(query);
      }
      auth::User user = before;
      if (changes.role) user.role = *changes.role;
      if (changes.disabled) user.disabled = *changes.disabled;
      if (changes.password_hash) user.password_hash = *changes.password_hash;
      user.updated_at_ms = NowMs();
      c.Prepare("UPDATE users SET role = ?2, disabled = ?3, password_hash = ?4, updated_at_ms = ?5 WHERE id = ?1")
          .Bind(1, id)
          .Bind(2, auth::RoleName(user.role))
          .Bind(3, std::int64_t{user.disabled ? 1 : 0})
          .Bind(4, user.password_hash)
          .Bind(5, user.updated_at_ms)
          .Run();
      if (audit) {
        sqlite::AppendAuditRecord(
            c, sqlite::EventBy(audit->actor, audit->action, "user:" + std::to_string(id),
                               boost::json::serialize(
                                   auth::DescribeUserChange(before, user, changes.password_hash.has_value()))));
      }
      return user;
    });
  }

  Result<void> AddRevocation(const auth::Revocation& revocation) override {
    try {
      Lease lease(*this);
      lease->Prepare(
               "INSERT INTO revocations (kind, subject, not_before, expires_at, changed_at) VALUES (?1, ?2, ?3, ?4, ?5) "
               "ON CONFLICT (kind, subject) DO UPDATE SET not_before = MAX(not_before, excluded.not_before), "
               "expires_at = MAX(expires_at, excluded.expires_at), changed_at = excluded.changed_at")
          .Bind(1, RevocationKindName(revocation.kind))
          .Bind(2, revocation.subject)
          .Bind(3, revocation.not_before)
          .Bind(4, revocation.expires_at)
          .Bind(5, NowMs())
          .Run();
      return {};
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  Result<std::vector<auth::Revocation>> LoadRevocations(std::int64_t now) override {
    try {
      Lease lease(*this);
      lease->Prepare("DELETE FROM revocations WHERE expires_at < ?1").Bind(1, now).Run();
      Statement query = lease->Prepare("SELECT kind, subject, not_before, expires_at FROM revocations");
      return ReadRevocations(query);
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  Result<std::optional<auth::Revocation>> FindRevocation(auth::Revocation::Kind kind,
                                                          std::string_view subject) override {
    try {
      Lease lease(*this);
      Statement query = lease->Prepare(
          "SELECT kind, subject, not_before, expires_at FROM revocations WHERE kind = ?1 AND subject = ?2");
      query.Bind(1, RevocationKindName(kind)).Bind(2, subject);
      auto entries = ReadRevocations(query);
      if (entries.empty()) return std::optional<auth::Revocation>();
      return std::optional<auth::Revocation>(std::move(entries.front()));
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  Result<std::vector<auth::Revocation>> RevocationsChangedSince(std::int64_t* since_ms) override {
    try {
      Lease lease(*this);
      // A row written in the same millisecond as the last poll may have landed after it: look
      // one second back, and let the in-memory list absorb the repeats (Add is idempotent).
      Statement newest = lease->Prepare("SELECT COALESCE(MAX(changed_at), 0) FROM revocations");
      newest.Step();
      const std::int64_t up_to = newest.Int(0);
      Statement query = lease->Prepare(
          "SELECT kind, subject, not_before, expires_at FROM revocations WHERE changed_at > ?1 AND changed_at <= ?2");
      query.Bind(1, *since_ms - 1000).Bind(2, up_to);
      auto entries = ReadRevocations(query);
      *since_ms = std::max(*since_ms, up_to);
      return entries;
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  // Rows of (kind, subject, not_before, expires_at).
  static std::vector<auth::Revocation> ReadRevocations(Statement& query) {
    std::vector<auth::Revocation> entries;
    while (query.Step()) {
      auth::Revocation entry;
      const std::string kind = query.Text(0);
      entry.kind = kind == "token"     ? auth::Revocation::Kind::kToken
                   : kind == "session" ? auth::Revocation::Kind::kSession
                                       : auth::Revocation::Kind::kTokensIssuedBefore;
      entry.subject = query.Text(1);
      entry.not_before = query.Int(2);
      entry.expires_at = query.Int(3);
      entries.push_back(std::move(entry));
    }
    return entries;
  }

  Result<void> AddRefreshToken(const RefreshToken& token) override {
    try {
      Lease lease(*this);
      constexpr std::int64_t kKeepExpiredSeconds = 86400;
      lease->Prepare("DELETE FROM refresh_tokens WHERE expires_at < ?1").Bind(1, token.issued_at - kKeepExpiredSeconds).Run();
      InsertRefreshToken(*lease, token);
      return {};
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  Result<RefreshRotation> RotateRefreshToken(std::string_view hash, std::string_view successor_hash,
                                             std::int64_t successor_expires_at, std::int64_t now,
                                             std::int64_t overlap_seconds) override {
    try {
      Lease lease(*this);
      WriteTransaction transaction(*lease);  // BEGIN IMMEDIATE: one rotation at a time
      Statement query = lease->Prepare(
          "SELECT family, user_id, issued_at, expires_at, used_at, revoked FROM refresh_tokens WHERE hash = ?1");
      query.Bind(1, hash);
      RefreshRotation rotation;
      if (!query.Step()) return rotation;
      rotation.token.hash = std::string(hash);
      rotation.token.family = query.Text(0);
      rotation.token.user_id = query.Int(1);
      rotation.token.issued_at = query.Int(2);
      rotation.token.expires_at = query.Int(3);
      const bool used = !query.IsNull(4);
      const std::int64_t used_at = used ? query.Int(4) : 0;
      const bool revoked = query.Int(5) != 0;
      if (revoked || now >= rotation.token.expires_at) return rotation;  // kInvalid
      if (used) {
        if (now - used_at <= overlap_seconds) {
          rotation.outcome = RefreshRotation::Outcome::kRecentlyRotated;
          return rotation;
        }
        lease->Prepare("UPDATE refresh_tokens SET revoked = 1 WHERE family = ?1").Bind(1, rotation.token.family).Run();
        transaction.Commit();
        rotation.outcome = RefreshRotation::Outcome::kReused;
        return rotation;
      }
      lease->Prepare("UPDATE refresh_tokens SET used_at = ?2 WHERE hash = ?1").Bind(1, hash).Bind(2, now).Run();
      InsertRefreshToken(*lease, {std::string(successor_hash), rotation.token.family, rotation.token.user_id, now,
                                  successor_expires_at});
      transaction.Commit();
      rotation.outcome = RefreshRotation::Outcome::kRotated;
      return rotation;
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  Result<void> RevokeRefreshFamily(std::string_view family) override {
    try {
      Lease lease(*this);
      lease->Prepare("UPDATE refresh_tokens SET revoked = 1 WHERE family = ?1").Bind(1, family).Run();
      return {};
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  Result<inventory::AuditRecord> AppendAudit(const inventory::AuditEvent& event) override {
    return Write([&](Connection& c) { return sqlite::AppendAuditRecord(c, event); });
  }

  Result<std::vector<inventory::AuditRecord>> ListAudit(std::int64_t after_id, int limit) override {
    try {
      Lease lease(*this);
      Statement query = lease->Prepare(
          "SELECT id, at_ms, actor_sub, actor_name, address, action, target, details, prev_hash, hash FROM audit "
          "WHERE id > ?1 ORDER BY id LIMIT ?2");
      query.Bind(1, after_id).Bind(2, std::int64_t{limit});
      std::vector<inventory::AuditRecord> records;
      while (query.Step()) {
        inventory::AuditRecord record;
        record.id = query.Int(0);
        record.at_ms = query.Int(1);
        record.event = {query.Text(2), query.Text(3), query.Text(4), query.Text(5), query.Text(6), query.Text(7)};
        record.prev_hash = query.Text(8);
        record.hash = query.Text(9);
        records.push_back(std::move(record));
      }
      return records;
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

 private:
  static void InsertRefreshToken(Connection& connection, const RefreshToken& token) {
    connection
        .Prepare("INSERT INTO refresh_tokens (hash, family, user_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)")
        .Bind(1, token.hash)
        .Bind(2, token.family)
        .Bind(3, token.user_id)
        .Bind(4, token.issued_at)
        .Bind(5, token.expires_at)
        .Run();
  }

  static const char* RevocationKindName(auth::Revocation::Kind kind) {
    switch (kind) {
      case auth::Revocation::Kind::kToken: return "token";
      case auth::Revocation::Kind::kTokensIssuedBefore: return "tokens_issued_before";
      case auth::Revocation::Kind::kSession: return "session";
    }
    return "";
  }

  // Borrows one pooled connection for the lifetime of the lease.
  class Lease {
   public:
    explicit Lease(SqliteStore& store) : store_(store) {
      std::unique_lock lock(store_.mutex_);
      store_.available_.wait(lock, [&] { return !store_.idle_.empty(); });
      connection_ = std::move(store_.idle_.back());
      store_.idle_.pop_back();
    }
    ~Lease() {
      std::lock_guard lock(store_.mutex_);
      store_.idle_.push_back(std::move(connection_));
      store_.available_.notify_one();
    }
    Connection* operator->() { return connection_.get(); }
    Connection& operator*() { return *connection_; }

   private:
    SqliteStore& store_;
    std::unique_ptr<Connection> connection_;
  };

  // Runs `operation` in a write transaction (BEGIN IMMEDIATE) that commits when it returns
  // (or rolls back, when not `commit`: a dry run).
  template <class F>
  auto Write(F&& operation, bool commit = true) -> Result<std::invoke_result_t<F, Connection&>> {
    try {
      Lease lease(*this);
      WriteTransaction transaction(*lease);
      if constexpr (std::is_void_v<std::invoke_result_t<F, Connection&>>) {
        operation(*lease);
        if (commit) transaction.Commit();
        return {};
      } else {
        auto result = operation(*lease);
        if (commit) transaction.Commit();
        return result;
      }
    } catch (StoreFailure& failure) {
      return std::move(failure.error);
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  // Runs `operation` in a read transaction: one consistent snapshot.
  template <class F>
  auto Read(F&& operation) -> Result<std::invoke_result_t<F, Connection&>> {
    try {
      Lease lease(*this);
      sqlite::ReadTransaction transaction(*lease);
      return operation(*lease);
    } catch (StoreFailure& failure) {
      return std::move(failure.error);
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  template <class Key>
  Result<auth::User> FindUser(const std::string& sql, const Key& key) {
    try {
      Lease lease(*this);
      Statement query = lease->Prepare(sql);
      query.Bind(1, key);
      if (!query.Step()) return Error{Errc::kNotFound, "no such user"};
      return ReadUser(query);
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  sqlite::GroupCommitter movements_{[this](const std::function<void(Connection&)>& work) {
    Lease lease(*this);
    work(*lease);
  }};
};

}  // namespace

std::unique_ptr<Store> OpenSqliteStore(const SqliteOptions& options) {
  try {
    return std::make_unique<SqliteStore>(options);
  } catch (const SqliteError& e) {
    throw std::runtime_error(e.what());
  }
}

}  // namespace stockroom::store
