#include "item_json.h"

#include <fmt/format.h>

#include "json_io.h"

namespace stockroom::api {
namespace {

using inventory::Decimal;
using inventory::ItemLimits;

constexpr std::string_view kReadOnly[] = {"id", "version", "created_at", "updated_at"};

bool IsReadOnly(std::string_view name) {
  for (auto field : kReadOnly) {
    if (field == name) return true;
  }
  return false;
}

// Reads one member as a string; records an error and returns nullopt otherwise.
std::optional<std::string> ReadString(std::string_view name, const boost::json::value& value,
                                      std::vector<http::FieldError>& errors) {
  if (!value.is_string()) {
    errors.push_back({std::string(name), fmt::format("must be a string, not {}", JsonTypeName(value))});
    return std::nullopt;
  }
  return std::string(value.as_string());
}

std::optional<std::string> ReadText(std::string_view name, const boost::json::value& value, size_t max,
                                    bool allow_newlines, std::vector<http::FieldError>& errors) {
  auto text = ReadString(name, value, errors);
  if (!text) return std::nullopt;
  if (auto problem = inventory::CheckText(*text, max, allow_newlines)) {
    errors.push_back({std::string(name), *problem});
    return std::nullopt;
  }
  return text;
}

std::optional<Decimal> ReadDecimal(std::string_view name, const boost::json::value& value,
                                   std::vector<http::FieldError>& errors) {
  if (!value.is_string()) {
    errors.push_back({std::string(name), fmt::format("must be a decimal string like \"12.5\", not {}",
                                                     JsonTypeName(value))});
    return std::nullopt;
  }
  auto parsed = Decimal::Parse(value.as_string());
  if (!parsed.value) {
    errors.push_back({std::string(name), std::string(inventory::ParseErrorMessage(parsed.error))});
    return std::nullopt;
  }
  return parsed.value;
}

// Applies one member to `changes`, whether from a create body or a patch.
void ReadMember(std::string_view name, const boost::json::value& value, inventory::ItemChanges& changes,
                std::vector<http::FieldError>& errors) {
  auto err = [&](std::string detail) { errors.push_back({std::string(name), std::move(detail)}); };
  if (name == "sku") {
    if (auto s = ReadString(name, value, errors)) {
      if (auto problem = inventory::CheckSku(*s)) err(*problem);
      else changes.sku = std::move(*s);
    }
  } else if (name == "name") {
    if (auto s = ReadString(name, value, errors)) {
      if (auto problem = inventory::CheckName(*s)) err(*problem);
      else changes.name = std::move(*s);
    }
  } else if (name == "description") {
    changes.description = ReadText(name, value, ItemLimits::kDescriptionMax, true, errors);
  } else if (name == "category") {
    changes.category = ReadText(name, value, ItemLimits::kCategoryMax, false, errors);
  } else if (name == "unit") {
    changes.unit = ReadText(name, value, ItemLimits::kUnitMax, false, errors);
  } else if (name == "location") {
    changes.location = ReadText(name, value, ItemLimits::kLocationMax, false, errors);
    if (changes.location && !changes.location->empty()) {
      auto parsed = inventory::ParseLocationRef(*changes.location);
      if (!parsed.ref) {
        err(parsed.error.message);
        changes.location.reset();
      }
    }
  } else if (name == "kind") {
    if (auto s = ReadString(name, value, errors)) {
      if (auto kind = inventory::ItemKindFromName(*s)) changes.kind = *kind;
      else err("must be one of raw_material, component, finished_good");
    }
  } else if (name == "quantity") {
    err("changes only through movements: POST /api/v1/movements (receive, issue, transfer, count)");
  } else if (name == "lot_tracked") {
    if (value.is_bool()) changes.lot_tracked = value.as_bool();
    else err(fmt::format("must be true or false, not {}", JsonTypeName(value)));
  } else if (name == "precision") {
    if (value.is_int64() && value.as_int64() >= 0 && value.as_int64() <= Decimal::kMaxScale) {
      changes.precision = static_cast<int>(value.as_int64());
    } else {
      err("must be an integer from 0 to 6 (fraction digits of its quantities)");
    }
  } else if (name == "reorder_point") {
    changes.reorder_point = ReadDecimal(name, value, errors);
  } else if (IsReadOnly(name)) {
    err("is read-only");
  } else {
    err("is not a field of an item");
  }
}

}  // namespace

boost::json::object ItemToJson(const inventory::Item& item, bool with_balances) {
  const auto& f = item.fields;
  boost::json::object json{
      {"id", item.id},
      {"sku", f.sku},
      {"name", f.name},
      {"description", f.description},
      {"category", f.category},
      {"kind", inventory::ItemKindName(f.kind)},
      {"unit", f.unit},
      {"quantity", f.quantity.ToString()},
      {"reorder_point", f.reorder_point.ToString()},
      {"location", f.location},
      {"created_at", FormatTimestamp(item.created_at_ms)},
      {"updated_at", FormatTimestamp(item.updated_at_ms)},
      {"version", item.version},
      {"lot_tracked", f.lot_tracked},
      {"precision", f.precision},
  };
  if (item.deleted_at_ms) json["deleted_at"] = FormatTimestamp(*item.deleted_at_ms);
  if (with_balances) {
    boost::json::array balances;
    for (const auto& balance : item.balances) {
      balances.push_back({{"location", balance.location}, {"lot", balance.lot}, {"quantity", balance.quantity.ToString()}});
    }
    json["balances"] = std::move(balances);
  }
  return json;
}

std::string ItemETag(const inventory::Item& item) { return fmt::format("\"v{}\"", item.version); }

void ParseNewItem(const boost::json::object& body, std::string_view receiving_location,
                  inventory::ItemFields& fields, std::optional<store::OpeningStock>& opening,
                  std::vector<http::FieldError>& errors) {
  inventory::ItemChanges changes;
  std::optional<Decimal> quantity;
  std::string lot;
  for (const auto& member : body) {
    if (member.value().is_null() && !IsReadOnly(member.key())) continue;  // null: take the default
    if (member.key() == "quantity") {
      quantity = ReadDecimal("quantity", member.value(), errors);
    } else if (member.key() == "lot") {
      if (auto text = ReadString("lot", member.value(), errors)) {
        if (auto problem = inventory::CheckLot(*text)) {
          errors.push_back({"lot", *problem});
        } else {
          lot = std::move(*text);
        }
      }
    } else {
      ReadMember(member.key(), member.value(), changes, errors);
    }
  }
  for (std::string_view required : {"sku", "name"}) {
    const auto* value = body.if_contains(required);
    if (!value || value->is_null()) errors.push_back({std::string(required), "is required"});
  }
  fields.kind = inventory::ItemKind::kComponent;
  fields.unit = "pcs";
  changes.ApplyTo(fields);
  if (quantity && quantity->units() > 0) {
    if (!inventory::FitsPrecision(*quantity, fields.precision)) {
      errors.push_back({"quantity", "has more fraction digits than the item's precision"});
    }
    if (fields.lot_tracked && lot.empty()) errors.push_back({"lot", "is required: the item is lot-tracked"});
    opening = store::OpeningStock{fields.location.empty() ? std::string(receiving_location) : fields.location, lot,
                                  *quantity};
  } else if (!lot.empty() && !quantity) {
    errors.push_back({"lot", "names the lot of an opening quantity; give quantity too"});
  }
}

void ParseItemPatch(const boost::json::object& patch, inventory::ItemChanges& changes,
                    std::vector<http::FieldError>& errors) {
  for (const auto& member : patch) {
    const std::string_view name = member.key();
    if (member.value().is_null() && !IsReadOnly(name)) {
      // RFC 7396: null removes the member. Optional text becomes empty; the rest cannot go.
      if (name == "description") changes.description = "";
      else if (name == "category") changes.category = "";
      else if (name == "unit") changes.unit = "";
      else if (name == "location") changes.location = "";
      else if (name == "sku" || name == "name" || name == "kind" || name == "quantity" || name == "reorder_point" ||
               name == "lot_tracked" || name == "precision")
        errors.push_back({std::string(name), "cannot be removed"});
      else
        errors.push_back({std::string(name), "is not a field of an item"});
      continue;
    }
    ReadMember(name, member.value(), changes, errors);
  }
}

}  // namespace stockroom::api
