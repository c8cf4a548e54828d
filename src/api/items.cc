// /api/v1/items handlers: thin translations between HTTP and store::Store.
#include <fmt/format.h>

#include "item_json.h"
#include "json_io.h"
#include "stockroom/api/routes.h"

namespace stockroom::api {
namespace {

using http::Access;
using http::Context;
using http::Method;
using http::Pool;
using http::Response;
using auth::Permission;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr std::size_t kMaxQueryText = 200;  // search text, in bytes

Response ItemResponse(int status, const inventory::Item& item) {
  Response response = JsonResponse(status, ItemToJson(item, true));
  response.SetHeader("etag", ItemETag(item));
  return response;
}

// Parses the list query; appends problems for bad parameters.
store::ItemQuery ParseListQuery(std::string_view query_text, std::vector<http::FieldError>& errors) {
  store::ItemQuery query;
  query.limit = kDefaultPageSize;
  const bool well_formed = VisitQuery(query_text, [&](const std::string& key, const std::string& value) {
    if (key == "q") {
      if (value.size() > kMaxQueryText) errors.push_back({"q", "must be at most 200 bytes"});
      else if (inventory::CheckText(value, kMaxQueryText, false)) errors.push_back({"q", "must be UTF-8 text without control characters"});
      else if (!value.empty()) query.text = value;
    } else if (key == "category") {
      query.category = value;
    } else if (key == "kind") {
      if (auto kind = inventory::ItemKindFromName(value)) query.kind = kind;
      else errors.push_back({"kind", "must be one of raw_material, component, finished_good"});
    } else if (key == "below_reorder") {
      if (auto flag = ParseBool(value)) query.below_reorder = *flag;
      else errors.push_back({"below_reorder", "must be true or false"});
    } else if (key == "include_deleted") {
      if (auto flag = ParseBool(value)) query.include_deleted = *flag;
      else errors.push_back({"include_deleted", "must be true or false"});
    } else {
      ReadPageParameter(key, value, kMaxPageSize, query.limit, query.after_id, errors);
    }
  });
  if (!well_formed) errors.push_back({"query", "is not a valid query string"});
  return query;
}

Response ListItems(const Services& services, Context& context) {
  std::vector<http::FieldError> errors;
  store::ItemQuery query = ParseListQuery(context.request.query, errors);
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  if (query.include_deleted && !auth::RoleAllows(context.principal->role, Permission::kDeleteItems)) {
    return http::MakeProblem(403, "forbidden", "only admins may list deleted items");
  }
  auto page = services.store.ListItems(query);
  if (!page) return StoreProblem(page.error(), "items");
  boost::json::array items;
  items.reserve(page->items.size());
  for (const auto& item : page->items) items.push_back(ItemToJson(item));
  boost::json::object body{{"items", std::move(items)}, {"next_cursor", nullptr}};
  if (page->next_after_id) body["next_cursor"] = EncodeCursor(*page->next_after_id);
  return JsonResponse(200, body);
}

std::optional<std::int64_t> ItemIdParam(const Context& context) {
  return ParsePositiveId(context.params.Get("id"));
}

Response NoSuchItem() { return http::MakeProblem(404, "not-found", "no such item"); }

Response GetItem(const Services& services, Context& context) {
  auto id = ItemIdParam(context);
  if (!id) return NoSuchItem();
  auto item = services.store.GetItem(*id);
  if (!item) return StoreProblem(item.error(), "item");
  return ItemResponse(200, *item);
}

Response GetItemBySku(const Services& services, Context& context) {
  auto item = services.store.GetItemBySku(context.params.Get("sku"));
  if (!item) return StoreProblem(item.error(), "item");
  return ItemResponse(200, *item);
}

Response CreateItem(const Services& services, Context& context) {
  boost::json::object body;
  if (auto problem = ParseObjectBody(context.request, BodyType::kJson, body)) return std::move(*problem);
  inventory::ItemFields fields;
  std::optional<store::OpeningStock> opening;
  std::vector<http::FieldError> errors;
  ParseNewItem(body, services.receiving_location, fields, opening, errors);
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  auto item = services.store.CreateItem(fields, opening, ActorOf(context));
  if (!item) return StoreProblem(item.error(), "item");
  Response response = ItemResponse(201, *item);
  response.SetHeader("location", fmt::format("/api/v1/items/{}", item->id));
  return response;
}

// The versions an If-Match header accepts: nullopt for "*" (any), else the listed
// "v<N>" entity tags (weak tags never match: RFC 9110 13.1.1 uses strong comparison).
std::optional<std::vector<std::int64_t>> IfMatchVersions(std::string_view header) {
  std::vector<std::int64_t> versions;
  size_t pos = 0;
  while (pos < header.size()) {
    size_t comma = header.find(',', pos);
    std::string_view tag = header.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    pos = comma == std::string_view::npos ? header.size() : comma + 1;
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return std::nullopt;
    if (tag.size() >= 4 && tag.front() == '"' && tag.back() == '"' && tag[1] == 'v') {
      if (auto version = ParsePositiveId(tag.substr(2, tag.size() - 3))) versions.push_back(*version);
    }
  }
  return versions;
}

Response PatchItem(const Services& services, Context& context) {
  auto id = ItemIdParam(context);
  if (!id) return NoSuchItem();
  boost::json::object patch;
  if (auto problem = ParseObjectBody(context.request, BodyType::kJsonOrMergePatch, patch)) {
    return std::move(*problem);
  }
  inventory::ItemChanges changes;
  std::vector<http::FieldError> errors;
  ParseItemPatch(patch, changes, errors);
  if (!errors.empty()) return ValidationProblem(std::move(errors));

  std::optional<std::int64_t> expected_version;
  if (auto if_match = context.request.Header("if-match")) {
    auto versions = IfMatchVersions(*if_match);
    if (versions) {
      if (versions->empty()) {
        return http::MakeProblem(412, "stale-version", "If-Match names no current version of this item");
      }
      expected_version = versions->front();
      if (versions->size() > 1) {
        // Several acceptable tags: pick the current one if listed; the store re-checks atomically.
        auto current = services.store.GetItem(*id);
        if (!current) return StoreProblem(current.error(), "item");
        for (auto v : *versions) {
          if (v == current->version) expected_version = v;
        }
      }
    }
  }
  auto item = services.store.UpdateItem(*id, expected_version, changes, ActorOf(context));
  if (!item) return StoreProblem(item.error(), "item");
  return ItemResponse(200, *item);
}

Response DeleteItem(const Services& services, Context& context) {
  auto id = ItemIdParam(context);
  if (!id) return NoSuchItem();
  auto deleted = services.store.DeleteItem(*id, ActorOf(context));
  if (!deleted) return StoreProblem(deleted.error(), "item");
  Response response;
  response.status = 204;
  return response;
}

}  // namespace

void AddItemRoutes(http::Router& router, const Services& services) {
  router.Add(Method::kGet, "/api/v1/items", Access::Requires(Permission::kViewInventory), Pool::kDatabase,
             Bind(services, ListItems));
  router.Add(Method::kPost, "/api/v1/items", Access::Requires(Permission::kCreateItems), Pool::kDatabase,
             Bind(services, CreateItem));
  router.Add(Method::kGet, "/api/v1/items/by-sku/{sku}", Access::Requires(Permission::kViewInventory),
             Pool::kDatabase, Bind(services, GetItemBySku));
  router.Add(Method::kGet, "/api/v1/items/{id}", Access::Requires(Permission::kViewInventory), Pool::kDatabase,
             Bind(services, GetItem));
  router.Add(Method::kPatch, "/api/v1/items/{id}", Access::Requires(Permission::kUpdateItems), Pool::kDatabase,
             Bind(services, PatchItem));
  router.Add(Method::kDelete, "/api/v1/items/{id}", Access::Requires(Permission::kDeleteItems), Pool::kDatabase,
             Bind(services, DeleteItem));
}

}  // namespace stockroom::api
