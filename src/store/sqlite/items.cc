// Items in SQLite: create (with opening stock), read (with balances), list, update, delete.
#include <fmt/format.h>

#include "store/sqlite/ledger.h"
#include "store/sqlite/operations.h"

namespace stockroom::store::sqlite {
namespace {

using inventory::Decimal;
using inventory::Item;
using inventory::ItemFields;

bool SameFields(const ItemFields& a, const ItemFields& b) {
  auto same_decimal = [](const Decimal& x, const Decimal& y) { return x == y && x.scale() == y.scale(); };
  return a.sku == b.sku && a.name == b.name && a.description == b.description && a.category == b.category &&
         a.kind == b.kind && a.unit == b.unit && same_decimal(a.reorder_point, b.reorder_point) &&
         a.location == b.location && a.lot_tracked == b.lot_tracked && a.precision == b.precision;
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

// Claims `sku` for item `id`: free, or one this item had before; never another item's.
void ClaimSku(Connection& c, std::string_view sku, std::int64_t id) {
  Statement owner = c.Prepare("SELECT item_id FROM skus WHERE sku = ?1");
  owner.Bind(1, sku);
  if (owner.Step()) {
    if (owner.Int(0) != id) Fail(Errc::kDuplicateSku, "sku belongs (or belonged) to another item", "sku");
    return;
  }
  c.Prepare("INSERT INTO skus (sku, item_id) VALUES (?1, ?2)").Bind(1, sku).Bind(2, id).Run();
}

// Stricter lot or precision rules may not strand stock that breaks them.
void CheckStockFitsRules(Connection& c, const Item& item, const ItemFields& before) {
  if (item.fields.lot_tracked && !before.lot_tracked) {
    Statement unlotted = c.Prepare("SELECT COUNT(*) FROM balances WHERE item_id = ?1 AND lot = '' AND units > 0");
    unlotted.Bind(1, item.id);
    unlotted.Step();
    if (unlotted.Int(0) > 0) {
      Fail(Errc::kConflict,
           fmt::format("{} of this item's balances {} no lot: move them into lots before making it lot-tracked",
                       unlotted.Int(0), unlotted.Int(0) == 1 ? "has" : "have"),
           "lot_tracked");
    }
  }
  if (item.fields.precision < before.precision) {
    Statement balances = c.Prepare("SELECT units FROM balances WHERE item_id = ?1 AND units > 0");
    balances.Bind(1, item.id);
    while (balances.Step()) {
      if (!inventory::FitsPrecision(Decimal::FromUnits(balances.Int(0), 0), item.fields.precision)) {
        Fail(Errc::kConflict,
             fmt::format("the item holds stock with more than {} fraction digits", item.fields.precision),
             "precision");
      }
    }
  }
}

Item WithBalances(Connection& c, Item item) {
  PathCache paths(c);
  item.balances = ReadBalances(c, item.id, paths);
  return item;
}

}  // namespace

Item CreateItem(Connection& c, const ItemFields& fields, const std::optional<OpeningStock>& opening,
                const inventory::Actor& actor, std::int64_t* locations_created) {
  const std::int64_t now = NowMs();
  Statement insert = c.Prepare(
      "INSERT INTO items (sku, name, description, category, kind, unit, quantity_units, quantity_scale, "
      "reorder_units, reorder_scale, location, created_at_ms, updated_at_ms, version, lot_tracked, precision) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, ?7, ?8, ?9, ?10, ?10, 1, ?11, ?12)");
  insert.Bind(1, fields.sku)
      .Bind(2, fields.name)
      .Bind(3, fields.description)
      .Bind(4, fields.category)
      .Bind(5, inventory::ItemKindName(fields.kind))
      .Bind(6, fields.unit)
      .Bind(7, fields.reorder_point.units())
      .Bind(8, std::int64_t{fields.reorder_point.scale()})
      .Bind(9, fields.location)
      .Bind(10, now)
      .Bind(11, std::int64_t{fields.lot_tracked ? 1 : 0})
      .Bind(12, std::int64_t{fields.precision});
  try {
    insert.Run();
  } catch (const SqliteError& e) {
    if (IsUniqueViolation(e)) Fail(Errc::kDuplicateSku, "sku belongs (or belonged) to another item", "sku");
    throw;
  }
  const std::int64_t id = c.LastInsertId();
  ClaimSku(c, fields.sku, id);
  // The home location is named like any other: it must fit the tree, and is created when new.
  if (!fields.location.empty()) ResolveOrCreateLocation(c, fields.location, "location", actor, locations_created);
  AppendAuditRecord(c, EventBy(actor, "item.create", fmt::format("item:{}", id),
                               inventory::ItemChangeDetails(nullptr, &fields)));
  if (opening && opening->quantity.units() > 0) {
    inventory::MovementRequest receive;
    receive.type = inventory::MovementType::kReceive;
    receive.item_id = id;
    receive.quantity = opening->quantity;
    receive.to_location = opening->location;
    receive.lot = opening->lot;
    receive.reason = "opening stock";
    LedgerCounts counts;
    WithFieldName("to_location", "location",
                  [&] { return ApplyMovement(c, receive, actor, MissingLocations::kCreate, &counts); });
    if (locations_created) *locations_created += counts.locations_created;
  }
  return WithBalances(c, LoadItem(c, id));
}

Item GetItem(Connection& c, std::int64_t id) { return WithBalances(c, LoadItem(c, id)); }

Item GetItemBySku(Connection& c, std::string_view sku) {
  Item item;
  {
    Statement query =
        c.Prepare(fmt::format("SELECT {} FROM items i WHERE i.sku = ?1 AND i.deleted_at_ms IS NULL", kItemColumns));
    query.Bind(1, sku);
    if (!query.Step()) Fail(Errc::kNotFound, "no item with that sku");
    item = ReadItem(query);
  }
  return WithBalances(c, std::move(item));
}

ItemPage ListItems(Connection& c, const ItemQuery& q) {
  std::string sql = fmt::format("SELECT {} FROM items i WHERE i.id > ?1", kItemColumns);
  if (!q.include_deleted) sql += " AND i.deleted_at_ms IS NULL";
  if (q.text) sql += " AND (i.sku LIKE ?2 ESCAPE '\\' OR i.name LIKE ?2 ESCAPE '\\')";
  if (q.category) sql += " AND i.category = ?3";
  if (q.kind) sql += " AND i.kind = ?4";
  if (q.below_reorder) sql += " AND i.quantity_units < i.reorder_units";
  sql += " ORDER BY i.id LIMIT ?5";
  Statement query = c.Prepare(sql);
  query.Bind(1, q.after_id);
  if (q.text) query.Bind(2, LikePattern(*q.text));
  if (q.category) query.Bind(3, *q.category);
  if (q.kind) query.Bind(4, inventory::ItemKindName(*q.kind));
  query.Bind(5, std::int64_t{q.limit} + 1);
  ItemPage page;
  while (query.Step()) page.items.push_back(ReadItem(query));
  if (page.items.size() > static_cast<std::size_t>(q.limit)) {
    page.items.pop_back();
    page.next_after_id = page.items.back().id;
  }
  return page;
}

Item UpdateItem(Connection& c, std::int64_t id, std::optional<std::int64_t> expected_version,
                const inventory::ItemChanges& changes, const inventory::Actor& actor) {
  const Item current = LoadItem(c, id);
  if (expected_version && *expected_version != current.version) {
    Fail(Errc::kVersionMismatch, fmt::format("version is {}", current.version));
  }
  Item item = current;
  changes.ApplyTo(item.fields);
  if (SameFields(item.fields, current.fields)) return WithBalances(c, std::move(item));
  if (item.fields.sku != current.fields.sku) ClaimSku(c, item.fields.sku, id);
  CheckStockFitsRules(c, item, current.fields);
  if (item.fields.location != current.fields.location && !item.fields.location.empty()) {
    ResolveLocation(c, item.fields.location, "location");  // must exist: a typo creates nothing
  }
  item.version += 1;
  item.updated_at_ms = std::max(NowMs(), item.created_at_ms);
  const auto& f = item.fields;
  c.Prepare(
       "UPDATE items SET sku = ?2, name = ?3, description = ?4, category = ?5, kind = ?6, unit = ?7, "
       "reorder_units = ?8, reorder_scale = ?9, location = ?10, updated_at_ms = ?11, version = ?12, "
       "lot_tracked = ?13, precision = ?14 WHERE id = ?1")
      .Bind(1, id)
      .Bind(2, f.sku)
      .Bind(3, f.name)
      .Bind(4, f.description)
      .Bind(5, f.category)
      .Bind(6, inventory::ItemKindName(f.kind))
      .Bind(7, f.unit)
      .Bind(8, f.reorder_point.units())
      .Bind(9, std::int64_t{f.reorder_point.scale()})
      .Bind(10, f.location)
      .Bind(11, item.updated_at_ms)
      .Bind(12, item.version)
      .Bind(13, std::int64_t{f.lot_tracked ? 1 : 0})
      .Bind(14, std::int64_t{f.precision})
      .Run();
  AppendAuditRecord(c, EventBy(actor, "item.update", fmt::format("item:{}", id),
                               inventory::ItemChangeDetails(&current.fields, &item.fields)));
  return WithBalances(c, std::move(item));
}

void DeleteItem(Connection& c, std::int64_t id, const inventory::Actor& actor) {
  const Item current = LoadItem(c, id);
  c.Prepare("UPDATE items SET deleted_at_ms = ?2 WHERE id = ?1").Bind(1, id).Bind(2, NowMs()).Run();
  AppendAuditRecord(c, EventBy(actor, "item.delete", fmt::format("item:{}", id),
                               inventory::ItemChangeDetails(&current.fields, nullptr)));
}

}  // namespace stockroom::store::sqlite
