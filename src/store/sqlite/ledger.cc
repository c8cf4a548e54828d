#include "store/sqlite/ledger.h"

#include <algorithm>
#include <fmt/format.h>

namespace stockroom::store::sqlite {
namespace {

using inventory::Decimal;
using inventory::MovementType;

struct PlannedLine {
  std::int64_t location_id;
  std::string lot;
  std::int64_t delta_units;
};

struct BalanceValue {
  std::int64_t units = 0;
  int scale = 0;
};

BalanceValue ReadBalance(Connection& connection, std::int64_t item_id, std::int64_t location_id,
                         std::string_view lot) {
  Statement query =
      connection.Prepare("SELECT units, scale FROM balances WHERE item_id = ?1 AND location_id = ?2 AND lot = ?3");
  query.Bind(1, item_id).Bind(2, location_id).Bind(3, lot);
  if (!query.Step()) return {};
  return {query.Int(0), static_cast<int>(query.Int(1))};
}

bool IsDeleted(Connection& connection, std::int64_t location_id) {
  Statement query = connection.Prepare("SELECT deleted_at_ms IS NOT NULL FROM locations WHERE id = ?1");
  query.Bind(1, location_id);
  return query.Step() && query.Int(0) != 0;
}

// Resolves a location named in a request, creating it when `missing` allows.
std::int64_t LocationId(Connection& connection, std::string_view text, std::string_view field,
                        MissingLocations missing, const inventory::Actor& actor, LedgerCounts* counts) {
  if (missing == MissingLocations::kCreate) {
    std::int64_t created = 0;
    const std::int64_t id = ResolveOrCreateLocation(connection, text, field, actor, &created);
    if (counts) counts->locations_created += created;
    return id;
  }
  return ResolveLocation(connection, text, field).id;
}

// A reversal puts stock back under the item's rules as they are now, which may have changed
// since the reversed movement (made lot-tracked, less precise); and it must change something.
void CheckReversal(const std::vector<PlannedLine>& lines, const inventory::ItemFields& item,
                   std::int64_t reversed_id) {
  bool changes = false;
  for (const PlannedLine& line : lines) {
    if (line.delta_units == 0) continue;
    changes = true;
    if (item.lot_tracked && line.lot.empty() && line.delta_units > 0) {
      Fail(Errc::kConflict,
           "the item is lot-tracked now: a reversal cannot put back stock without a lot; receive it into a lot "
           "instead",
           "reverses");
    }
    const std::int64_t moved = line.delta_units < 0 ? -line.delta_units : line.delta_units;
    if (!inventory::FitsPrecision(Decimal::FromUnits(moved, 0), item.precision)) {
      Fail(Errc::kConflict,
           fmt::format("the item's precision is {} now: a reversal cannot move {}", item.precision,
                       Decimal::FromUnits(moved, 0).ToString()),
           "reverses");
    }
  }
  if (!changes) {
    Fail(Errc::kInvalid, fmt::format("movement {} changed no balance: there is nothing to reverse", reversed_id),
         "reverses");
  }
}

}  // namespace

inventory::Movement ApplyMovement(Connection& connection, const inventory::MovementRequest& request,
                                  const inventory::Actor& actor, MissingLocations missing, LedgerCounts* counts) {
  PathCache paths(connection);
  inventory::Movement movement;
  movement.type = request.type;
  movement.reference = request.reference;
  movement.reason = request.reason;
  movement.actor = actor;
  std::vector<PlannedLine> lines;
  std::optional<std::int64_t> from_id, to_id;

  if (request.type == MovementType::kReverse) {
    auto original = ReadMovement(connection, request.reverses, paths);
    if (!original) Fail(Errc::kInvalid, fmt::format("there is no movement {}", request.reverses), "reverses");
    if (original->type == MovementType::kReverse) {
      Fail(Errc::kInvalid, "a reversal cannot be reversed: record a new movement instead", "reverses");
    }
    if (original->reversed_by) {
      Fail(Errc::kConflict,
           fmt::format("movement {} was already reversed by movement {}", original->id, *original->reversed_by),
           "reverses");
    }
    movement.item_id = original->item_id;
    movement.lot = original->lot;
    movement.quantity = original->quantity;
    movement.reverses = original->id;
    Statement query =
        connection.Prepare("SELECT location_id, lot, delta_units FROM movement_lines WHERE movement_id = ?1");
    query.Bind(1, original->id);
    while (query.Step()) lines.push_back({query.Int(0), query.Text(1), -query.Int(2)});
    // Take stock away before adding any back, so a shortfall names the balance that lacks it.
    std::sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.delta_units < b.delta_units; });
    // The reversal moves stock the other way: its locations are the original's, swapped.
    Statement ends = connection.Prepare("SELECT from_location_id, to_location_id FROM movements WHERE id = ?1");
    ends.Bind(1, original->id);
    ends.Step();
    // A count's quantity is what was counted; its reversal moves the difference: out of the
    // location, or into it when the count had taken stock away.
    const bool count_reversal = original->type == MovementType::kCount && lines.size() == 1;
    const std::int64_t count_delta = count_reversal ? lines.front().delta_units : 0;
    if (!ends.IsNull(1)) (count_delta > 0 ? to_id : from_id) = ends.Int(1);
    if (!ends.IsNull(0)) to_id = ends.Int(0);
    if (count_reversal) {
      movement.quantity = Decimal::FromUnits(count_delta < 0 ? -count_delta : count_delta, original->quantity.scale());
    }
  } else {
    movement.item_id = request.item_id;
    movement.lot = request.lot;
    movement.quantity = request.quantity;
  }

  const inventory::Item item = LoadItem(connection, movement.item_id);
  movement.sku = item.fields.sku;
  if (auto problem = inventory::CheckMovement(request, item.fields)) {
    Fail(Errc::kInvalid, problem->message, problem->field);
  }
  if (request.type == MovementType::kReverse) CheckReversal(lines, item.fields, request.reverses);

  const std::int64_t q = request.quantity.units();
  switch (request.type) {
    case MovementType::kReceive:
      to_id = LocationId(connection, request.to_location, "to_location", missing, actor, counts);
      lines.push_back({*to_id, request.lot, q});
      break;
    case MovementType::kIssue:
      from_id = LocationId(connection, request.from_location, "from_location", missing, actor, counts);
      lines.push_back({*from_id, request.lot, -q});
      break;
    case MovementType::kTransfer:
      from_id = LocationId(connection, request.from_location, "from_location", missing, actor, counts);
      to_id = LocationId(connection, request.to_location, "to_location", missing, actor, counts);
      if (*from_id == *to_id) Fail(Errc::kInvalid, "must differ from from_location", "to_location");
      lines.push_back({*from_id, request.lot, -q});
      lines.push_back({*to_id, request.lot, q});
      break;
    case MovementType::kCount: {
      to_id = LocationId(connection, request.location, "location", missing, actor, counts);
      const BalanceValue current = ReadBalance(connection, item.id, *to_id, request.lot);
      lines.push_back({*to_id, request.lot, q - current.units});
      break;
    }
    case MovementType::kReverse:
      break;
  }

  // Apply every line; the first that would go below zero aborts the whole movement.
  const int scale = movement.quantity.scale();
  std::int64_t total_delta = 0;
  for (const PlannedLine& line : lines) {
    const BalanceValue current = ReadBalance(connection, item.id, line.location_id, line.lot);
    const std::int64_t after = current.units + line.delta_units;  // both within kMaxUnits: no overflow
    if (after > Decimal::kMaxUnits) {
      Fail(Errc::kInvalid, fmt::format("would take the balance at {} above {}", paths.Path(line.location_id),
                                       Decimal::FromUnits(Decimal::kMaxUnits, 0).ToString()),
           "quantity");
    }
    if (line.delta_units > 0 && IsDeleted(connection, line.location_id)) {
      // Only a reversal names a location by id rather than by code; a deleted location holds nothing.
      Fail(Errc::kConflict,
           fmt::format("location {} was deleted: it cannot receive stock, not even by a reversal",
                       paths.Path(line.location_id)),
           "reverses");
    }
    if (after < 0) {
      Shortage shortage{item.id, paths.Path(line.location_id), line.lot,
                        Decimal::FromUnits(current.units, current.scale),
                        Decimal::FromUnits(-line.delta_units, scale)};
      Error error{Errc::kInsufficientStock,
                  fmt::format("only {} of item {} at {}{}", shortage.available.ToString(), item.id,
                              shortage.location, line.lot.empty() ? "" : " in lot " + line.lot),
                  "quantity"};
      error.shortage = std::move(shortage);
      throw StoreFailure{std::move(error)};
    }
    const int new_scale = std::max(current.scale, scale);  // the balance keeps the finest digits it saw
    connection
        .Prepare(
            "INSERT INTO balances (item_id, location_id, lot, units, scale) VALUES (?1, ?2, ?3, ?4, ?5) "
            "ON CONFLICT (item_id, location_id, lot) DO UPDATE SET units = excluded.units, scale = excluded.scale")
        .Bind(1, item.id)
        .Bind(2, line.location_id)
        .Bind(3, line.lot)
        .Bind(4, after)
        .Bind(5, std::int64_t{new_scale})
        .Run();
    total_delta += line.delta_units;
    // Shown with the movement's digits, as ReadMovement shows it later.
    movement.lines.push_back({paths.Path(line.location_id), line.lot, line.delta_units, Decimal::FromUnits(after, scale)});
  }
  if (item.fields.quantity.units() + total_delta > Decimal::kMaxUnits) {
    Fail(Errc::kInvalid, fmt::format("would take the item's total above {}",
                                     Decimal::FromUnits(Decimal::kMaxUnits, 0).ToString()),
         "quantity");
  }

  movement.at_ms = NowMs();
  if (from_id) movement.from_location = paths.Path(*from_id);
  if (to_id) movement.to_location = paths.Path(*to_id);
  Statement insert = connection.Prepare(
      "INSERT INTO movements (at_ms, type, item_id, from_location_id, to_location_id, lot, quantity_units, "
      "quantity_scale, reference, reason, reverses, actor_sub, actor_name) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  insert.Bind(1, movement.at_ms)
      .Bind(2, inventory::MovementTypeName(movement.type))
      .Bind(3, item.id)
      .Bind(6, movement.lot)
      .Bind(7, movement.quantity.units())
      .Bind(8, std::int64_t{scale})
      .Bind(9, movement.reference)
      .Bind(10, movement.reason)
      .Bind(12, actor.sub)
      .Bind(13, actor.name);
  if (from_id) insert.Bind(4, *from_id);
  else insert.BindNull(4);
  if (to_id) insert.Bind(5, *to_id);
  else insert.BindNull(5);
  if (movement.reverses) insert.Bind(11, *movement.reverses);
  else insert.BindNull(11);
  insert.Run();
  movement.id = connection.LastInsertId();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    connection
        .Prepare(
            "INSERT INTO movement_lines (movement_id, item_id, location_id, lot, delta_units, balance_units) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .Bind(1, movement.id)
        .Bind(2, item.id)
        .Bind(3, lines[i].location_id)
        .Bind(4, lines[i].lot)
        .Bind(5, lines[i].delta_units)
        .Bind(6, movement.lines[i].balance_after.units())
        .Run();
  }
  connection
      .Prepare(
          "UPDATE items SET quantity_units = quantity_units + ?2, quantity_scale = MAX(quantity_scale, ?3) "
          "WHERE id = ?1")
      .Bind(1, item.id)
      .Bind(2, total_delta)
      .Bind(3, std::int64_t{scale})
      .Run();
  AppendAuditRecord(connection, EventBy(actor, fmt::format("movement.{}", inventory::MovementTypeName(movement.type)),
                                        fmt::format("movement:{}", movement.id), inventory::MovementDetails(movement)));
  return movement;
}

