// /api/v1/movements handlers: posting to the stock ledger and reading it back.
#include <fmt/format.h>

#include "json_io.h"
#include "movement_json.h"
#include "stockroom/api/routes.h"

namespace stockroom::api {
namespace {

using auth::Permission;
using http::Access;
using http::Context;
using http::Method;
using http::Pool;
using http::Response;

constexpr int kDefaultMovementPage = 100;
constexpr int kMaxMovementPage = 1000;

Response PostMovement(const Services& services, Context& context) {
  boost::json::object body;
  if (auto problem = ParseObjectBody(context.request, BodyType::kJson, body)) return std::move(*problem);
  inventory::MovementRequest request;
  std::vector<http::FieldError> errors;
  ParseMovementRequest(body, request, errors);
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  auto movement = services.store.PostMovement(request, ActorOf(context));
  if (!movement) {
    // A movement on a deleted or unknown item is 404; a reversal of an unknown movement 422.
    return StoreProblem(movement.error(), "item");
  }
  Response response = JsonResponse(201, MovementToJson(*movement));
  response.SetHeader("location", fmt::format("/api/v1/movements/{}", movement->id));
  return response;
}

Response GetMovement(const Services& services, Context& context) {
  auto id = ParsePositiveId(context.params.Get("id"));
  if (!id) return http::MakeProblem(404, "not-found", "no such movement");
  auto movement = services.store.GetMovement(*id);
  if (!movement) return StoreProblem(movement.error(), "movement");
  return JsonResponse(200, MovementToJson(*movement));
}

// GET /movements?item_id=&location=&type=&actor=&from=&to=&limit=&cursor=
Response ListMovements(const Services& services, Context& context, std::optional<std::int64_t> item_id) {
  store::MovementQuery query;
  query.limit = kDefaultMovementPage;
  query.item_id = item_id;
  std::vector<http::FieldError> errors;
  const bool well_formed = VisitQuery(context.request.query, [&](const std::string& key, const std::string& value) {
    if (key == "item_id" && !item_id) {
      if (auto id = ParsePositiveId(value)) query.item_id = *id;
      else errors.push_back({"item_id", "must be an item id"});
    } else if (key == "location") {
      if (auto parsed = inventory::ParseLocationRef(value); parsed.ref) query.location = value;
      else errors.push_back({"location", parsed.error.message});
    } else if (key == "type") {
      if (auto type = inventory::MovementTypeFromName(value)) query.type = *type;
      else errors.push_back({"type", "must be one of receive, issue, transfer, count, reverse"});
    } else if (key == "actor") {
      if (ParsePositiveId(value)) query.actor_sub = value;
      else errors.push_back({"actor", "must be a user id (the sub of the user's tokens, as in the movements' actor)"});
    } else if (!ReadTimeRangeParameter(key, value, query.from_ms, query.to_ms, errors)) {
      ReadPageParameter(key, value, kMaxMovementPage, query.limit, query.after_id, errors);
    }
  });
  if (!well_formed) errors.push_back({"query", "is not a valid query string"});
  CheckTimeRange(query.from_ms, query.to_ms, errors);
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  if (item_id) {
    auto item = services.store.GetItem(*item_id);
    if (!item) return StoreProblem(item.error(), "item");
  }
  auto page = services.store.ListMovements(query);
  if (!page) return StoreProblem(page.error(), "movement");
  boost::json::array movements;
  for (const auto& movement : page->movements) movements.push_back(MovementToJson(movement));
  boost::json::object body{{"movements", std::move(movements)}, {"next_cursor", nullptr}};
  if (page->next_after_id) body["next_cursor"] = EncodeCursor(*page->next_after_id);
  return JsonResponse(200, body);
}

}  // namespace

void AddMovementRoutes(http::Router& router, const Services& services) {
  router.Add(Method::kPost, "/api/v1/movements", Access::Requires(Permission::kRecordMovements), Pool::kDatabase,
             [&services](Context& context) { return PostMovement(services, context); });
  router.Add(Method::kGet, "/api/v1/movements", Access::Requires(Permission::kViewInventory), Pool::kDatabase,
             [&services](Context& context) { return ListMovements(services, context, std::nullopt); });
  router.Add(Method::kGet, "/api/v1/movements/{id}", Access::Requires(Permission::kViewInventory), Pool::kDatabase,
             [&services](Context& context) { return GetMovement(services, context); });
  router.Add(Method::kGet, "/api/v1/items/{id}/movements", Access::Requires(Permission::kViewInventory),
             Pool::kDatabase, [&services](Context& context) {
               auto id = ParsePositiveId(context.params.Get("id"));
               if (!id) return http::MakeProblem(404, "not-found", "no such item");
               return ListMovements(services, context, *id);
             });
}

}  // namespace stockroom::api
