// /api/v1/users handlers (admin only).
#include <fmt/format.h>

#include "audit.h"
#include "json_io.h"
#include "revoke.h"
#include "stockroom/http/log.h"
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
  auto created = services.store.CreateUser(user, ActorOf(context));
  if (!created) return StoreProblem(created.error(), "user");
  Response response = JsonResponse(201, UserToJson(*created));
  response.SetHeader("location", fmt::format("/api/v1/users/{}", created->id));
  return response;
}

std::optional<std::int64_t> UserIdParam(const Context& context) { return ParsePositiveId(context.params.Get("id")); }

Response GetUser(const Services& services, Context& context) {
  auto id = UserIdParam(context);
  if (!id) return http::MakeProblem(404, "not-found", "no such user");
  auto user = services.store.FindUserById(*id);
  if (!user) return StoreProblem(user.error(), "user");
  return JsonResponse(200, UserToJson(*user));
}

// PATCH /users/{id} {role?, disabled?, password?} (admin). Any change revokes every token the
// user holds, so a demoted or disabled user loses access on the very next request.
Response PatchUser(const Services& services, Context& context) {
  auto id = UserIdParam(context);
  if (!id) return http::MakeProblem(404, "not-found", "no such user");
  boost::json::object body;
  if (auto problem = ParseObjectBody(context.request, BodyType::kJsonOrMergePatch, body)) return std::move(*problem);
  auto user = services.store.FindUserById(*id);
  if (!user) return StoreProblem(user.error(), "user");

  std::vector<http::FieldError> errors;
  auth::UserChanges changes;
  for (const auto& member : body) {
    const std::string_view name = member.key();
    const auto& value = member.value();
    if (name == "role") {
      auto role = value.is_string() ? auth::RoleFromName(value.as_string()) : std::nullopt;
      if (role) changes.role = *role;
      else errors.push_back({"role", "must be admin or warehouse_staff"});
    } else if (name == "disabled") {
      if (value.is_bool()) changes.disabled = value.as_bool();
      else errors.push_back({"disabled", fmt::format("must be true or false, not {}", JsonTypeName(value))});
    } else if (name == "password") {
      if (!value.is_string()) {
        errors.push_back({"password", fmt::format("must be a string, not {}", JsonTypeName(value))});
      } else if (auto problem = auth::CheckNewPassword(user->username, value.as_string())) {
        errors.push_back({"password", *problem});
      } else {
        changes.password_hash = services.passwords.Hash(value.as_string());
      }
    } else if (name == "id" || name == "username" || name == "created_at" || name == "updated_at") {
      errors.push_back({std::string(name), "is read-only"});
    } else {
      errors.push_back({std::string(name), "is not a user field (role, disabled, password)"});
    }
  }
  if (!errors.empty()) return ValidationProblem(std::move(errors));

  auto users = services.store.ListUsers();
  if (!users) return StoreProblem(users.error(), "users");
  if (auth::RemovesLastActiveAdmin(*user, changes, *users)) {
    return http::MakeProblem(409, "last-admin", "this is the last active admin; make another admin first",
                             {{changes.role ? "role" : "disabled", "would leave no active admin"}});
  }
  const bool changed = (changes.role && *changes.role != user->role) ||
                       (changes.disabled && *changes.disabled != user->disabled) || changes.password_hash;
  if (!changed) return JsonResponse(200, UserToJson(*user));
  auto updated = services.store.UpdateUser(user->id, changes, store::Store::UserAudit{ActorOf(context), "user.update"});
  if (!updated) return StoreProblem(updated.error(), "user");
  if (auto problem = RevokeUserTokens(services, user->id)) return std::move(*problem);
  http::Log(http::LogLevel::kInfo, "user changed",
            {{"sub", context.principal->subject}, {"user_id", user->id}, {"role", auth::RoleName(updated->role)},
             {"disabled", updated->disabled}, {"password_reset", changes.password_hash.has_value()}});
  return JsonResponse(200, UserToJson(*updated));
}

}  // namespace

void AddUserRoutes(http::Router& router, const Services& services) {
  router.Add(http::Method::kGet, "/api/v1/users", http::Access::Requires(auth::Permission::kManageUsers),
             http::Pool::kDatabase, [&services](Context& context) { return ListUsers(services, context); });
  router.Add(http::Method::kPost, "/api/v1/users", http::Access::Requires(auth::Permission::kManageUsers),
             http::Pool::kHashing, [&services](Context& context) { return CreateUser(services, context); });
  router.Add(http::Method::kGet, "/api/v1/users/{id}", http::Access::Requires(auth::Permission::kManageUsers),
             http::Pool::kDatabase, [&services](Context& context) { return GetUser(services, context); });
  router.Add(http::Method::kPatch, "/api/v1/users/{id}", http::Access::Requires(auth::Permission::kManageUsers),
             http::Pool::kHashing, [&services](Context& context) { return PatchUser(services, context); });
}

void AddRoutes(http::Router& router, const Services& services) {
  AddAuthRoutes(router, services);
  AddItemRoutes(router, services);
  AddUserRoutes(router, services);
  AddAuditRoutes(router, services);
  AddLocationRoutes(router, services);
  AddMovementRoutes(router, services);
  AddReportRoutes(router, services);
  AddTransferRoutes(router, services);
  MakePostsIdempotent(router, services);
}

}  // namespace stockroom::api
