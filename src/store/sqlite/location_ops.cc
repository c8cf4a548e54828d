// Location CRUD in SQLite.
#include <fmt/format.h>

#include <algorithm>

#include "store/sqlite/locations.h"
#include "store/sqlite/operations.h"

namespace stockroom::store::sqlite {
namespace {

LocationRow ByCode(Connection& c, std::string_view code) {
  auto row = FindLocationByCode(c, code);
  if (!row) Fail(Errc::kNotFound, "no such location");
  return *row;
}

inventory::Location Show(Connection& c, const LocationRow& row) {
  PathCache paths(c);
  return ToLocation(row, paths, c);
}

}  // namespace

inventory::Location CreateLocation(Connection& c, const NewLocation& location, const inventory::Actor& actor) {
  std::optional<std::int64_t> parent_id;
  if (!location.parent.empty()) parent_id = ResolveLocation(c, location.parent, "parent").id;
  if (parent_id) {
    PathCache paths(c);
    const std::string& parent_path = paths.Path(*parent_id);
    if (static_cast<std::size_t>(std::count(parent_path.begin(), parent_path.end(), '/')) + 2 >
        inventory::LocationLimits::kDepthMax) {
      Fail(Errc::kInvalid, fmt::format("is too deep: a location tree has at most {} levels",
                                       inventory::LocationLimits::kDepthMax), "parent");
    }
  }
  const LocationRow row =
      InsertLocation(c, location.code, location.name.empty() ? location.code : location.name, parent_id);
  const inventory::Location created = Show(c, row);
  AppendAuditRecord(c, EventBy(actor, "location.create", "location:" + row.code,
                               inventory::LocationChangeDetails(nullptr, &created)));
  return created;
}

inventory::Location GetLocation(Connection& c, std::string_view code_or_path) {
  auto parsed = inventory::ParseLocationRef(code_or_path);
  if (!parsed.ref) Fail(Errc::kNotFound, "no such location");
  try {
    return Show(c, ResolveLocation(c, code_or_path, "location"));
  } catch (const StoreFailure&) {
    Fail(Errc::kNotFound, "no such location");
  }
}

LocationPage ListLocations(Connection& c, const LocationQuery& q) {
  std::optional<std::int64_t> parent_id;
  if (q.parent && !q.parent->empty()) parent_id = ResolveLocation(c, *q.parent, "parent").id;
  std::string sql = fmt::format("SELECT {} FROM locations WHERE id > ?1 AND deleted_at_ms IS NULL", kLocationColumns);
  if (q.parent) sql += parent_id ? " AND parent_id = ?2" : " AND parent_id IS NULL";
  sql += " ORDER BY id LIMIT ?3";
  LocationPage page;
  std::vector<LocationRow> rows;
  {
    Statement query = c.Prepare(sql);
    query.Bind(1, q.after_id).Bind(3, std::int64_t{q.limit} + 1);
    if (parent_id) query.Bind(2, *parent_id);
    while (query.Step()) rows.push_back(ReadLocation(query));
  }
  if (rows.size() > static_cast<std::size_t>(q.limit)) {
    rows.pop_back();
    page.next_after_id = rows.back().id;
  }
  PathCache paths(c);
  for (const auto& row : rows) page.locations.push_back(ToLocation(row, paths, c));
  return page;
}

inventory::Location UpdateLocation(Connection& c, std::string_view code, std::optional<std::int64_t> expected_version,
                                   const LocationChanges& changes, const inventory::Actor& actor) {
  const LocationRow current = ByCode(c, code);
  if (expected_version && *expected_version != current.version) {
    Fail(Errc::kVersionMismatch, fmt::format("version is {}", current.version));
  }
  LocationRow row = current;
  if (changes.name) row.name = *changes.name;
  if (changes.parent) {
    if (changes.parent->empty()) {
      row.parent_id.reset();
    } else {
      const LocationRow parent = ResolveLocation(c, *changes.parent, "parent");
      // The new parent may not be the location itself or lie below it.
      PathCache paths(c);
      const std::string& parent_path = paths.Path(parent.id);
      const std::string& own_path = paths.Path(current.id);
      if (parent.id == current.id || parent_path.rfind(own_path + "/", 0) == 0) {
        Fail(Errc::kInvalid, "cannot be the location itself or one of its descendants", "parent");
      }
      // The deepest location below this one must stay within the tree's depth.
      Statement height = c.Prepare(
          "WITH RECURSIVE below(id, depth) AS (SELECT ?1, 1 UNION ALL "
          "SELECT l.id, b.depth + 1 FROM locations l JOIN below b ON l.parent_id = b.id) SELECT MAX(depth) FROM below");
      height.Bind(1, current.id);
      height.Step();
      const auto parent_depth = static_cast<std::int64_t>(std::count(parent_path.begin(), parent_path.end(), '/')) + 1;
      if (parent_depth + height.Int(0) > static_cast<std::int64_t>(inventory::LocationLimits::kDepthMax)) {
        Fail(Errc::kInvalid, fmt::format("is too deep: a location tree has at most {} levels",
                                         inventory::LocationLimits::kDepthMax), "parent");
      }
      row.parent_id = parent.id;
    }
  }
  const inventory::Location before = Show(c, current);
  if (row.name == current.name && row.parent_id == current.parent_id) return before;
  row.version += 1;
  row.updated_at_ms = NowMs();
  Statement update =
      c.Prepare("UPDATE locations SET name = ?2, parent_id = ?3, updated_at_ms = ?4, version = ?5 WHERE id = ?1");
  update.Bind(1, row.id).Bind(2, row.name).Bind(4, row.updated_at_ms).Bind(5, row.version);
  if (row.parent_id) update.Bind(3, *row.parent_id);
  else update.BindNull(3);
  update.Run();
  const inventory::Location after = Show(c, row);
  AppendAuditRecord(c, EventBy(actor, "location.update", "location:" + row.code,
                               inventory::LocationChangeDetails(&before, &after)));
  return after;
}

void DeleteLocation(Connection& c, std::string_view code, const inventory::Actor& actor) {
  const LocationRow row = ByCode(c, code);
  {
    // Stock of deleted items does not count: nothing can move it any more.
    Statement stock = c.Prepare(
        "SELECT COUNT(*) FROM balances b JOIN items i ON i.id = b.item_id "
        "WHERE b.location_id = ?1 AND b.units > 0 AND i.deleted_at_ms IS NULL");
    stock.Bind(1, row.id);
    stock.Step();
    if (stock.Int(0) > 0) {
      Fail(Errc::kConflict,
           fmt::format("location \"{}\" holds stock ({} balance{}): move it first", row.code, stock.Int(0),
                       stock.Int(0) == 1 ? "" : "s"),
           "code");
    }
  }
  {
    Statement children =
        c.Prepare("SELECT COUNT(*) FROM locations WHERE parent_id = ?1 AND deleted_at_ms IS NULL");
    children.Bind(1, row.id);
    children.Step();
    if (children.Int(0) > 0) {
      Fail(Errc::kConflict,
           fmt::format("location \"{}\" has {} child location{}: delete or move them first", row.code,
                       children.Int(0), children.Int(0) == 1 ? "" : "s"),
           "code");
    }
  }
  const inventory::Location before = Show(c, row);
  c.Prepare("UPDATE locations SET deleted_at_ms = ?2 WHERE id = ?1").Bind(1, row.id).Bind(2, NowMs()).Run();
  AppendAuditRecord(c, EventBy(actor, "location.delete", "location:" + row.code,
                               inventory::LocationChangeDetails(&before, nullptr)));
}

}  // namespace stockroom::store::sqlite
