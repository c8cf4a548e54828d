// Thin RAII layer over the SQLite C API: a connection with a prepared-statement cache, a
// statement binder/reader, and a transaction that rolls back unless committed.
// A Connection is used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace stockroom::store::sqlite {

// Thrown for SQLite failures inside this backend; the store boundary turns it into an Error.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& BindNull(int index);

  // Steps once: true when a row is available, false when done. Throws SqliteError.
  bool Step();
  // Steps to completion, expecting no rows.
  void Run();

  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string Text(int column) const;

 private:
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  // Opens `path` read-write (creating it) and applies the per-connection pragmas.
  Connection(const std::string& path, bool synchronous_full, int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A cached prepared statement for `sql`; the Statement resets it when destroyed.
  Statement Prepare(const std::string& sql);
  void Execute(const char* sql);  // runs one or more statements without results
  std::int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so a read-then-write
// transaction cannot fail half way with SQLITE_BUSY); ROLLBACK on destruction unless Commit().
class WriteTransaction {
 public:
  explicit WriteTransaction(Connection& connection);
  ~WriteTransaction();
  void Commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

// BEGIN (deferred) on construction: the reads inside see one snapshot; ends on destruction.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& connection) : connection_(connection) { connection_.Execute("BEGIN"); }
  ~ReadTransaction() { connection_.Execute("COMMIT"); }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Connection& connection_;
};

}  // namespace stockroom::store::sqlite
