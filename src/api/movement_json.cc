#include "movement_json.h"

#include <fmt/format.h>

#include "json_io.h"

namespace stockroom::api {
namespace {

using inventory::Decimal;
using inventory::MovementType;

std::optional<std::string> ReadText(const boost::json::value& value, std::string_view name, std::size_t max,
                                    bool allow_newlines, std::vector<http::FieldError>& errors) {
  if (!value.is_string()) {
    errors.push_back({std::string(name), fmt::format("must be a string, not {}", JsonTypeName(value))});
    return std::nullopt;
  }
  std::string text(value.as_string());
  if (auto problem = inventory::CheckText(text, max, allow_newlines)) {
    errors.push_back({std::string(name), *problem});
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> ReadLocation(const boost::json::value& value, std::string_view name,
                                        std::vector<http::FieldError>& errors) {
  auto text = ReadText(value, name, inventory::LocationLimits::kPathMax, false, errors);
  if (!text) return std::nullopt;
  auto parsed = inventory::ParseLocationRef(*text);
  if (!parsed.ref) {
    errors.push_back({std::string(name), parsed.error.message});
    return std::nullopt;
  }
  return text;
}

}  // namespace

boost::json::object MovementToJson(const inventory::Movement& m) {
  boost::json::array balances;
  for (const auto& line : m.lines) {
    balances.push_back({{"location", line.location},
                        {"lot", line.lot},
                        {"change", inventory::FormatSignedUnits(line.delta_units, m.quantity.scale())},
                        {"quantity", line.balance_after.ToString()}});
  }
  auto optional_text = [](const std::optional<std::string>& text) {
    return text ? boost::json::value(*text) : boost::json::value(nullptr);
  };
  auto optional_id = [](const std::optional<std::int64_t>& id) {
    return id ? boost::json::value(*id) : boost::json::value(nullptr);
  };
  boost::json::object json{{"id", m.id},
                           {"type", inventory::MovementTypeName(m.type)},
                           {"item_id", m.item_id},
                           {"sku", m.sku},
                           {"quantity", m.quantity.ToString()},
                           {"from_location", optional_text(m.from_location)},
                           {"to_location", optional_text(m.to_location)},
                           {"lot", m.lot},
                           {"reference", m.reference},
                           {"reason", m.reason},
                           {"reverses", optional_id(m.reverses)},
                           {"reversed_by", optional_id(m.reversed_by)},
                           {"actor", {{"sub", m.actor.sub}, {"username", m.actor.name}}},
                           {"at", FormatTimestamp(m.at_ms)},
                           {"balances", std::move(balances)}};
  if (auto difference = inventory::CountDifference(m)) {
    json["to_location"] = nullptr;  // a count moves nothing anywhere: it names its location
    json["location"] = m.lines.front().location;
    json["difference"] = std::move(*difference);
  }
  return json;
}

void ParseMovementRequest(const boost::json::object& body, inventory::MovementRequest& request,
                          std::vector<http::FieldError>& errors) {
  const auto* type_value = body.if_contains("type");
  std::optional<MovementType> type;
  if (!type_value || type_value->is_null()) {
    errors.push_back({"type", "is required: receive, issue, transfer, count or reverse"});
  } else if (!type_value->is_string() || !(type = inventory::MovementTypeFromName(type_value->as_string()))) {
    errors.push_back({"type", "must be one of receive, issue, transfer, count, reverse"});
  }
  if (type) request.type = *type;
  bool has_item = false, has_quantity = false, has_reverses = false;
  for (const auto& member : body) {
    const std::string_view name = member.key();
    const boost::json::value& value = member.value();
    if (name == "type") continue;
    if (value.is_null()) {
      if (name == "item_id" || name == "quantity" || name == "reverses") {
        errors.push_back({std::string(name), "must not be null"});
      }
      continue;  // null optional members are absent
    }
    if (name == "item_id") {
      if (value.is_int64() && value.as_int64() > 0) request.item_id = value.as_int64(), has_item = true;
      else errors.push_back({"item_id", "must be a positive integer (the item's id)"});
    } else if (name == "quantity") {
      if (!value.is_string()) {
        errors.push_back({"quantity", fmt::format("must be a decimal string like \"12.5\", not {}", JsonTypeName(value))});
      } else if (auto parsed = Decimal::Parse(value.as_string()); parsed.value) {
        request.quantity = *parsed.value;
        has_quantity = true;
      } else {
        errors.push_back({"quantity", std::string(inventory::ParseErrorMessage(parsed.error))});
      }
    } else if (name == "from_location") {
      if (auto text = ReadLocation(value, name, errors)) request.from_location = *text;
    } else if (name == "to_location") {
      if (auto text = ReadLocation(value, name, errors)) request.to_location = *text;
    } else if (name == "location") {
      if (auto text = ReadLocation(value, name, errors)) request.location = *text;
    } else if (name == "lot") {
      if (auto text = ReadText(value, name, inventory::MovementLimits::kLotMax, false, errors)) {
        if (auto problem = inventory::CheckLot(*text)) errors.push_back({"lot", *problem});
        else request.lot = *text;
      }
    } else if (name == "reference") {
      if (auto text = ReadText(value, name, inventory::MovementLimits::kReferenceMax, false, errors)) {
        request.reference = *text;
      }
    } else if (name == "reason") {
      if (auto text = ReadText(value, name, inventory::MovementLimits::kReasonMax, true, errors)) request.reason = *text;
    } else if (name == "reverses") {
      if (value.is_int64() && value.as_int64() > 0) request.reverses = value.as_int64(), has_reverses = true;
      else errors.push_back({"reverses", "must be a positive integer (the id of the movement to undo)"});
    } else {
      errors.push_back({std::string(name), "is not a field of a movement"});
    }
  }
  if (!type) return;
  if (*type == MovementType::kReverse) {
    if (!has_reverses && !body.contains("reverses")) {
      errors.push_back({"reverses", "is required: the id of the movement to undo"});
    }
    for (const char* field : {"item_id", "quantity", "from_location", "to_location", "location", "lot"}) {
      if (const auto* v = body.if_contains(field); v && !v->is_null()) {
        errors.push_back({field, "is taken from the reversed movement; leave it out"});
      }
    }
    return;
  }
  if (has_reverses) errors.push_back({"reverses", "is only for type reverse"});
  if (!has_item && !body.contains("item_id")) errors.push_back({"item_id", "is required"});
  if (!has_quantity && !body.contains("quantity")) errors.push_back({"quantity", "is required"});
}

}  // namespace stockroom::api
