// The stock ledger in SQLite: applying a movement to the balances, and reading movements
// back. Every function REQUIRES an open transaction on `connection` (a WriteTransaction
// where it writes) and throws StoreFailure for the client's mistakes.
#pragma once

#include "store/sqlite/common.h"
#include "store/sqlite/locations.h"

namespace stockroom::store::sqlite {

// How named locations that do not exist are treated: refused (movements), or created with
// every missing level of their path (opening stock and imports).
enum class MissingLocations { kRefuse, kCreate };

struct LedgerCounts {
  std::int64_t locations_created = 0;
};

// Records `request` by `actor`: checks it against the item (inventory::CheckMovement) and
// the balances (none may go below zero), writes the movement, its lines, the balances, the
// item's quantity and an audit record. Returns the movement as stored.
inventory::Movement ApplyMovement(Connection& connection, const inventory::MovementRequest& request,
                                  const inventory::Actor& actor, MissingLocations missing = MissingLocations::kRefuse,
                                  LedgerCounts* counts = nullptr);

// The movement `id` with its lines; nullopt when there is none.
std::optional<inventory::Movement> ReadMovement(Connection& connection, std::int64_t id, PathCache& paths);

// The item's non-zero balances, by location path and lot.
std::vector<inventory::Balance> ReadBalances(Connection& connection, std::int64_t item_id, PathCache& paths);

}  // namespace stockroom::store::sqlite
