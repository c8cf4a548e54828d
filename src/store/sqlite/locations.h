// The location tree in SQLite: resolving codes and paths, creating missing levels, and the
// paths shown to clients. Every function REQUIRES an open transaction on `connection` (a
// WriteTransaction where it writes) and throws StoreFailure for the client's mistakes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sqlite/common.h"

namespace stockroom::store::sqlite {

struct LocationRow {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::optional<std::int64_t> parent_id;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::int64_t version = 1;
};

// The columns ReadLocation reads, in order.
extern const char* const kLocationColumns;
LocationRow ReadLocation(const Statement& row);

// The live location with this code, if any.
std::optional<LocationRow> FindLocationByCode(Connection& connection, std::string_view code);

// Resolves a code or a path (location.h). Unknown codes and paths that contradict the tree
// are kInvalid with `field` and a detail naming the segment.
LocationRow ResolveLocation(Connection& connection, std::string_view code_or_path, std::string_view field);

// Like ResolveLocation, but creates every missing level of a path (each with its code as
// name, under the level before it, audited by `actor`); adds the number created to `*created`.
std::int64_t ResolveOrCreateLocation(Connection& connection, std::string_view code_or_path, std::string_view field,
                                     const inventory::Actor& actor, std::int64_t* created = nullptr);

// Location paths by id, cached for the length of one store call.
class PathCache {
 public:
  explicit PathCache(Connection& connection) : connection_(connection) {}
  const std::string& Path(std::int64_t location_id);

 private:
  Connection& connection_;
  std::unordered_map<std::int64_t, std::string> paths_;
};

inventory::Location ToLocation(const LocationRow& row, PathCache& paths, Connection& connection);

// Inserts a location (no checks beyond the database's); returns its row. A code that is
// taken (by a live or a deleted location) is kDuplicateLocation naming `field`.
LocationRow InsertLocation(Connection& connection, std::string_view code, std::string_view name,
                           std::optional<std::int64_t> parent_id, std::string_view field = "code");

}  // namespace stockroom::store::sqlite
