#include "store/sqlite/locations.h"

#include <fmt/format.h>

namespace stockroom::store::sqlite {
const char* const kLocationColumns = "id, code, name, parent_id, created_at_ms, updated_at_ms, version";

LocationRow ReadLocation(const Statement& row) {
  LocationRow location;
  location.id = row.Int(0);
  location.code = row.Text(1);
  location.name = row.Text(2);
  if (!row.IsNull(3)) location.parent_id = row.Int(3);
  location.created_at_ms = row.Int(4);
  location.updated_at_ms = row.Int(5);
  location.version = row.Int(6);
  return location;
}

namespace {

std::optional<LocationRow> FindLocationById(Connection& connection, std::int64_t id) {
  Statement query = connection.Prepare(fmt::format("SELECT {} FROM locations WHERE id = ?1", kLocationColumns));
  query.Bind(1, id);
  if (!query.Step()) return std::nullopt;
  return ReadLocation(query);
}

inventory::LocationRef ParseOrFail(std::string_view text, std::string_view field) {
  auto parsed = inventory::ParseLocationRef(text);
  if (!parsed.ref) Fail(Errc::kInvalid, parsed.error.message, std::string(field));
  return std::move(*parsed.ref);
}

// Checks that `row`, found for segment `index` of a path, sits where the path says.
void CheckPlace(Connection& connection, const LocationRow& row, std::size_t index,
                const std::optional<LocationRow>& expected_parent, std::string_view field) {
  if (index == 0) {
    if (row.parent_id) {
      auto parent = FindLocationById(connection, *row.parent_id);
      Fail(Errc::kInvalid,
           fmt::format("segment 1 (\"{}\") is not a top-level location: it is inside \"{}\"", row.code,
                       parent ? parent->code : "?"),
           std::string(field));
    }
    return;
  }
  if (row.parent_id != expected_parent->id) {
    Fail(Errc::kInvalid,
         fmt::format("segment {} (\"{}\") is not inside \"{}\"", index + 1, row.code, expected_parent->code),
         std::string(field));
  }
}

}  // namespace

std::optional<LocationRow> FindLocationByCode(Connection& connection, std::string_view code) {
  Statement query = connection.Prepare(
      fmt::format("SELECT {} FROM locations WHERE code = ?1 AND deleted_at_ms IS NULL", kLocationColumns));
  query.Bind(1, code);
  if (!query.Step()) return std::nullopt;
  return ReadLocation(query);
}

LocationRow ResolveLocation(Connection& connection, std::string_view code_or_path, std::string_view field) {
  const inventory::LocationRef ref = ParseOrFail(code_or_path, field);
  if (ref.segments.size() == 1) {
    auto row = FindLocationByCode(connection, ref.segments[0]);
    if (!row) Fail(Errc::kInvalid, fmt::format("no location has the code \"{}\"", ref.segments[0]), std::string(field));
    return *row;
  }
  std::optional<LocationRow> previous;
  for (std::size_t i = 0; i < ref.segments.size(); ++i) {
    auto row = FindLocationByCode(connection, ref.segments[i]);
    if (!row) {
      Fail(Errc::kInvalid, fmt::format("segment {} (\"{}\") is not a location", i + 1, ref.segments[i]),
           std::string(field));
    }
    CheckPlace(connection, *row, i, previous, field);
    previous = std::move(row);
  }
  return *previous;
}

std::int64_t ResolveOrCreateLocation(Connection& connection, std::string_view code_or_path, std::string_view field,
                                     const inventory::Actor& actor, std::int64_t* created) {
  const inventory::LocationRef ref = ParseOrFail(code_or_path, field);
  std::optional<LocationRow> previous;
  for (std::size_t i = 0; i < ref.segments.size(); ++i) {
    auto row = FindLocationByCode(connection, ref.segments[i]);
    if (row) {
      // A lone code may name a location anywhere in the tree.
      if (ref.segments.size() > 1) CheckPlace(connection, *row, i, previous, field);
    } else {
      row = InsertLocation(connection, ref.segments[i], ref.segments[i],
                           previous ? std::optional(previous->id) : std::nullopt, field);
      PathCache paths(connection);
      const inventory::Location created_location = ToLocation(*row, paths, connection);
      AppendAuditRecord(connection, EventBy(actor, "location.create", "location:" + row->code,
                                            inventory::LocationChangeDetails(nullptr, &created_location)));
      if (created) ++*created;
    }
    previous = std::move(row);
  }
  return previous->id;
}

LocationRow InsertLocation(Connection& connection, std::string_view code, std::string_view name,
                           std::optional<std::int64_t> parent_id, std::string_view field) {
  LocationRow row;
  row.code = std::string(code);
  row.name = std::string(name);
  row.parent_id = parent_id;
  row.created_at_ms = row.updated_at_ms = NowMs();
  Statement insert = connection.Prepare(
      "INSERT INTO locations (code, name, parent_id, created_at_ms, updated_at_ms, version) "
      "VALUES (?1, ?2, ?3, ?4, ?4, 1)");
  insert.Bind(1, code).Bind(2, name).Bind(4, row.created_at_ms);
  if (parent_id) insert.Bind(3, *parent_id);
  else insert.BindNull(3);
  try {
    insert.Run();
  } catch (const SqliteError& e) {
    if (IsUniqueViolation(e)) {
      Fail(Errc::kDuplicateLocation,
           fmt::format("the code \"{}\" belongs (or belonged) to another location: a deleted location keeps its code",
                       code),
           std::string(field));
    }
    throw;
  }
  row.id = connection.LastInsertId();
  return row;
}

const std::string& PathCache::Path(std::int64_t location_id) {
  if (auto it = paths_.find(location_id); it != paths_.end()) return it->second;
  std::string path;
  auto row = FindLocationById(connection_, location_id);
  if (row) {
    path = row->parent_id ? Path(*row->parent_id) + "/" + row->code : row->code;
  }
  return paths_[location_id] = std::move(path);
}

inventory::Location ToLocation(const LocationRow& row, PathCache& paths, Connection& connection) {
  inventory::Location location;
  location.id = row.id;
  location.code = row.code;
  location.name = row.name;
  if (row.parent_id) {
    if (auto parent = FindLocationById(connection, *row.parent_id)) location.parent = parent->code;
  }
  location.path = paths.Path(row.id);
  location.created_at_ms = row.created_at_ms;
  location.updated_at_ms = row.updated_at_ms;
  location.version = row.version;
  return location;
}

}  // namespace stockroom::store::sqlite
