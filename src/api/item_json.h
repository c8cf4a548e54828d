// Items <-> JSON (docs/api.md "Items"): field parsing with per-field problems.
#pragma once

#include <boost/json.hpp>
#include <vector>

#include "stockroom/http/problem.h"
#include "stockroom/inventory/item.h"
#include "stockroom/store/store.h"

namespace stockroom::api {

// The item; with its balances when `with_balances` (single-item reads).
boost::json::object ItemToJson(const inventory::Item& item, bool with_balances = false);

// The item's entity tag: a quoted opaque string that changes with every version.
std::string ItemETag(const inventory::Item& item);

// Reads a create body into `fields`. sku and name are required; kind defaults to
// "component", unit to "pcs", reorder_point to "0". A non-zero `quantity` (with `lot`)
// becomes `opening` stock at the item's `location`, or at `receiving_location` when it
// names none. Appends one FieldError per bad member.
void ParseNewItem(const boost::json::object& body, std::string_view receiving_location,
                  inventory::ItemFields& fields, std::optional<store::OpeningStock>& opening,
                  std::vector<http::FieldError>& errors);

// Reads a JSON merge patch (RFC 7396) into `changes`. null clears optional text fields;
// read-only members (id, version, created_at, updated_at) and unknown members are errors.
void ParseItemPatch(const boost::json::object& patch, inventory::ItemChanges& changes,
                    std::vector<http::FieldError>& errors);

}  // namespace stockroom::api
