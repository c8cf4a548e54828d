// JSON request/response helpers shared by the handlers: content-type checks, strict body
// parsing, field readers that collect problems, and the store-error-to-status mapping.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stockroom/http/message.h"
#include "stockroom/http/problem.h"
#include "stockroom/http/router.h"
#include "stockroom/api/routes.h"
#include "stockroom/store/store.h"

namespace stockroom::api {

// Bounds of JSON bodies: nesting depth (items are flat; 32 leaves room and stops stack abuse).
constexpr std::size_t kMaxJsonDepth = 32;

enum class BodyType { kJson, kJsonOrMergePatch };

// Parses the request body as one JSON object. On failure returns the response to send:
// 415 for a wrong Content-Type, 400 for empty or malformed JSON or a non-object.
std::optional<http::Response> ParseObjectBody(const http::Request& request, BodyType type,
                                              boost::json::object& out);

http::Response JsonResponse(int status, const boost::json::value& body);

// 422 naming every offending field.
http::Response ValidationProblem(std::vector<http::FieldError> errors);

// Maps a store error to its status and problem body. One switch, no default: a new
// store::Errc must be mapped here or the build fails (-Werror=switch).
http::Response StoreProblem(const store::Error& error, std::string_view what);

// Who is making the request: the principal's subject and username, and the client address.
inventory::Actor ActorOf(const http::Context& context);

// RFC 3339 UTC with milliseconds, e.g. "2026-12-04T04:47:22.123Z".
std::string FormatTimestamp(std::int64_t unix_ms);

// The name of a JSON value's type, for messages ("number", "object", ...).
std::string_view JsonTypeName(const boost::json::value& value);

// A router handler that calls `handler(services, context)`.
inline http::Handler Bind(const Services& services, http::Response (*handler)(const Services&, http::Context&)) {
  return [&services, handler](http::Context& context) { return handler(services, context); };
}

// The media type of a Content-Type value or an Accept range: lowercased, without parameters
// and surrounding whitespace ("Text/CSV; charset=utf-8" -> "text/csv").
std::string MediaType(std::string_view content_type);

// Reads the page parameters `limit` (1 to `max_limit`) and `cursor` (EncodeCursor's); true
// when `key` was one of them, with any problem appended to `errors`.
bool ReadPageParameter(const std::string& key, const std::string& value, int max_limit, int& limit,
                       std::int64_t& after_id, std::vector<http::FieldError>& errors);

// Reads the time-range parameters `from` (inclusive) and `to` (exclusive), each an RFC 3339
// time or a date (ParseTimestamp); true when `key` was one of them, with any problem appended
// to `errors`.
bool ReadTimeRangeParameter(const std::string& key, const std::string& value, std::optional<std::int64_t>& from_ms,
                            std::optional<std::int64_t>& to_ms, std::vector<http::FieldError>& errors);
// Appends an error naming `to` when both ends are given and `to` is not after `from`.
void CheckTimeRange(std::optional<std::int64_t> from_ms, std::optional<std::int64_t> to_ms,
                    std::vector<http::FieldError>& errors);

// "true"/"1" or "false"/"0".
std::optional<bool> ParseBool(std::string_view text);

// Opaque page cursors: base64url of "after:<id>". Clients must treat them as opaque.
std::string EncodeCursor(std::int64_t after_id);
std::optional<std::int64_t> DecodeCursor(std::string_view cursor);

// Calls visit(key, value) with each percent-decoded parameter of a query string ('+' is a
// space); false when the query string is malformed.
bool VisitQuery(std::string_view query, const std::function<void(const std::string&, const std::string&)>& visit);

// RFC 3339 timestamp with a Z or numeric offset ("2026-12-04T10:00:00Z", fraction optional),
// or a date ("2026-12-04", midnight UTC), to unix milliseconds.
std::optional<std::int64_t> ParseTimestamp(std::string_view text);

// Positive decimal integer that fits int64 ("0", signs, spaces and leading zeros refused).
std::optional<std::int64_t> ParsePositiveId(std::string_view text);

}  // namespace stockroom::api
