#include "stockroom/inventory/movement.h"

#include <fmt/format.h>

namespace stockroom::inventory {

std::optional<MovementType> MovementTypeFromName(std::string_view name) {
  if (name == "receive") return MovementType::kReceive;
  if (name == "issue") return MovementType::kIssue;
  if (name == "transfer") return MovementType::kTransfer;
  if (name == "count") return MovementType::kCount;
  if (name == "reverse") return MovementType::kReverse;
  return std::nullopt;
}

std::string_view MovementTypeName(MovementType type) {
  switch (type) {
    case MovementType::kReceive: return "receive";
    case MovementType::kIssue: return "issue";
    case MovementType::kTransfer: return "transfer";
    case MovementType::kCount: return "count";
    case MovementType::kReverse: return "reverse";
  }
  return "";
}

std::string FormatSignedUnits(std::int64_t units, int scale) {
  const bool negative = units < 0;
  // |INT64_MIN| does not occur: balances and quantities stay below 10^18 millionths.
  const std::string magnitude = Decimal::FromUnits(negative ? -units : units, scale).ToString();
  return negative ? "-" + magnitude : magnitude;
}

bool FitsPrecision(const Decimal& quantity, int precision) {
  std::int64_t step = 1;
  for (int i = precision; i < Decimal::kMaxScale; ++i) step *= 10;
  return quantity.units() % step == 0;
}

std::optional<std::string> CountDifference(const Movement& movement) {
  if (movement.type != MovementType::kCount || movement.lines.empty()) return std::nullopt;
  return FormatSignedUnits(movement.lines.front().delta_units, movement.quantity.scale());
}

std::optional<std::string> CheckLot(std::string_view lot) {
  if (auto problem = CheckText(lot, MovementLimits::kLotMax, false)) return problem;
  if (HasOuterWhitespace(lot)) return "must not begin or end with whitespace";
  return std::nullopt;
}

std::optional<MovementProblem> CheckMovement(const MovementRequest& request, const ItemFields& item) {
  if (request.type == MovementType::kReverse) return std::nullopt;  // the original was checked
  if (request.type != MovementType::kCount && request.quantity.units() == 0) {
    return MovementProblem{"quantity", "must be greater than 0"};
  }
  if (!FitsPrecision(request.quantity, item.precision)) {
    return MovementProblem{"quantity", fmt::format("has more fraction digits than the item's precision ({})",
                                                   item.precision)};
  }
  const bool needs_from = request.type == MovementType::kIssue || request.type == MovementType::kTransfer;
  const bool needs_to = request.type == MovementType::kReceive || request.type == MovementType::kTransfer;
  const bool needs_location = request.type == MovementType::kCount;
  auto check = [](bool needed, const std::string& value, const char* field) -> std::optional<MovementProblem> {
    if (needed && value.empty()) return MovementProblem{field, "is required for this type of movement"};
    if (!needed && !value.empty()) return MovementProblem{field, "is not used by this type of movement"};
    return std::nullopt;
  };
  if (auto p = check(needs_from, request.from_location, "from_location")) return p;
  if (auto p = check(needs_to, request.to_location, "to_location")) return p;
  if (auto p = check(needs_location, request.location, "location")) return p;
  if (item.lot_tracked && request.lot.empty()) {
    return MovementProblem{"lot", "is required: the item is lot-tracked"};
  }
  return std::nullopt;
}

}  // namespace stockroom::inventory
