// Items <-> JSON (docs/api.md "Items"): field parsing with per-field problems.
#pragma once

#include <boost/json.hpp>
#include <vector>

#include "stockroom/http/problem.h"
#include "stockroom/inventory/item.h"

namespace stockroom::api {

boost::json::object ItemToJson(const inventory::Item& item);

// The item's entity tag: a quoted opaque string that changes with every version.
std::string ItemETag(const inventory::Item& item);

// Reads a create body into `fields`. sku and name are required; kind defaults to
// "component", unit to "pcs", quantities to "0". Appends one FieldError per bad member.
void ParseNewItem(const boost::json::object& body, inventory::ItemFields& fields,
                  std::vector<http::FieldError>& errors);

// Reads a JSON merge patch (RFC 7396) into `changes`. null clears optional text fields;
// read-only members (id, version, created_at, updated_at) and unknown members are errors.
void ParseItemPatch(const boost::json::object& patch, inventory::ItemChanges& changes,
                    std::vector<http::FieldError>& errors);

}  // namespace stockroom::api
