// The embedded SQLite backend (WAL mode). Thread-safe: a small pool of connections, one per
// concurrent caller; writes serialise on SQLite's write lock (BEGIN IMMEDIATE).
#pragma once

#include <memory>
#include <string>

#include "stockroom/store/store.h"

namespace stockroom::store {

enum class Durability {
  kFull,    // synchronous=FULL: an acknowledged write survives power loss
  kNormal,  // synchronous=NORMAL: survives a process crash; the last commits may be lost on power loss
};

struct SqliteOptions {
  std::string path;          // database file; created when missing
  Durability durability = Durability::kFull;
  int connections = 4;       // pool size; callers beyond it wait
  int busy_timeout_ms = 5000;  // how long a writer waits for the write lock
};

// Opens (creating if needed) the database and applies pending migrations in a transaction.
// Throws std::runtime_error with a clear message when it cannot (start-up failure).
std::unique_ptr<Store> OpenSqliteStore(const SqliteOptions& options);

}  // namespace stockroom::store
