// Inventory items and the rules their fields obey. Value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stockroom/inventory/decimal.h"

namespace stockroom::inventory {

enum class ItemKind { kRawMaterial, kComponent, kFinishedGood };

std::optional<ItemKind> ItemKindFromName(std::string_view name);
std::string_view ItemKindName(ItemKind kind);

// Field bounds, in Unicode code points unless stated. Each keeps one field of one row
// (and of an index entry) small enough to page through quickly.
struct ItemLimits {
  static constexpr size_t kSkuMax = 64;           // ASCII [A-Za-z0-9._-]
  static constexpr size_t kNameMax = 200;
  static constexpr size_t kDescriptionMax = 4000;
  static constexpr size_t kCategoryMax = 200;     // real lists use paths: "Electronics/Passives"
  static constexpr size_t kUnitMax = 32;
  static constexpr size_t kLocationMax = 200;     // "Factory/Office Block/Room 101"
};

// The writable fields of an item.
struct ItemFields {
  std::string sku;
  std::string name;
  std::string description;
  std::string category;
  ItemKind kind = ItemKind::kComponent;
  std::string unit;
  Decimal quantity;
  Decimal reorder_point;
  std::string location;  // home location: a location code or path, "" for none
  bool lot_tracked = false;  // every movement names a lot
  int precision = Decimal::kMaxScale;  // fraction digits its quantities may have, 0-6
};

// One balance as it stands: `quantity` of an item at `location` (a path) in `lot` ("" none).
struct Balance {
  std::string location;
  std::string lot;
  Decimal quantity;
};

// An item. fields.quantity is the sum of its balances; it changes only through movements
// (movement.h), which never change `version`.
struct Item {
  std::int64_t id = 0;
  ItemFields fields;
  std::int64_t created_at_ms = 0;  // unix milliseconds, UTC
  std::int64_t updated_at_ms = 0;
  std::int64_t version = 1;        // starts at 1, +1 on every change of fields
  std::optional<std::int64_t> deleted_at_ms;  // set for deleted items (listed on request only)
  std::vector<Balance> balances;  // non-zero balances; filled by single-item reads only
};

// A partial update: only the members that are set change.
struct ItemChanges {
  std::optional<std::string> sku;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> category;
  std::optional<ItemKind> kind;
  std::optional<std::string> unit;
  std::optional<Decimal> reorder_point;
  std::optional<std::string> location;
  std::optional<bool> lot_tracked;
  std::optional<int> precision;

  bool empty() const;
  void ApplyTo(ItemFields& fields) const;
};

// Field validators: nullopt when valid, else what is wrong (for a problem+json detail).
std::optional<std::string> CheckSku(std::string_view sku);
std::optional<std::string> CheckName(std::string_view name);
// Optional text of at most `max` code points: valid UTF-8, no control characters other
// than tab and newline (descriptions hold multi-line text).
std::optional<std::string> CheckText(std::string_view text, size_t max, bool allow_newlines);

// Whether `text` begins or ends with whitespace: ASCII or Unicode White_Space, or the
// invisible U+200B and U+FEFF.
bool HasOuterWhitespace(std::string_view text);

// Number of code points of valid UTF-8 `text`, or nullopt when it is not valid UTF-8.
std::optional<size_t> Utf8Length(std::string_view text);

}  // namespace stockroom::inventory
