// Appending to the audit trail from handlers, and GET /api/v1/audit.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "stockroom/api/routes.h"

namespace stockroom::api {

// Appends `action` on `target` with `details`, by the request's principal (or, when there is
// none, by `actor_name`, e.g. the username a failed login gave), from the request's address.
// A failure to append is logged, not returned: the change it records has already happened.
void Audit(const Services& services, const http::Context& context, std::string action, std::string target,
           const boost::json::object& details = {}, std::string actor_sub = {}, std::string actor_name = {});

}  // namespace stockroom::api
