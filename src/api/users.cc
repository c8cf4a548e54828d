// /api/v1/users handlers (admin only).
#include <fmt/format.h>

#include "json_io.h"
#include "stockroom/api/routes.h"

namespace stockroom::api {
namespace {

using http::Context;
using http::Response;

boost::json::object UserToJson(const auth::User& user) {
  return boost::json::object{{"id", user.id},
                             {"username", user.username},
                             {"role", auth::RoleName(user.role)},
                             {"disabled", user.disabled},
                             {"created_at", FormatTimestamp(user.created_at_ms)},
                             {"updated_at", FormatTimestamp(user.updated_at_ms)}};
}

Response ListUsers(const Services& services, Context&) {
  auto users = services.store.ListUsers();
  if (!users) return StoreProblem(users.error(), "users");
  boost::json::array list;
  for (const auto& user : *users) list.push_back(UserToJson(user));
  return JsonResponse(200, boost::json::object{{"users", std::move(list)}});
}

Response CreateUser(const Services& services, Context& context) {
  boost::json::object body;
  if (auto problem = ParseObjectBody(context.request, BodyType::kJson, body)) return std::move(*problem);
  std::vector<http::FieldError> errors;
  auth::NewUser user;
  std::string password;
  bool has_role = false;
  for (const auto& member : body) {
    const std::string_view name = member.key();
    const auto& value = member.value();
    if (name != "username" && name != "password" && name != "role") {
      errors.push_back({std::string(name), "is not a field of a new user"});
    } else if (!value.is_string()) {
      errors.push_back({std::string(name), fmt::format("must be a string, not {}", JsonTypeName(value))});
    } else if (name == "username") {
      user.username = value.as_string();
      if (auto problem = auth::CheckUsername(user.username)) errors.push_back({"username", *problem});
    } else if (name == "password") {
      password = value.as_string();
    } else {
      has_role = true;
      if (auto role = auth::RoleFromName(value.as_string())) user.role = *role;
      else errors.push_back({"role", "must be admin or warehouse_staff"});
    }
  }
  if (!body.contains("username")) errors.push_back({"username", "is required"});
  if (!body.contains("password")) errors.push_back({"password", "is required"});
  if (!has_role && !body.contains("role")) errors.push_back({"role", "is required"});
  if (body.contains("password") && body.at("password").is_string()) {
    if (auto problem = auth::CheckNewPassword(user.username, password)) errors.push_back({"password", *problem});
  }
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  user.password_hash = services.passwords.Hash(password);
  auto created = services.store.CreateUser(user);
  if (!created) return StoreProblem(created.error(), "user");
  Response response = JsonResponse(201, UserToJson(*created));
  response.SetHeader("location", fmt::format("/api/v1/users/{}", created->id));
  return response;
}

}  // namespace

void AddUserRoutes(http::Router& router, const Services& services) {
  router.Add(http::Method::kGet, "/api/v1/users", http::Access::Requires(auth::Permission::kManageUsers),
             http::Pool::kDatabase, [&services](Context& context) { return ListUsers(services, context); });
  router.Add(http::Method::kPost, "/api/v1/users", http::Access::Requires(auth::Permission::kManageUsers),
             http::Pool::kHashing, [&services](Context& context) { return CreateUser(services, context); });
}

void AddRoutes(http::Router& router, const Services& services) {
  AddAuthRoutes(router, services);
  AddItemRoutes(router, services);
  AddUserRoutes(router, services);
}

}  // namespace stockroom::api
