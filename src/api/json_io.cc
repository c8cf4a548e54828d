#include "json_io.h"

#include <charconv>
#include <ctime>
#include <fmt/format.h>

#include "stockroom/http/log.h"
#include "stockroom/jose/base64url.h"
#include "stockroom/jose/json.h"

#include <boost/url/parse_query.hpp>

namespace stockroom::api {

std::string MediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  size_t start = type.find_first_not_of(" \t");
  type = start == std::string::npos ? "" : type.substr(start);
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

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
    case store::Errc::kDuplicateLocation:
      return http::MakeProblem(409, "duplicate-location", error.detail,
                               {{error.field.empty() ? std::string("code") : error.field, "is a taken location code"}});
    case store::Errc::kInvalid:
      return http::MakeProblem(422, "validation", fmt::format("invalid {}: {}", error.field, error.detail),
                               {{error.field.empty() ? std::string(what) : error.field, error.detail}});
    case store::Errc::kInsufficientStock: {
      boost::json::object extensions;
      if (error.shortage) {
        extensions = {{"item_id", error.shortage->item_id},
                      {"location", error.shortage->location},
                      {"lot", error.shortage->lot},
                      {"available", error.shortage->available.ToString()},
                      {"requested", error.shortage->requested.ToString()}};
      }
      return http::MakeProblem(409, "insufficient-stock", error.detail, {{"quantity", "exceeds the available stock"}},
                               extensions);
    }
    case store::Errc::kConflict:
      if (error.field.empty()) return http::MakeProblem(409, "conflict", error.detail);
      return http::MakeProblem(409, "conflict", error.detail, {{error.field, error.detail}});
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

inventory::Actor ActorOf(const http::Context& context) {
  inventory::Actor actor;
  if (context.principal) {
    actor.sub = context.principal->subject;
    actor.name = context.principal->username;
  }
  actor.address = context.request.remote_address;
  return actor;
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

std::optional<bool> ParseBool(std::string_view text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return std::nullopt;
}

bool ReadPageParameter(const std::string& key, const std::string& value, int max_limit, int& limit,
                       std::int64_t& after_id, std::vector<http::FieldError>& errors) {
  if (key == "limit") {
    auto parsed = ParsePositiveId(value);
    if (!parsed || *parsed > max_limit) errors.push_back({"limit", fmt::format("must be an integer from 1 to {}", max_limit)});
    else limit = static_cast<int>(*parsed);
    return true;
  }
  if (key == "cursor") {
    if (auto after = DecodeCursor(value)) after_id = *after;
    else errors.push_back({"cursor", "is not a cursor this server issued"});
    return true;
  }
  return false;
}

bool ReadTimeRangeParameter(const std::string& key, const std::string& value, std::optional<std::int64_t>& from_ms,
                            std::optional<std::int64_t>& to_ms, std::vector<http::FieldError>& errors) {
  if (key != "from" && key != "to") return false;
  if (auto at = ParseTimestamp(value)) (key == "from" ? from_ms : to_ms) = *at;
  else errors.push_back({key, "must be an RFC 3339 time (2026-12-04T10:00:00Z) or a date (2026-12-04)"});
  return true;
}

void CheckTimeRange(std::optional<std::int64_t> from_ms, std::optional<std::int64_t> to_ms,
                    std::vector<http::FieldError>& errors) {
  if (from_ms && to_ms && *from_ms >= *to_ms) errors.push_back({"to", "must be after from"});
}

std::string EncodeCursor(std::int64_t after_id) { return jose::Base64UrlEncode(fmt::format("after:{}", after_id)); }

std::optional<std::int64_t> DecodeCursor(std::string_view cursor) {
  auto raw = jose::Base64UrlDecode(cursor);
  if (!raw || raw->rfind("after:", 0) != 0) return std::nullopt;
  return ParsePositiveId(std::string_view(*raw).substr(6));
}

bool VisitQuery(std::string_view query, const std::function<void(const std::string&, const std::string&)>& visit) {
  auto params = boost::urls::parse_query(query);
  if (!params) return false;
  boost::urls::encoding_opts decoding;
  decoding.space_as_plus = true;  // HTML forms send spaces as '+'
  for (auto param : *params) {
    visit(param.key.decode(decoding), param.has_value ? param.value.decode(decoding) : std::string());
  }
  return true;
}

std::optional<std::int64_t> ParseTimestamp(std::string_view text) {
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<int> {
    if (pos + n > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  if (!year || !month || !day || text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1) return std::nullopt;
  const bool leap = (*year % 4 == 0 && *year % 100 != 0) || *year % 400 == 0;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*day > kDays[*month - 1] + (*month == 2 && leap ? 1 : 0)) return std::nullopt;  // no 2026-02-30
  int hour = 0, minute = 0, second = 0, millis = 0, offset_minutes = 0;
  std::size_t pos = 10;
  if (text.size() > 10) {
    if (text[10] != 'T' && text[10] != 't') return std::nullopt;
    auto h = digits(11, 2), m = digits(14, 2), sec = digits(17, 2);
    if (!h || !m || !sec || text.size() < 19 || text[13] != ':' || text[16] != ':') return std::nullopt;
    if (*h > 23 || *m > 59 || *sec > 60) return std::nullopt;
    hour = *h, minute = *m, second = std::min(*sec, 59);
    pos = 19;
    if (pos < text.size() && text[pos] == '.') {
      std::size_t end = pos + 1;
      int scale = 100;
      while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
        millis += (text[end] - '0') * scale;
        scale /= 10;
        ++end;
      }
      if (end == pos + 1 || end - pos > 10) return std::nullopt;
      pos = end;
    }
    if (pos == text.size()) return std::nullopt;  // a time needs its zone
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
      if (!oh || !om || text.size() < pos + 6 || text[pos + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
      offset_minutes = (*oh * 60 + *om) * (text[pos] == '+' ? 1 : -1);
      pos += 6;
    } else {
      return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
  }
  // Days from the civil date (Howard Hinnant's algorithm), proleptic Gregorian.
  const int y = *year - (*month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = static_cast<unsigned>(*month + (*month > 2 ? -3 : 9));
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(*day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace stockroom::api
