// Reading the ledger: movements, balances, summaries, and the ledger-versus-balances check.
#include <fmt/format.h>

#include <map>
#include <tuple>

#include "store/sqlite/ledger.h"
#include "store/sqlite/operations.h"

namespace stockroom::store::sqlite {
namespace {

using inventory::Decimal;

// Ids of `root` and every location below it.
std::vector<std::int64_t> Subtree(Connection& c, std::int64_t root) {
  Statement query = c.Prepare(
      "WITH RECURSIVE tree(id) AS (SELECT ?1 UNION ALL SELECT l.id FROM locations l JOIN tree t ON l.parent_id = t.id) "
      "SELECT id FROM tree");
  query.Bind(1, root);
  std::vector<std::int64_t> ids;
  while (query.Step()) ids.push_back(query.Int(0));
  return ids;
}

std::string IdList(const std::vector<std::int64_t>& ids) {
  std::string list;
  for (auto id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  return list;
}

// The location a history filter names: a live location by code or path, or a deleted one by
// its code (codes stay reserved, so the code still names it alone).
std::int64_t HistoryLocationId(Connection& c, std::string_view code_or_path) {
  try {
    return ResolveLocation(c, code_or_path, "location").id;
  } catch (const StoreFailure&) {
    Statement deleted = c.Prepare("SELECT id FROM locations WHERE code = ?1 AND deleted_at_ms IS NOT NULL");
    deleted.Bind(1, code_or_path);
    if (deleted.Step()) return deleted.Int(0);
    throw;
  }
}

}  // namespace

inventory::Movement GetMovement(Connection& c, std::int64_t id) {
  PathCache paths(c);
  auto movement = ReadMovement(c, id, paths);
  if (!movement) Fail(Errc::kNotFound, "no such movement");
  return std::move(*movement);
}

MovementPage ListMovements(Connection& c, const MovementQuery& q) {
  std::optional<std::int64_t> location_id;
  if (q.location) location_id = HistoryLocationId(c, *q.location);
  // By location: the lines' (location_id, movement_id) index walks that location's movements
  // in id order from the cursor, so deep pages cost what the first does.
  std::string sql = location_id ? "SELECT m.id FROM movement_lines l JOIN movements m ON m.id = l.movement_id "
                                  "WHERE l.location_id = ?3 AND l.movement_id > ?1"
                                : "SELECT m.id FROM movements m WHERE m.id > ?1";
  if (q.item_id) sql += " AND m.item_id = ?2";
  if (q.type) sql += " AND m.type = ?4";
  if (q.actor_sub) sql += " AND m.actor_sub = ?5";
  if (q.from_ms) sql += " AND m.at_ms >= ?6";
  if (q.to_ms) sql += " AND m.at_ms < ?7";
  sql += location_id ? " ORDER BY l.movement_id LIMIT ?8" : " ORDER BY m.id LIMIT ?8";
  std::vector<std::int64_t> ids;
  {
    Statement query = c.Prepare(sql);
    query.Bind(1, q.after_id).Bind(8, std::int64_t{q.limit} + 1);
    if (q.item_id) query.Bind(2, *q.item_id);
    if (location_id) query.Bind(3, *location_id);
    if (q.type) query.Bind(4, inventory::MovementTypeName(*q.type));
    if (q.actor_sub) query.Bind(5, *q.actor_sub);
    if (q.from_ms) query.Bind(6, *q.from_ms);
    if (q.to_ms) query.Bind(7, *q.to_ms);
    while (query.Step()) ids.push_back(query.Int(0));
  }
  MovementPage page;
  if (ids.size() > static_cast<std::size_t>(q.limit)) {
    ids.pop_back();
    page.next_after_id = ids.back();
  }
  PathCache paths(c);
  for (auto id : ids) {
    if (auto movement = ReadMovement(c, id, paths)) page.movements.push_back(std::move(*movement));
  }
  return page;
}

StockPage ListStock(Connection& c, const StockQuery& q) {
  std::string sql =
      "SELECT b.item_id, i.sku, b.location_id, b.lot, b.units, b.scale FROM balances b JOIN items i ON i.id = b.item_id "
      "WHERE i.deleted_at_ms IS NULL AND (b.item_id, b.location_id, b.lot) > (?1, ?2, ?3)";
  if (!q.include_zero) sql += " AND b.units > 0";
  if (q.item_id) sql += " AND b.item_id = ?4";
  if (q.location) {
    const auto root = ResolveLocation(c, *q.location, "location").id;
    sql += " AND b.location_id IN (" + IdList(Subtree(c, root)) + ")";
  }
  sql += " ORDER BY b.item_id, b.location_id, b.lot LIMIT ?5";
  StockPage page;
  std::vector<std::tuple<std::int64_t, std::string, std::int64_t, std::string, std::int64_t, int>> rows;
  {
    Statement query = c.Prepare(sql);
    query.Bind(1, q.after_item_id).Bind(2, q.after_location_id).Bind(3, q.after_lot).Bind(5, std::int64_t{q.limit} + 1);
    if (q.item_id) query.Bind(4, *q.item_id);
    while (query.Step()) {
      rows.emplace_back(query.Int(0), query.Text(1), query.Int(2), query.Text(3), query.Int(4),
                        static_cast<int>(query.Int(5)));
    }
  }
  if (rows.size() > static_cast<std::size_t>(q.limit)) {
    rows.pop_back();
    const auto& last = rows.back();
    page.next = StockPage::Key{std::get<0>(last), std::get<2>(last), std::get<3>(last)};
  }
  PathCache paths(c);
  for (auto& [item_id, sku, location_id, lot, units, scale] : rows) {
    page.rows.push_back({item_id, std::move(sku), {paths.Path(location_id), std::move(lot), Decimal::FromUnits(units, scale)}});
  }
  return page;
}

std::vector<MovementSummary> SummarizeMovements(Connection& c, std::int64_t from_ms, std::int64_t to_ms) {
  Statement query = c.Prepare(
      "SELECT m.item_id, i.sku, COUNT(DISTINCT m.id), "
      "SUM(CASE WHEN NOT moved AND l.delta_units > 0 THEN l.delta_units ELSE 0 END), "
      "SUM(CASE WHEN NOT moved AND l.delta_units < 0 THEN -l.delta_units ELSE 0 END), "
      "SUM(CASE WHEN moved AND l.delta_units > 0 THEN l.delta_units ELSE 0 END) "
      "FROM (SELECT *, (from_location_id IS NOT NULL AND to_location_id IS NOT NULL) AS moved FROM movements "
      "      WHERE at_ms >= ?1 AND at_ms < ?2) m "
      "JOIN movement_lines l ON l.movement_id = m.id JOIN items i ON i.id = m.item_id "
      "GROUP BY m.item_id ORDER BY m.item_id");
  query.Bind(1, from_ms).Bind(2, to_ms);
  std::vector<MovementSummary> summaries;
  while (query.Step()) {
    MovementSummary s;
    s.item_id = query.Int(0);
    s.sku = query.Text(1);
    s.movements = query.Int(2);
    s.received_units = query.Int(3);
    s.issued_units = query.Int(4);
    s.transferred_units = query.Int(5);
    summaries.push_back(std::move(s));
  }
  return summaries;
}

std::vector<StockDifference> VerifyStock(Connection& c) {
  // (item, location, lot) -> {balance, ledger sum}; both read in one transaction.
  using Key = std::tuple<std::int64_t, std::int64_t, std::string>;
  std::map<Key, std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>>> sums;
  {
    Statement balances = c.Prepare("SELECT item_id, location_id, lot, units FROM balances");
    while (balances.Step()) sums[{balances.Int(0), balances.Int(1), balances.Text(2)}].first = balances.Int(3);
  }
  {
    Statement ledger = c.Prepare(
        "SELECT item_id, location_id, lot, SUM(delta_units) FROM movement_lines GROUP BY item_id, location_id, lot");
    while (ledger.Step()) sums[{ledger.Int(0), ledger.Int(1), ledger.Text(2)}].second = ledger.Int(3);
  }
  auto show = [](const std::optional<std::int64_t>& units) {
    return units ? inventory::FormatSignedUnits(*units, 0) : std::string("(none)");
  };
  std::vector<StockDifference> differences;
  PathCache paths(c);
  for (const auto& [key, value] : sums) {
    const auto& [balance, ledger] = value;
    // A zero balance with no ledger rows cannot occur, but would be harmless.
    if (balance.value_or(0) == ledger.value_or(0) && balance) continue;
    if (!balance && ledger.value_or(0) == 0) continue;
    differences.push_back({std::get<0>(key), paths.Path(std::get<1>(key)), std::get<2>(key), show(balance), show(ledger)});
  }
  // Each item's quantity must be the sum of its balances.
  Statement items = c.Prepare(
      "SELECT i.id, i.quantity_units, COALESCE((SELECT SUM(units) FROM balances b WHERE b.item_id = i.id), 0) "
      "FROM items i WHERE i.quantity_units <> COALESCE((SELECT SUM(units) FROM balances b WHERE b.item_id = i.id), 0)");
  while (items.Step()) {
    differences.push_back({items.Int(0), "(item quantity)", "", show(items.Int(1)), show(items.Int(2))});
  }
  return differences;
}

}  // namespace stockroom::store::sqlite
