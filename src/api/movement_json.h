// Movements <-> JSON (docs/api.md "Movements").
#pragma once

#include <boost/json.hpp>
#include <vector>

#include "stockroom/http/problem.h"
#include "stockroom/inventory/movement.h"

namespace stockroom::api {

boost::json::object MovementToJson(const inventory::Movement& movement);

// Reads a POST /movements body. Appends one FieldError per bad or misplaced member.
void ParseMovementRequest(const boost::json::object& body, inventory::MovementRequest& request,
                          std::vector<http::FieldError>& errors);

}  // namespace stockroom::api
