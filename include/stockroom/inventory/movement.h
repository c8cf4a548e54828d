// The stock ledger: movements are the only way stock changes, and each one is kept forever.
// A movement's effect is a set of lines, each a signed change of one balance (item, location,
// lot); the balances always equal the sum of the lines. Value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stockroom/inventory/decimal.h"
#include "stockroom/inventory/item.h"

namespace stockroom::inventory {

enum class MovementType { kReceive, kIssue, kTransfer, kCount, kReverse };

std::optional<MovementType> MovementTypeFromName(std::string_view name);
std::string_view MovementTypeName(MovementType type);

struct MovementLimits {
  static constexpr size_t kLotMax = 64;         // code points
  static constexpr size_t kReferenceMax = 200;  // code points
  static constexpr size_t kReasonMax = 1000;    // code points
};

// Who made a change: the token's subject and username, and the client address ("" for the CLI).
struct Actor {
  std::string sub;
  std::string name;
  std::string address;
};

// A movement as requested. Locations are codes or paths (location.h), as the client gave them.
struct MovementRequest {
  MovementType type = MovementType::kReceive;
  std::int64_t item_id = 0;          // not used by kReverse (the reversed movement names it)
  Decimal quantity;                  // kCount: the counted quantity; unused by kReverse
  std::string from_location;         // kIssue, kTransfer
  std::string to_location;           // kReceive, kTransfer
  std::string location;              // kCount
  std::string lot;                   // "" for none
  std::string reference;             // purchase order, production order, ...
  std::string reason;
  std::int64_t reverses = 0;         // kReverse: the movement undone
};

// One change of one balance by a movement, and that balance right after it.
struct MovementLine {
  std::string location;       // path
  std::string lot;
  std::int64_t delta_units = 0;  // signed millionths
  Decimal balance_after;
};

struct Movement {
  std::int64_t id = 0;
  MovementType type = MovementType::kReceive;
  std::int64_t item_id = 0;
  std::string sku;
  std::optional<std::string> from_location;  // paths
  std::optional<std::string> to_location;
  std::string lot;
  Decimal quantity;  // moved; for kCount the counted quantity
  std::string reference;
  std::string reason;
  std::optional<std::int64_t> reverses;
  std::optional<std::int64_t> reversed_by;
  Actor actor;
  std::int64_t at_ms = 0;
  std::vector<MovementLine> lines;
};

// "-3.5", "12": a signed count of millionths shown with at least `scale` fraction digits.
std::string FormatSignedUnits(std::int64_t units, int scale);

// For a count: how much it changed its balance, signed, with the count's digits ("-3.5",
// "12"); nullopt for other types.
std::optional<std::string> CountDifference(const Movement& movement);

// Fraction digits an item's quantities may have. Items carry an explicit `precision`;
// quantities with more significant fraction digits are refused.
bool FitsPrecision(const Decimal& quantity, int precision);

// A lot or batch code: "" (none), or up to MovementLimits::kLotMax code points of single-line
// text without outer whitespace ("L-7 " and "L-7" would otherwise be two lots). Nullopt when
// acceptable, else the message for a 422.
std::optional<std::string> CheckLot(std::string_view lot);

// What a request must name, checked against the item it moves (lot tracking, precision,
// locations per type). Nullopt when acceptable, else {field, message} for a 422.
struct MovementProblem {
  std::string field;
  std::string message;
};
std::optional<MovementProblem> CheckMovement(const MovementRequest& request, const ItemFields& item);

}  // namespace stockroom::inventory
