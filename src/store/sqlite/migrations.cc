#include "store/sqlite/migrations.h"

#include <array>
#include <chrono>

namespace stockroom::store::sqlite {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Append only: never edit or renumber a migration that has shipped.
constexpr std::array kMigrations = {
    Migration{1, R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'warehouse_staff')),
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE TABLE items (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  sku            TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  description    TEXT NOT NULL DEFAULT '',
  category       TEXT NOT NULL DEFAULT '',
  kind           TEXT NOT NULL CHECK (kind IN ('raw_material', 'component', 'finished_good')),
  unit           TEXT NOT NULL DEFAULT '',
  quantity_units INTEGER NOT NULL CHECK (quantity_units >= 0),
  quantity_scale INTEGER NOT NULL CHECK (quantity_scale BETWEEN 0 AND 6),
  reorder_units  INTEGER NOT NULL CHECK (reorder_units >= 0),
  reorder_scale  INTEGER NOT NULL CHECK (reorder_scale BETWEEN 0 AND 6),
  location       TEXT NOT NULL DEFAULT '',
  created_at_ms  INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  version        INTEGER NOT NULL,
  deleted_at_ms  INTEGER
);
CREATE INDEX items_live_category ON items (category, id) WHERE deleted_at_ms IS NULL;
)sql"},
    Migration{2, R"sql(
CREATE TABLE revocations (
  kind       TEXT NOT NULL CHECK (kind IN ('token', 'tokens_issued_before', 'session')),
  subject    TEXT NOT NULL,
  not_before INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,  -- unix ms of the last write, for other processes to poll
  PRIMARY KEY (kind, subject)
);
CREATE INDEX revocations_changed ON revocations (changed_at);
CREATE TABLE refresh_tokens (
  hash       TEXT PRIMARY KEY,
  family     TEXT NOT NULL,
  user_id    INTEGER NOT NULL REFERENCES users (id),
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER,
  revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
)sql"},
    Migration{3, R"sql(
CREATE TABLE audit (
  id         INTEGER PRIMARY KEY,
  at_ms      INTEGER NOT NULL,
  actor_sub  TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  address    TEXT NOT NULL,
  action     TEXT NOT NULL,
  target     TEXT NOT NULL,
  details    TEXT NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
);
)sql"},
    // Every SKU an item has ever had stays its own: renaming frees nothing for other items.
    Migration{4, R"sql(
CREATE TABLE skus (
  sku     TEXT PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES items (id)
);
INSERT INTO skus (sku, item_id) SELECT sku, id FROM items;
)sql"},
    // The stock ledger. Balances are kept in the movement's transaction; movement_lines hold
    // each movement's signed change of each balance, so the ledger can be re-added to check
    // them. Stock that items held before the ledger becomes an opening receipt at their home
    // location (or the receiving location) by the first start of this version.
    Migration{5, R"sql(
CREATE TABLE locations (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  code          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  parent_id     INTEGER REFERENCES locations (id),
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  version       INTEGER NOT NULL,
  deleted_at_ms INTEGER  -- deleted locations keep their code and their history
);
CREATE INDEX locations_parent ON locations (parent_id, id);
ALTER TABLE items ADD COLUMN lot_tracked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN precision INTEGER NOT NULL DEFAULT 6 CHECK (precision BETWEEN 0 AND 6);
CREATE TABLE balances (
  item_id     INTEGER NOT NULL REFERENCES items (id),
  location_id INTEGER NOT NULL REFERENCES locations (id),
  lot         TEXT NOT NULL,
  units       INTEGER NOT NULL CHECK (units >= 0),
  scale       INTEGER NOT NULL CHECK (scale BETWEEN 0 AND 6),
  PRIMARY KEY (item_id, location_id, lot)
) WITHOUT ROWID;
CREATE INDEX balances_location ON balances (location_id, item_id, lot);
CREATE TABLE movements (
  id               INTEGER PRIMARY KEY,
  at_ms            INTEGER NOT NULL,
  type             TEXT NOT NULL CHECK (type IN ('receive', 'issue', 'transfer', 'count', 'reverse')),
  item_id          INTEGER NOT NULL REFERENCES items (id),
  from_location_id INTEGER REFERENCES locations (id),
  to_location_id   INTEGER REFERENCES locations (id),
  lot              TEXT NOT NULL,
  quantity_units   INTEGER NOT NULL CHECK (quantity_units >= 0),
  quantity_scale   INTEGER NOT NULL,
  reference        TEXT NOT NULL,
  reason           TEXT NOT NULL,
  reverses         INTEGER UNIQUE REFERENCES movements (id),
  actor_sub        TEXT NOT NULL,
  actor_name       TEXT NOT NULL
);
CREATE INDEX movements_item ON movements (item_id, id);
CREATE INDEX movements_at ON movements (at_ms, id);
CREATE INDEX movements_actor ON movements (actor_sub, id);
CREATE INDEX movements_from ON movements (from_location_id, id);
CREATE INDEX movements_to ON movements (to_location_id, id);
CREATE TABLE movement_lines (
  movement_id   INTEGER NOT NULL REFERENCES movements (id),
  item_id       INTEGER NOT NULL,
  location_id   INTEGER NOT NULL,
  lot           TEXT NOT NULL,
  delta_units   INTEGER NOT NULL,
  balance_units INTEGER NOT NULL,
  PRIMARY KEY (movement_id, location_id, lot)
) WITHOUT ROWID;
CREATE INDEX movement_lines_location ON movement_lines (location_id, movement_id);
CREATE TABLE idempotency_keys (
  actor_sub     TEXT NOT NULL,
  key           TEXT NOT NULL,
  fingerprint   TEXT NOT NULL,
  status        INTEGER,  -- NULL while the first request runs
  content_type  TEXT NOT NULL DEFAULT '',
  location      TEXT NOT NULL DEFAULT '',
  etag          TEXT NOT NULL DEFAULT '',
  body          TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (actor_sub, key)
);
CREATE INDEX idempotency_created ON idempotency_keys (created_at_ms);
CREATE INDEX items_deleted ON items (deleted_at_ms) WHERE deleted_at_ms IS NOT NULL;
)sql"},
};

}  // namespace

int Migrate(Connection& connection) {
  WriteTransaction transaction(connection);
  connection.Execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "applied_at_ms INTEGER NOT NULL)");
  std::int64_t current = 0;
  {
    Statement query = connection.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (query.Step()) current = query.Int(0);
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= current) continue;
    connection.Execute(migration.sql);
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    connection.Prepare("INSERT INTO schema_migrations (version, applied_at_ms) VALUES (?1, ?2)")
        .Bind(1, std::int64_t{migration.version})
        .Bind(2, static_cast<std::int64_t>(now_ms.count()))
        .Run();
  }
  transaction.Commit();
  return static_cast<int>(current);
}

}  // namespace stockroom::store::sqlite
