// /api/v1/auth handlers: login and the caller's own identity.
#include <fmt/format.h>

#include "json_io.h"
#include "stockroom/api/routes.h"
#include "stockroom/http/log.h"

namespace stockroom::api {
namespace {

using http::Context;
using http::Response;

constexpr std::size_t kMaxUsernameBytes = 64;

Response LoginFailed() {
  // One answer for unknown user, wrong password and disabled user: no enumeration.
  Response response = http::MakeProblem(401, "invalid-credentials", "invalid username or password");
  response.SetHeader("www-authenticate", "Bearer realm=\"stockroom\"");
  return response;
}

Response Login(const Services& services, Context& context) {
  boost::json::object body;
  if (auto problem = ParseObjectBody(context.request, BodyType::kJson, body)) return std::move(*problem);
  std::vector<http::FieldError> errors;
  auto read = [&](std::string_view name, std::size_t max) -> std::string {
    const auto* value = body.if_contains(name);
    if (!value) errors.push_back({std::string(name), "is required"});
    else if (!value->is_string()) errors.push_back({std::string(name), "must be a string"});
    else if (value->as_string().empty()) errors.push_back({std::string(name), "must not be empty"});
    else if (value->as_string().size() > max) errors.push_back({std::string(name), fmt::format("must be at most {} bytes", max)});
    else return std::string(value->as_string());
    return {};
  };
  const std::string username = read("username", kMaxUsernameBytes);
  const std::string password = read("password", auth::kMaxPasswordBytes);
  for (const auto& member : body) {
    if (member.key() != "username" && member.key() != "password") {
      errors.push_back({std::string(member.key()), "is not a login field"});
    }
  }
  if (!errors.empty()) return ValidationProblem(std::move(errors));

  auto user = services.store.FindUserByName(username);
  if (!user) {
    if (user.error().code != store::Errc::kNotFound) return StoreProblem(user.error(), "user");
    services.passwords.VerifyAgainstDummy(password);
    http::Log(http::LogLevel::kInfo, "login failed", {{"reason", "unknown user"}, {"remote", context.request.remote_address}});
    return LoginFailed();
  }
  const bool password_ok = services.passwords.Verify(user->password_hash, password);
  if (!password_ok || user->disabled) {
    http::Log(http::LogLevel::kInfo, "login failed",
              {{"reason", password_ok ? "disabled" : "wrong password"}, {"sub", std::to_string(user->id)},
               {"remote", context.request.remote_address}});
    return LoginFailed();
  }
  auto issued = services.tokens.Issue(*user);
  http::Log(http::LogLevel::kInfo, "login", {{"sub", std::to_string(user->id)}, {"jti", issued.token_id}});
  Response response = JsonResponse(
      200, boost::json::object{{"access_token", issued.token}, {"token_type", "Bearer"}, {"expires_in", issued.expires_in}});
  response.SetHeader("cache-control", "no-store");  // RFC 6749 5.1
  return response;
}

Response Me(const Services&, Context& context) {
  const auth::Principal& principal = *context.principal;
  return JsonResponse(200, boost::json::object{{"sub", principal.subject},
                                               {"username", principal.username},
                                               {"role", auth::RoleName(principal.role)},
                                               {"expires_at", principal.expires_at}});
}

}  // namespace

void AddAuthRoutes(http::Router& router, const Services& services) {
  router.Add(http::Method::kPost, "/api/v1/auth/login", http::Access::Public(), http::Pool::kHashing,
             [&services](Context& context) { return Login(services, context); });
  router.Add(http::Method::kGet, "/api/v1/auth/me", http::Access::Requires(auth::Permission::kViewInventory),
             http::Pool::kInline, [&services](Context& context) { return Me(services, context); });
}

}  // namespace stockroom::api
