#include "audit.h"

#include <boost/json/serialize.hpp>
#include <boost/url/parse_query.hpp>
#include <fmt/format.h>

#include "json_io.h"
#include "stockroom/http/log.h"

namespace stockroom::api {
namespace {

using http::Context;
using http::Response;

constexpr int kDefaultAuditPage = 100;
constexpr int kMaxAuditPage = 1000;

boost::json::object RecordToJson(const inventory::AuditRecord& record) {
  boost::system::error_code ec;
  boost::json::value details = boost::json::parse(record.event.details, ec);
  return boost::json::object{{"id", record.id},
                             {"at", FormatTimestamp(record.at_ms)},
                             {"actor_sub", record.event.actor_sub},
                             {"actor_name", record.event.actor_name},
                             {"address", record.event.address},
                             {"action", record.event.action},
                             {"target", record.event.target},
                             {"details", ec ? boost::json::value(record.event.details) : details},
                             {"hash", record.hash}};
}

// GET /audit?after=ID&limit=N (admin): records in append order, oldest first.
Response ListAudit(const Services& services, Context& context) {
  std::int64_t after = 0;
  int limit = kDefaultAuditPage;
  std::vector<http::FieldError> errors;
  auto params = boost::urls::parse_query(context.request.query);
  if (!params) return ValidationProblem({{"query", "is not a valid query string"}});
  for (auto param : *params) {
    const std::string key = param.key.decode();
    const std::string value = param.has_value ? param.value.decode() : std::string();
    if (key == "after") {
      if (value == "0") after = 0;
      else if (auto id = ParsePositiveId(value)) after = *id;
      else errors.push_back({"after", "must be a record id"});
    } else if (key == "limit") {
      auto n = ParsePositiveId(value);
      if (!n || *n > kMaxAuditPage) errors.push_back({"limit", "must be an integer from 1 to 1000"});
      else limit = static_cast<int>(*n);
    }
  }
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  auto records = services.store.ListAudit(after, limit);
  if (!records) return StoreProblem(records.error(), "audit trail");
  boost::json::array list;
  for (const auto& record : *records) list.push_back(RecordToJson(record));
  boost::json::object body{{"records", std::move(list)}, {"next_after", nullptr}};
  if (static_cast<int>(records->size()) == limit) body["next_after"] = records->back().id;
  return JsonResponse(200, body);
}

}  // namespace

void Audit(const Services& services, const http::Context& context, std::string action, std::string target,
           const boost::json::object& details, std::string actor_sub, std::string actor_name) {
  inventory::AuditEvent event;
  if (context.principal) {
    event.actor_sub = context.principal->subject;
    event.actor_name = context.principal->username;
  } else {
    event.actor_sub = std::move(actor_sub);
    event.actor_name = std::move(actor_name);
  }
  event.address = context.request.remote_address;
  event.action = std::move(action);
  event.target = std::move(target);
  event.details = boost::json::serialize(details);
  if (auto appended = services.store.AppendAudit(event); !appended) {
    http::Log(http::LogLevel::kError, "cannot append to the audit trail",
              {{"action", event.action}, {"detail", appended.error().detail}});
  }
}

void AddAuditRoutes(http::Router& router, const Services& services) {
  router.Add(http::Method::kGet, "/api/v1/audit", http::Access::Requires(auth::Permission::kViewAudit),
             http::Pool::kDatabase, [&services](Context& context) { return ListAudit(services, context); });
}

}  // namespace stockroom::api
