// RFC 9457 problem details responses (application/problem+json).
#pragma once

#include <boost/json/object.hpp>

#include <boost/json/array.hpp>
#include <string_view>

#include "stockroom/http/message.h"

namespace stockroom::http {

// One offending input field: `field` is its name (dotted for nested), `pointer` its RFC 6901
// JSON Pointer in the request body, `detail` what is wrong with it.
struct FieldError {
  std::string field;
  std::string detail;
};

// Builds {type, title, status, detail, errors?}. `type` is a stable "urn:stockroom:problem:..."
// name; `title` the standard reason phrase unless given.
Response MakeProblem(int status, std::string_view type, std::string_view detail,
                     const std::vector<FieldError>& errors = {});
// The same with extension members (RFC 9457 3.2) added to the body.
Response MakeProblem(int status, std::string_view type, std::string_view detail,
                     const std::vector<FieldError>& errors, const boost::json::object& extensions);

// The reason phrase of an HTTP status code ("Not Found").
std::string_view StatusTitle(int status);

}  // namespace stockroom::http
