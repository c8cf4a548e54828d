// /api/v1/locations handlers: the location tree (docs/api.md "Locations").
#include <boost/url/encode.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <fmt/format.h>

#include "json_io.h"
#include "stockroom/api/routes.h"

namespace stockroom::api {
namespace {

using auth::Permission;
using http::Access;
using http::Context;
using http::Method;
using http::Pool;
using http::Response;

constexpr int kMaxLocationPage = 1000;

boost::json::object LocationToJson(const inventory::Location& l) {
  return {{"code", l.code},
          {"name", l.name},
          {"parent", l.parent ? boost::json::value(*l.parent) : nullptr},
          {"path", l.path},
          {"created_at", FormatTimestamp(l.created_at_ms)},
          {"updated_at", FormatTimestamp(l.updated_at_ms)},
          {"version", l.version}};
}

Response LocationResponse(int status, const inventory::Location& location) {
  Response response = JsonResponse(status, LocationToJson(location));
  response.SetHeader("etag", fmt::format("\"v{}\"", location.version));
  return response;
}

// Reads a string member holding a location name or reference.
std::optional<std::string> ReadString(const boost::json::object& body, std::string_view name,
                                      std::vector<http::FieldError>& errors) {
  const auto* value = body.if_contains(name);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_string()) {
    errors.push_back({std::string(name), fmt::format("must be a string, not {}", JsonTypeName(*value))});
    return std::nullopt;
  }
  return std::string(value->as_string());
}

void CheckMembers(const boost::json::object& body, std::initializer_list<std::string_view> allowed,
                  std::vector<http::FieldError>& errors) {
  for (const auto& member : body) {
    if (std::find(allowed.begin(), allowed.end(), member.key()) == allowed.end()) {
      errors.push_back({std::string(member.key()), "is not a field of a location"});
    }
  }
}

void CheckName(const std::optional<std::string>& name, std::vector<http::FieldError>& errors) {
  if (name) {
    if (auto problem = inventory::CheckText(*name, inventory::LocationLimits::kNameMax, false)) {
      errors.push_back({"name", *problem});
    }
  }
}

void CheckReference(const std::optional<std::string>& ref, std::string_view field, std::vector<http::FieldError>& errors) {
  if (ref && !ref->empty()) {
    auto parsed = inventory::ParseLocationRef(*ref);
    if (!parsed.ref) errors.push_back({std::string(field), parsed.error.message});
  }
}

Response CreateLocation(const Services& services, Context& context) {
  boost::json::object body;
  if (auto problem = ParseObjectBody(context.request, BodyType::kJson, body)) return std::move(*problem);
  std::vector<http::FieldError> errors;
  CheckMembers(body, {"code", "name", "parent"}, errors);
  store::NewLocation location;
  if (auto code = ReadString(body, "code", errors)) {
    if (auto problem = inventory::CheckLocationCode(*code)) errors.push_back({"code", *problem});
    location.code = std::move(*code);
  } else if (!body.contains("code") || body.at("code").is_null()) {
    errors.push_back({"code", "is required"});
  }
  auto name = ReadString(body, "name", errors);
  CheckName(name, errors);
  auto parent = ReadString(body, "parent", errors);
  CheckReference(parent, "parent", errors);
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  location.name = name.value_or("");
  location.parent = parent.value_or("");
  auto created = services.store.CreateLocation(location, ActorOf(context));
  if (!created) return StoreProblem(created.error(), "location");
  Response response = LocationResponse(201, *created);
  response.SetHeader("location", "/api/v1/locations/" + boost::urls::encode(created->code, boost::urls::pchars));
  return response;
}

Response GetLocation(const Services& services, Context& context) {
  auto location = services.store.GetLocation(context.params.Get("code"));
  if (!location) return StoreProblem(location.error(), "location");
  return LocationResponse(200, *location);
}

Response ListLocations(const Services& services, Context& context) {
  store::LocationQuery query;
  std::vector<http::FieldError> errors;
  const bool well_formed = VisitQuery(context.request.query, [&](const std::string& key, const std::string& value) {
    if (key == "parent") {
      if (!value.empty()) CheckReference(value, "parent", errors);
      query.parent = value;
    } else {
      ReadPageParameter(key, value, kMaxLocationPage, query.limit, query.after_id, errors);
    }
  });
  if (!well_formed) errors.push_back({"query", "is not a valid query string"});
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  auto page = services.store.ListLocations(query);
  if (!page) return StoreProblem(page.error(), "location");
  boost::json::array locations;
  for (const auto& location : page->locations) locations.push_back(LocationToJson(location));
  boost::json::object body{{"locations", std::move(locations)}, {"next_cursor", nullptr}};
  if (page->next_after_id) body["next_cursor"] = EncodeCursor(*page->next_after_id);
  return JsonResponse(200, body);
}

Response PatchLocation(const Services& services, Context& context) {
  boost::json::object patch;
  if (auto problem = ParseObjectBody(context.request, BodyType::kJsonOrMergePatch, patch)) return std::move(*problem);
  std::vector<http::FieldError> errors;
  CheckMembers(patch, {"name", "parent", "code"}, errors);
  if (patch.contains("code")) errors.push_back({"code", "cannot change: it names the location; create a new one"});
  store::LocationChanges changes;
  if (const auto* name = patch.if_contains("name"); name && name->is_null()) errors.push_back({"name", "cannot be removed"});
  changes.name = ReadString(patch, "name", errors);
  if (changes.name && changes.name->empty()) errors.push_back({"name", "must not be empty"});
  CheckName(changes.name, errors);
  if (const auto* parent = patch.if_contains("parent"); parent && parent->is_null()) {
    changes.parent = "";  // null: move to the top
  } else {
    changes.parent = ReadString(patch, "parent", errors);
    CheckReference(changes.parent, "parent", errors);
  }
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  std::optional<std::int64_t> expected_version;
  if (auto if_match = context.request.Header("if-match"); if_match && *if_match != "*") {
    std::string_view tag = *if_match;
    if (tag.size() < 4 || tag.substr(0, 2) != "\"v" || tag.back() != '"' ||
        !(expected_version = ParsePositiveId(tag.substr(2, tag.size() - 3)))) {
      return http::MakeProblem(412, "stale-version", "If-Match names no current version of this location");
    }
  }
  auto updated = services.store.UpdateLocation(context.params.Get("code"), expected_version, changes, ActorOf(context));
  if (!updated) return StoreProblem(updated.error(), "location");
  return LocationResponse(200, *updated);
}

Response DeleteLocation(const Services& services, Context& context) {
  // Opening stock without a location goes to the receiving location, and a deleted
  // location's code stays reserved: deleting it would break every such receipt.
  const std::string& receiving = services.receiving_location;
  if (context.params.Get("code") == receiving) {
    if (auto existing = services.store.GetLocation(receiving); !existing) {
      return StoreProblem(existing.error(), "location");
    }
    return http::MakeProblem(409, "receiving-location",
                             fmt::format("{} is the receiving location, where opening stock without a location goes: "
                                         "it cannot be deleted (start the server with --receiving-location to use "
                                         "another one first)",
                                         receiving),
                             {{"code", "is the receiving location"}});
  }
  auto deleted = services.store.DeleteLocation(context.params.Get("code"), ActorOf(context));
  if (!deleted) return StoreProblem(deleted.error(), "location");
  Response response;
  response.status = 204;
  return response;
}

}  // namespace

void AddLocationRoutes(http::Router& router, const Services& services) {
  router.Add(Method::kGet, "/api/v1/locations", Access::Requires(Permission::kViewInventory), Pool::kDatabase,
             Bind(services, ListLocations));
  router.Add(Method::kPost, "/api/v1/locations", Access::Requires(Permission::kCreateLocations), Pool::kDatabase,
             Bind(services, CreateLocation));
  router.Add(Method::kGet, "/api/v1/locations/{code}", Access::Requires(Permission::kViewInventory), Pool::kDatabase,
             Bind(services, GetLocation));
  router.Add(Method::kPatch, "/api/v1/locations/{code}", Access::Requires(Permission::kUpdateLocations), Pool::kDatabase,
             Bind(services, PatchLocation));
  router.Add(Method::kDelete, "/api/v1/locations/{code}", Access::Requires(Permission::kDeleteLocations), Pool::kDatabase,
             Bind(services, DeleteLocation));
}

}  // namespace stockroom::api
