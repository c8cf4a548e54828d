// Imports: many rows in one transaction, all or nothing; an error names its row.
#include <fmt/format.h>

#include <set>
#include <tuple>

#include "store/sqlite/ledger.h"
#include "store/sqlite/operations.h"

namespace stockroom::store::sqlite {

namespace {

constexpr std::size_t kProgressEvery = 1000;

// Runs `apply` for each row in its own savepoint, so that a bad row is rolled back and the
// rows after it are still checked. Returns normally only when every row applied; otherwise
// throws the first row's failure, carrying the others (up to kMaxImportRowErrors in all) in
// other_rows. A failure of the database itself (SqliteError) is not caught here: it ends the
// import, and the caller's transaction rolls back whole.
template <class F>
void ForEachRow(Connection& c, std::size_t rows, const std::function<void(std::size_t)>& progress, F&& apply) {
  std::vector<Error> failures;
  std::size_t i = 0;
  for (; i < rows && failures.size() < kMaxImportRowErrors; ++i) {
    if (progress && i % kProgressEvery == 0) progress(i);
    c.Execute("SAVEPOINT import_row");
    try {
      apply(i);
      c.Execute("RELEASE import_row");
    } catch (StoreFailure& failure) {
      c.Execute("ROLLBACK TO import_row");
      c.Execute("RELEASE import_row");
      failure.error.row = i;
      failures.push_back(std::move(failure.error));
    }
  }
  if (failures.empty()) return;
  Error first = std::move(failures.front());
  first.other_rows.assign(std::make_move_iterator(failures.begin() + 1), std::make_move_iterator(failures.end()));
  first.rows_unchecked = i < rows;
  throw StoreFailure{std::move(first)};
}

}  // namespace

ImportSummary ImportItems(Connection& c, const std::vector<ItemImportRow>& rows, const inventory::Actor& actor,
                          const std::function<void(std::size_t)>& progress) {
  ImportSummary summary;
  ForEachRow(c, rows.size(), progress, [&](std::size_t i) {
    CreateItem(c, rows[i].fields, rows[i].opening, actor, &summary.locations_created);
    ++summary.items_created;
    if (rows[i].opening && rows[i].opening->quantity.units() > 0) ++summary.movements;
  });
  return summary;
}

ImportSummary ImportStock(Connection& c, const std::vector<StockImportRow>& rows, StockImportMode mode,
                          const inventory::Actor& actor, const std::function<void(std::size_t)>& progress) {
  ImportSummary summary;
  // A stocktake counts each balance once: (sku, location as written, lot) and (item, location
  // path, lot) seen so far; the first catches repeats of rows the store refused.
  std::set<std::tuple<std::string, std::string, std::string>> written;
  std::set<std::tuple<std::int64_t, std::string, std::string>> counted;
  constexpr std::string_view kCountedTwice = "counts the same sku, location and lot as an earlier row: count each "
                                             "balance once";
  ForEachRow(c, rows.size(), progress, [&](std::size_t i) {
    const StockImportRow& row = rows[i];
    if (mode == StockImportMode::kCount && !written.emplace(row.sku, row.location, row.lot).second) {
      Fail(Errc::kInvalid, std::string(kCountedTwice), "location");
    }
    std::int64_t item_id = 0;
    {
      Statement query = c.Prepare("SELECT id FROM items WHERE sku = ?1 AND deleted_at_ms IS NULL");
      query.Bind(1, row.sku);
      if (!query.Step()) Fail(Errc::kInvalid, fmt::format("no item has the sku \"{}\"", row.sku), "sku");
      item_id = query.Int(0);
    }
    inventory::MovementRequest request;
    request.item_id = item_id;
    request.quantity = row.quantity;
    request.lot = row.lot;
    if (mode == StockImportMode::kReceive) {
      if (row.quantity.units() == 0) return;  // nothing to receive
      request.type = inventory::MovementType::kReceive;
      request.to_location = row.location;
      request.reason = "stock import";
    } else {
      request.type = inventory::MovementType::kCount;
      request.location = row.location;
      request.reason = "stocktake import";
    }
    LedgerCounts counts;
    const inventory::Movement movement =
        WithFieldName(mode == StockImportMode::kReceive ? "to_location" : "location", "location",
                      [&] { return ApplyMovement(c, request, actor, MissingLocations::kCreate, &counts); });
    if (mode == StockImportMode::kCount &&
        !counted.emplace(item_id, movement.to_location.value_or(""), row.lot).second) {
      Fail(Errc::kInvalid, std::string(kCountedTwice), "location");
    }
    summary.locations_created += counts.locations_created;
    ++summary.movements;
  });
  return summary;
}

void BackfillOpeningStock(Connection& c) {
  struct Pending {
    std::int64_t id;
    std::int64_t units;
    int scale;
    std::string location;
  };
  std::vector<Pending> pending;
  {
    Statement query = c.Prepare(
        "SELECT id, quantity_units, quantity_scale, location FROM items i WHERE quantity_units > 0 "
        "AND NOT EXISTS (SELECT 1 FROM movement_lines l WHERE l.item_id = i.id)");
    while (query.Step()) {
      pending.push_back({query.Int(0), query.Int(1), static_cast<int>(query.Int(2)), query.Text(3)});
    }
  }
  const inventory::Actor system{"", "migration", ""};
  for (const Pending& item : pending) {
    // The quantity moves into the ledger: reset it, then receive it.
    c.Prepare("UPDATE items SET quantity_units = 0 WHERE id = ?1").Bind(1, item.id).Run();
    inventory::MovementRequest receive;
    receive.type = inventory::MovementType::kReceive;
    receive.item_id = item.id;
    receive.quantity = inventory::Decimal::FromUnits(item.units, item.scale);
    receive.to_location = inventory::ParseLocationRef(item.location).ref ? item.location : "RECEIVING";
    receive.reason = "opening stock (before the ledger)";
    try {
      ApplyMovement(c, receive, system, MissingLocations::kCreate);
    } catch (const StoreFailure&) {
      receive.to_location = "RECEIVING";  // the home location contradicts the tree
      ApplyMovement(c, receive, system, MissingLocations::kCreate);
    }
  }
}

}  // namespace stockroom::store::sqlite
