// Pieces shared by the SQLite backend's files: time, the failure that aborts a transaction
// with a store::Error, item rows, and the audit append that runs inside a write transaction.
#pragma once

#include <cstdint>
#include <string>

#include "stockroom/store/store.h"
#include "store/sqlite/connection.h"

namespace stockroom::store::sqlite {

std::int64_t NowMs();

// Thrown inside a transaction to roll it back and answer `error` at the Store boundary.
struct StoreFailure {
  Error error;
};

[[noreturn]] inline void Fail(Errc code, std::string detail, std::string field = {}) {
  throw StoreFailure{Error{code, std::move(detail), std::move(field)}};
}

bool IsUniqueViolation(const SqliteError& e);

// Runs `apply`; a failure naming request field `from` is rethrown naming `to` instead (an
// opening receipt's "to_location" is the item's or the file's "location").
template <class F>
auto WithFieldName(std::string_view from, std::string_view to, F&& apply) {
  try {
    return apply();
  } catch (StoreFailure& failure) {
    if (failure.error.field == from) failure.error.field = std::string(to);
    throw;
  }
}

// SELECT list of items (with the table alias `i`) and the row reader for it.
extern const char* const kItemColumns;
inventory::Item ReadItem(const Statement& row);

// The live item `id` (deleted ones unless `include_deleted`); kNotFound otherwise.
inventory::Item LoadItem(Connection& connection, std::int64_t id, bool include_deleted = false);

// Appends `event` to the audit chain. REQUIRES: a WriteTransaction is open on `connection`
// (the append commits or rolls back with the change it records).
inventory::AuditRecord AppendAuditRecord(Connection& connection, const inventory::AuditEvent& event);

inline inventory::AuditEvent EventBy(const inventory::Actor& actor, std::string action, std::string target,
                                     std::string details) {
  return {actor.sub, actor.name, actor.address, std::move(action), std::move(target), std::move(details)};
}

}  // namespace stockroom::store::sqlite
