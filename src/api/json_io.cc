#include "json_io.h"

#include <charconv>
#include <ctime>
#include <fmt/format.h>

#include "stockroom/http/log.h"
#include "stockroom/jose/json.h"

namespace stockroom::api {
namespace {

// The media type of a Content-Type value, lowercased, without parameters.
std::string MediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  size_t start = type.find_first_not_of(" \t");
  type = start == std::string::npos ? "" : type.substr(start);
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

}  // namespace

std::optional<http::Response> ParseObjectBody(const http::Request& request, BodyType type,
                                              boost::json::object& out) {
  auto content_type = request.Header("content-type");
  const std::string media = content_type ? MediaType(*content_type) : "";
  const bool accepted = media == "application/json" ||
                        (type == BodyType::kJsonOrMergePatch && media == "application/merge-patch+json");
  if (!accepted) {
    return http::MakeProblem(415, "unsupported-media-type",
                             type == BodyType::kJson
                                 ? "the body must be application/json"
                                 : "the body must be application/merge-patch+json or application/json");
  }
  if (request.body.empty()) return http::MakeProblem(400, "malformed-json", "the request body is empty");
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.body, ec, {}, options);
  if (ec) {
    return http::MakeProblem(400, "malformed-json", fmt::format("the body is not valid JSON: {}", ec.message()));
  }
  if (!value.is_object()) {
    return http::MakeProblem(400, "malformed-json",
                             fmt::format("the body must be a JSON object, not {}", JsonTypeName(value)));
  }
  // Boost.JSON keeps the last of repeated member names, so {"role":"admin","role":"x"} would
  // mean one thing to a proxy or audit that reads the first and another to us: refuse it.
  auto strict = jose::ParseStrictJson(request.body, jose::Errc::kPayloadJson);
  if (!strict) {
    return http::MakeProblem(400, "malformed-json", fmt::format("the body is not strict JSON: {}", strict.error().detail));
  }
  out = std::move(strict->as_object());
  return std::nullopt;
}

http::Response JsonResponse(int status, const boost::json::value& body) {
  http::Response response;
  response.status = status;
  response.body = boost::json::serialize(body);
  response.SetHeader("content-type", "application/json");
  return response;
}

http::Response ValidationProblem(std::vector<http::FieldError> errors) {
  // Bounded answer to any body: at most kMaxReportedErrors fields, names cut to 64 bytes.
  constexpr std::size_t kMaxReportedErrors = 20;
  const std::size_t total = errors.size();
  if (errors.size() > kMaxReportedErrors) errors.resize(kMaxReportedErrors);
  for (auto& error : errors) {
    if (error.field.size() > 64) error.field = error.field.substr(0, 61) + "...";
  }
  std::string detail = "invalid ";
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i) detail += ", ";
    detail += errors[i].field;
  }
  if (total > errors.size()) detail += fmt::format(" and {} more", total - errors.size());
  if (total == 1) detail += ": " + errors.front().detail;
  return http::MakeProblem(422, "validation", detail, errors);
}

http::Response StoreProblem(const store::Error& error, std::string_view what) {
  switch (error.code) {
    case store::Errc::kNotFound:
      return http::MakeProblem(404, "not-found", fmt::format("no such {}", what));
    case store::Errc::kDuplicateSku:
      return http::MakeProblem(409, "duplicate-sku", "an item with this sku exists (or existed)",
                               {{"sku", "is already taken"}});
    case store::Errc::kDuplicateUsername:
      return http::MakeProblem(409, "duplicate-username", "a user with this username exists",
                               {{"username", "is already taken"}});
    case store::Errc::kVersionMismatch:
      return http::MakeProblem(412, "stale-version",
                               fmt::format("the {} changed since the If-Match version; fetch it again", what));
    case store::Errc::kUnavailable:
      http::Log(http::LogLevel::kError, "store unavailable", {{"detail", error.detail}});
      http::Response response = http::MakeProblem(503, "unavailable", "the database is unavailable; retry later");
      response.SetHeader("retry-after", "1");
      return response;
  }
  return http::MakeProblem(500, "internal", "unexpected store error");
}

std::string FormatTimestamp(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, unix_ms % 1000);
}

std::string_view JsonTypeName(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "a value";
}

std::optional<std::int64_t> ParsePositiveId(std::string_view text) {
  if (text.empty() || text.size() > 19 || text.front() == '0') return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace stockroom::api
