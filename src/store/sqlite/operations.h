// The inventory operations of the SQLite backend, one function per Store method. Each runs
// on a connection inside the transaction SqliteStore opens for it (a WriteTransaction for
// writers) and throws StoreFailure for the client's mistakes and SqliteError for the
// database's: SqliteStore turns both into a store::Error and rolls back.
#pragma once

#include "store/sqlite/common.h"

namespace stockroom::store::sqlite {

// items.cc
inventory::Item CreateItem(Connection& c, const inventory::ItemFields& fields, const std::optional<OpeningStock>& opening,
                           const inventory::Actor& actor, std::int64_t* locations_created = nullptr);
inventory::Item GetItem(Connection& c, std::int64_t id);
inventory::Item GetItemBySku(Connection& c, std::string_view sku);
ItemPage ListItems(Connection& c, const ItemQuery& query);
inventory::Item UpdateItem(Connection& c, std::int64_t id, std::optional<std::int64_t> expected_version,
                           const inventory::ItemChanges& changes, const inventory::Actor& actor);
void DeleteItem(Connection& c, std::int64_t id, const inventory::Actor& actor);

// location_ops.cc
inventory::Location CreateLocation(Connection& c, const NewLocation& location, const inventory::Actor& actor);
inventory::Location GetLocation(Connection& c, std::string_view code_or_path);
LocationPage ListLocations(Connection& c, const LocationQuery& query);
inventory::Location UpdateLocation(Connection& c, std::string_view code, std::optional<std::int64_t> expected_version,
                                   const LocationChanges& changes, const inventory::Actor& actor);
void DeleteLocation(Connection& c, std::string_view code, const inventory::Actor& actor);

// stock_queries.cc
inventory::Movement GetMovement(Connection& c, std::int64_t id);
MovementPage ListMovements(Connection& c, const MovementQuery& query);
StockPage ListStock(Connection& c, const StockQuery& query);
std::vector<MovementSummary> SummarizeMovements(Connection& c, std::int64_t from_ms, std::int64_t to_ms);
std::vector<StockDifference> VerifyStock(Connection& c);

// imports.cc
ImportSummary ImportItems(Connection& c, const std::vector<ItemImportRow>& rows, const inventory::Actor& actor,
                          const std::function<void(std::size_t)>& progress);
ImportSummary ImportStock(Connection& c, const std::vector<StockImportRow>& rows, StockImportMode mode,
                          const inventory::Actor& actor, const std::function<void(std::size_t)>& progress);
// Gives items that held stock before the ledger existed an opening receipt (migration 5).
void BackfillOpeningStock(Connection& c);

// idempotency.cc
IdempotencyClaim ClaimIdempotencyKey(Connection& c, std::string_view actor_sub, std::string_view key,
                                     std::string_view fingerprint, std::int64_t retain_ms);
void CompleteIdempotencyKey(Connection& c, std::string_view actor_sub, std::string_view key,
                            const StoredResponse& response);
void ReleaseIdempotencyKey(Connection& c, std::string_view actor_sub, std::string_view key);

}  // namespace stockroom::store::sqlite
