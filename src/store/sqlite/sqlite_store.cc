// SQLite implementation of store::Store. Each public method checks out a connection, runs
// inside one statement or one BEGIN IMMEDIATE transaction, and maps SQLite failures to Errc.
#include "stockroom/store/sqlite_store.h"

#include <chrono>
#include <condition_variable>
#include <fmt/format.h>
#include <mutex>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"

namespace stockroom::store {

void throw_exception_from_error(const Error& error, const boost::source_location&) {
  throw std::runtime_error("store error: " + error.detail);
}

namespace {

using inventory::Decimal;
using inventory::Item;
using inventory::ItemFields;
using sqlite::Connection;
using sqlite::SqliteError;
using sqlite::Statement;
using sqlite::WriteTransaction;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error Unavailable(const SqliteError& e) { return Error{Errc::kUnavailable, e.what()}; }

bool IsUniqueViolation(const SqliteError& e) {
  return e.code() == SQLITE_CONSTRAINT_UNIQUE || e.code() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

constexpr const char* kItemColumns =
    "id, sku, name, description, category, kind, unit, quantity_units, quantity_scale, "
    "reorder_units, reorder_scale, location, created_at_ms, updated_at_ms, version";

Item ReadItem(const Statement& row) {
  Item item;
  item.id = row.Int(0);
  item.fields.sku = row.Text(1);
  item.fields.name = row.Text(2);
  item.fields.description = row.Text(3);
  item.fields.category = row.Text(4);
  item.fields.kind = inventory::ItemKindFromName(row.Text(5)).value_or(inventory::ItemKind::kComponent);
  item.fields.unit = row.Text(6);
  item.fields.quantity = Decimal::FromUnits(row.Int(7), static_cast<int>(row.Int(8)));
  item.fields.reorder_point = Decimal::FromUnits(row.Int(9), static_cast<int>(row.Int(10)));
  item.fields.location = row.Text(11);
  item.created_at_ms = row.Int(12);
  item.updated_at_ms = row.Int(13);
  item.version = row.Int(14);
  return item;
}

bool SameFields(const ItemFields& a, const ItemFields& b) {
  auto same_decimal = [](const Decimal& x, const Decimal& y) { return x == y && x.scale() == y.scale(); };
  return a.sku == b.sku && a.name == b.name && a.description == b.description &&
         a.category == b.category && a.kind == b.kind && a.unit == b.unit &&
         same_decimal(a.quantity, b.quantity) && same_decimal(a.reorder_point, b.reorder_point) &&
         a.location == b.location;
}

// Escapes LIKE wildcards so user text matches literally (ESCAPE '\').
std::string LikePattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

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
    sqlite::Migrate(*idle_.front());
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

  Result<Item> CreateItem(const ItemFields& fields) override {
    try {
      Lease lease(*this);
      WriteTransaction transaction(*lease);
      const std::int64_t now = NowMs();
      lease->Prepare(fmt::format(
                         "INSERT INTO items (sku, name, description, category, kind, unit, quantity_units, "
                         "quantity_scale, reorder_units, reorder_scale, location, created_at_ms, "
                         "updated_at_ms, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, 1)"))
          .Bind(1, fields.sku)
          .Bind(2, fields.name)
          .Bind(3, fields.description)
          .Bind(4, fields.category)
          .Bind(5, inventory::ItemKindName(fields.kind))
          .Bind(6, fields.unit)
          .Bind(7, fields.quantity.units())
          .Bind(8, std::int64_t{fields.quantity.scale()})
          .Bind(9, fields.reorder_point.units())
          .Bind(10, std::int64_t{fields.reorder_point.scale()})
          .Bind(11, fields.location)
          .Bind(12, now)
          .Run();
      Item item;
      item.id = lease->LastInsertId();
      // A SKU some item had before (renamed away) is as taken as a current one.
      lease->Prepare("INSERT INTO skus (sku, item_id) VALUES (?1, ?2)").Bind(1, fields.sku).Bind(2, item.id).Run();
      transaction.Commit();
      item.fields = fields;
      item.created_at_ms = item.updated_at_ms = now;
      item.version = 1;
      return item;
    } catch (const SqliteError& e) {
      if (IsUniqueViolation(e)) return Error{Errc::kDuplicateSku, e.what()};
      return Unavailable(e);
    }
  }

  Result<Item> GetItem(std::int64_t id) override {
    try {
      Lease lease(*this);
      return LoadItem(*lease, id);
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  Result<Item> GetItemBySku(std::string_view sku) override {
    try {
      Lease lease(*this);
      Statement query = lease->Prepare(
          fmt::format("SELECT {} FROM items WHERE sku = ?1 AND deleted_at_ms IS NULL", kItemColumns));
      query.Bind(1, sku);
      if (!query.Step()) return Error{Errc::kNotFound, "no item with that sku"};
      return ReadItem(query);
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  Result<ItemPage> ListItems(const ItemQuery& q) override {
    try {
      std::string sql = fmt::format("SELECT {} FROM items WHERE deleted_at_ms IS NULL AND id > ?1", kItemColumns);
      if (q.text) sql += " AND (sku LIKE ?2 ESCAPE '\\' OR name LIKE ?2 ESCAPE '\\')";
      if (q.category) sql += " AND category = ?3";
      if (q.kind) sql += " AND kind = ?4";
      if (q.below_reorder) sql += " AND quantity_units < reorder_units";
      sql += " ORDER BY id LIMIT ?5";
      Lease lease(*this);
      Statement query = lease->Prepare(sql);
      query.Bind(1, q.after_id);
      if (q.text) query.Bind(2, LikePattern(*q.text));
      if (q.category) query.Bind(3, *q.category);
      if (q.kind) query.Bind(4, inventory::ItemKindName(*q.kind));
      query.Bind(5, std::int64_t{q.limit} + 1);
      ItemPage page;
      while (query.Step()) page.items.push_back(ReadItem(query));
      if (page.items.size() > static_cast<size_t>(q.limit)) {
        page.items.pop_back();
        page.next_after_id = page.items.back().id;
      }
      return page;
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
  }

  Result<Item> UpdateItem(std::int64_t id, std::optional<std::int64_t> expected_version,
                          const inventory::ItemChanges& changes) override {
    try {
      Lease lease(*this);
      WriteTransaction transaction(*lease);
      auto current = LoadItem(*lease, id);
      if (!current) return current.error();
      Item item = *current;
      if (expected_version && *expected_version != item.version) {
        return Error{Errc::kVersionMismatch, fmt::format("version is {}", item.version)};
      }
      changes.ApplyTo(item.fields);
      if (SameFields(item.fields, current->fields)) return item;
      if (item.fields.sku != current->fields.sku) {
        // Taking a SKU: free, or one this item had before; never another item's, past or present.
        Statement owner = lease->Prepare("SELECT item_id FROM skus WHERE sku = ?1");
        owner.Bind(1, item.fields.sku);
        if (owner.Step()) {
          if (owner.Int(0) != id) return Error{Errc::kDuplicateSku, "sku belongs (or belonged) to another item"};
        } else {
          lease->Prepare("INSERT INTO skus (sku, item_id) VALUES (?1, ?2)").Bind(1, item.fields.sku).Bind(2, id).Run();
        }
      }
      item.version += 1;
      item.updated_at_ms = std::max(NowMs(), item.created_at_ms);
      const auto& f = item.fields;
      lease->Prepare(
               "UPDATE items SET sku = ?2, name = ?3, description = ?4, category = ?5, kind = ?6, "
               "unit = ?7, quantity_units = ?8, quantity_scale = ?9, reorder_units = ?10, "
               "reorder_scale = ?11, location = ?12, updated_at_ms = ?13, version = ?14 "
               "WHERE id = ?1 AND version = ?15")
          .Bind(1, id)
          .Bind(2, f.sku)
          .Bind(3, f.name)
          .Bind(4, f.description)
          .Bind(5, f.category)
          .Bind(6, inventory::ItemKindName(f.kind))
          .Bind(7, f.unit)
          .Bind(8, f.quantity.units())
          .Bind(9, std::int64_t{f.quantity.scale()})
          .Bind(10, f.reorder_point.units())
          .Bind(11, std::int64_t{f.reorder_point.scale()})
          .Bind(12, f.location)
          .Bind(13, item.updated_at_ms)
          .Bind(14, item.version)
          .Bind(15, current->version)
          .Run();
      transaction.Commit();
      return item;
    } catch (const SqliteError& e) {
      if (IsUniqueViolation(e)) return Error{Errc::kDuplicateSku, e.what()};
      return Unavailable(e);
    }
  }

  Result<void> DeleteItem(std::int64_t id) override {
    try {
      Lease lease(*this);
      lease->Prepare("UPDATE items SET deleted_at_ms = ?2 WHERE id = ?1 AND deleted_at_ms IS NULL")
          .Bind(1, id)
          .Bind(2, NowMs())
          .Run();
      if (lease->Changes() == 0) return Error{Errc::kNotFound, "no such item"};
      return {};
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
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

  Result<auth::User> CreateUser(const auth::NewUser& user) override {
    try {
      Lease lease(*this);
      const std::int64_t now = NowMs();
      lease->Prepare(
               "INSERT INTO users (username, password_hash, role, disabled, created_at_ms, updated_at_ms) "
               "VALUES (?1, ?2, ?3, 0, ?4, ?4)")
          .Bind(1, user.username)
          .Bind(2, user.password_hash)
          .Bind(3, auth::RoleName(user.role))
          .Bind(4, now)
          .Run();
      auth::User created;
      created.id = lease->LastInsertId();
      created.username = user.username;
      created.password_hash = user.password_hash;
      created.role = user.role;
      created.created_at_ms = created.updated_at_ms = now;
      return created;
    } catch (const SqliteError& e) {
      if (IsUniqueViolation(e)) return Error{Errc::kDuplicateUsername, e.what()};
      return Unavailable(e);
    }
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

  Result<auth::User> UpdateUser(std::int64_t id, const auth::UserChanges& changes) override {
    try {
      Lease lease(*this);
      WriteTransaction transaction(*lease);
      Statement query = lease->Prepare(fmt::format("SELECT {} FROM users WHERE id = ?1", kUserColumns));
      query.Bind(1, id);
      if (!query.Step()) return Error{Errc::kNotFound, "no such user"};
      auth::User user = ReadUser(query);
      if (changes.role) user.role = *changes.role;
      if (changes.disabled) user.disabled = *changes.disabled;
      if (changes.password_hash) user.password_hash = *changes.password_hash;
      user.updated_at_ms = NowMs();
      lease->Prepare("UPDATE users SET role = ?2, disabled = ?3, password_hash = ?4, updated_at_ms = ?5 WHERE id = ?1")
          .Bind(1, id)
          .Bind(2, auth::RoleName(user.role))
          .Bind(3, std::int64_t{user.disabled ? 1 : 0})
          .Bind(4, user.password_hash)
          .Bind(5, user.updated_at_ms)
          .Run();
      transaction.Commit();
      return user;
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
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
    try {
      Lease lease(*this);
      WriteTransaction transaction(*lease);  // one append at a time: the chain stays linear
      inventory::AuditRecord record;
      record.event = event;
      record.at_ms = NowMs();
      {
        Statement last = lease->Prepare("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
        if (last.Step()) {
          record.id = last.Int(0) + 1;
          record.prev_hash = last.Text(1);
        } else {
          record.id = 1;
        }
      }
      record.hash = inventory::AuditHash(record);
      lease->Prepare(
               "INSERT INTO audit (id, at_ms, actor_sub, actor_name, address, action, target, details, prev_hash, hash) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
          .Bind(1, record.id)
          .Bind(2, record.at_ms)
          .Bind(3, event.actor_sub)
          .Bind(4, event.actor_name)
          .Bind(5, event.address)
          .Bind(6, event.action)
          .Bind(7, event.target)
          .Bind(8, event.details)
          .Bind(9, record.prev_hash)
          .Bind(10, record.hash)
          .Run();
      transaction.Commit();
      return record;
    } catch (const SqliteError& e) {
      return Unavailable(e);
    }
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

  Result<Item> LoadItem(Connection& connection, std::int64_t id) {
    Statement query = connection.Prepare(
        fmt::format("SELECT {} FROM items WHERE id = ?1 AND deleted_at_ms IS NULL", kItemColumns));
    query.Bind(1, id);
    if (!query.Step()) return Error{Errc::kNotFound, "no such item"};
    return ReadItem(query);
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