std::optional<inventory::Movement> ReadMovement(Connection& connection, std::int64_t id, PathCache& paths) {
  Statement query = connection.Prepare(
      "SELECT m.id, m.at_ms, m.type, m.item_id, i.sku, m.from_location_id, m.to_location_id, m.lot, "
      "m.quantity_units, m.quantity_scale, m.reference, m.reason, m.reverses, m.actor_sub, m.actor_name, "
      "(SELECT r.id FROM movements r WHERE r.reverses = m.id) "
      "FROM movements m JOIN items i ON i.id = m.item_id WHERE m.id = ?1");
  query.Bind(1, id);
  if (!query.Step()) return std::nullopt;
  inventory::Movement m;
  m.id = query.Int(0);
  m.at_ms = query.Int(1);
  m.type = inventory::MovementTypeFromName(query.Text(2)).value_or(MovementType::kReceive);
  m.item_id = query.Int(3);
  m.sku = query.Text(4);
  if (!query.IsNull(5)) m.from_location = paths.Path(query.Int(5));
  if (!query.IsNull(6)) m.to_location = paths.Path(query.Int(6));
  m.lot = query.Text(7);
  const int scale = static_cast<int>(query.Int(9));
  m.quantity = Decimal::FromUnits(query.Int(8), scale);
  m.reference = query.Text(10);
  m.reason = query.Text(11);
  if (!query.IsNull(12)) m.reverses = query.Int(12);
  m.actor.sub = query.Text(13);
  m.actor.name = query.Text(14);
  if (!query.IsNull(15)) m.reversed_by = query.Int(15);
  Statement lines = connection.Prepare(
      "SELECT location_id, lot, delta_units, balance_units FROM movement_lines WHERE movement_id = ?1 "
      "ORDER BY delta_units");
  lines.Bind(1, m.id);
  while (lines.Step()) {
    m.lines.push_back({paths.Path(lines.Int(0)), lines.Text(1), lines.Int(2), Decimal::FromUnits(lines.Int(3), scale)});
  }
  return m;
}

std::vector<inventory::Balance> ReadBalances(Connection& connection, std::int64_t item_id, PathCache& paths) {
  Statement query = connection.Prepare(
      "SELECT location_id, lot, units, scale FROM balances WHERE item_id = ?1 AND units > 0 ORDER BY location_id, lot");
  query.Bind(1, item_id);
  std::vector<inventory::Balance> balances;
  while (query.Step()) {
    balances.push_back(
        {paths.Path(query.Int(0)), query.Text(1), Decimal::FromUnits(query.Int(2), static_cast<int>(query.Int(3)))});
  }
  return balances;
}

}  // namespace stockroom::store::sqlite
