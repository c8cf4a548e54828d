// /api/v1/auth handlers: login, the caller's own identity and password, logout, revocation.
#include <fmt/format.h>

#include "json_io.h"
#include "revoke.h"
#include "stockroom/jose/base64url.h"
#include "stockroom/jose/json.h"
#include "stockroom/api/routes.h"
#include "stockroom/http/log.h"

namespace stockroom::api {
namespace {

using http::Context;
using http::Response;

constexpr std::size_t kMaxUsernameBytes = 64;

Response TokenResponse(const auth::IssuedToken& issued);

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

  // Throttled before any lookup or hashing: the same for known and unknown usernames, and
  // cheap, so a flood of guesses costs the server almost nothing.
  const std::string& address = context.request.remote_address;
  if (auto wait = services.login_throttle.RetryAfter(username, address)) {
    http::Log(http::LogLevel::kWarn, "login throttled", {{"remote", address}, {"retry_after_s", wait->count()}});
    Response response = http::MakeProblem(429, "too-many-login-failures",
                                          "too many failed logins; retry after the time in Retry-After");
    response.SetHeader("retry-after", std::to_string(wait->count()));
    return response;
  }
  auto user = services.store.FindUserByName(username);
  if (!user) {
    if (user.error().code != store::Errc::kNotFound) return StoreProblem(user.error(), "user");
    services.passwords.VerifyAgainstDummy(password);
    services.login_throttle.RecordFailure(username, address);
    http::Log(http::LogLevel::kInfo, "login failed", {{"reason", "unknown user"}, {"remote", address}});
    return LoginFailed();
  }
  const bool password_ok = services.passwords.Verify(user->password_hash, password);
  if (!password_ok || user->disabled) {
    services.login_throttle.RecordFailure(username, address);
    http::Log(http::LogLevel::kInfo, "login failed",
              {{"reason", password_ok ? "disabled" : "wrong password"}, {"sub", std::to_string(user->id)},
               {"remote", address}});
    return LoginFailed();
  }
  services.login_throttle.RecordSuccess(username, address);
  auto issued = services.tokens.Issue(*user);
  http::Log(http::LogLevel::kInfo, "login", {{"sub", std::to_string(user->id)}, {"jti", issued.token_id}});
  return TokenResponse(issued);
}

Response Me(const Services&, Context& context) {
  const auth::Principal& principal = *context.principal;
  return JsonResponse(200, boost::json::object{{"sub", principal.subject},
                                               {"username", principal.username},
                                               {"role", auth::RoleName(principal.role)},
                                               {"expires_at", principal.expires_at}});
}

Response NoContent() {
  Response response;
  response.status = 204;
  return response;
}

Response TokenResponse(const auth::IssuedToken& issued) {
  Response response = JsonResponse(
      200, boost::json::object{{"access_token", issued.token}, {"token_type", "Bearer"}, {"expires_in", issued.expires_in}});
  response.SetHeader("cache-control", "no-store");  // RFC 6749 5.1
  return response;
}

// POST /auth/logout: the presented token stops working at once.
Response Logout(const Services& services, Context& context) {
  const auth::Principal& principal = *context.principal;
  if (auto problem = RevokeToken(services, principal.token_id, principal.expires_at)) return std::move(*problem);
  http::Log(http::LogLevel::kInfo, "logout", {{"sub", principal.subject}, {"jti", principal.token_id}});
  return NoContent();
}

// The jti and exp of a token, read WITHOUT verifying it: revoking an id is harmless whoever
// made the token, and a revoked token may well be one that no longer verifies.
std::optional<std::pair<std::string, std::optional<std::int64_t>>> UnverifiedTokenId(std::string_view token) {
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto payload = jose::Base64UrlDecode(token.substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  auto claims = jose::ParseStrictJson(*payload, jose::Errc::kPayloadJson);
  if (!claims || !claims->is_object()) return std::nullopt;
  const auto* jti = claims->as_object().if_contains("jti");
  if (jti == nullptr || !jti->is_string() || jti->as_string().empty()) return std::nullopt;
  std::optional<std::int64_t> exp;
  if (const auto* value = claims->as_object().if_contains("exp"); value != nullptr && value->is_int64()) {
    exp = value->as_int64();
  }
  return std::make_pair(std::string(jti->as_string()), exp);
}

// POST /auth/revoke (admin): exactly one of {"token"}, {"jti"}, {"user_id"}.
Response RevokeRoute(const Services& services, Context& context) {
  boost::json::object body;
  if (auto problem = ParseObjectBody(context.request, BodyType::kJson, body)) return std::move(*problem);
  std::vector<http::FieldError> errors;
  for (const auto& member : body) {
    if (member.key() != "token" && member.key() != "jti" && member.key() != "user_id") {
      errors.push_back({std::string(member.key()), "is not a revocation field (token, jti or user_id)"});
    }
  }
  if (body.size() != 1 && errors.empty()) errors.push_back({"token", "give exactly one of token, jti or user_id"});
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  const std::int64_t longest_exp = services.tokens.Now() + services.tokens.config().ttl_seconds;

  if (const auto* user_id = body.if_contains("user_id")) {
    if (!user_id->is_int64() || user_id->as_int64() < 1) return ValidationProblem({{"user_id", "must be a positive integer"}});
    auto user = services.store.FindUserById(user_id->as_int64());
    if (!user) return StoreProblem(user.error(), "user");
    if (auto problem = RevokeUserTokens(services, user->id)) return std::move(*problem);
  } else if (const auto* jti = body.if_contains("jti")) {
    if (!jti->is_string() || jti->as_string().empty() || jti->as_string().size() > 256) {
      return ValidationProblem({{"jti", "must be a non-empty string of at most 256 bytes"}});
    }
    if (auto problem = RevokeToken(services, std::string(jti->as_string()), longest_exp)) return std::move(*problem);
  } else {
    const auto& token = body.at("token");
    auto id = token.is_string() && token.as_string().size() <= 16384 ? UnverifiedTokenId(token.as_string()) : std::nullopt;
    if (!id) return ValidationProblem({{"token", "must be a JWT with a jti claim"}});
    if (auto problem = RevokeToken(services, id->first, std::min(id->second.value_or(longest_exp), longest_exp + 86400))) {
      return std::move(*problem);
    }
  }
  http::Log(http::LogLevel::kInfo, "revoked", {{"sub", context.principal->subject}, {"what", body.begin()->key()}});
  return NoContent();
}

// POST /auth/password {current_password, new_password}: every token of the caller issued
// before the change stops working; the answer carries a fresh one.
Response ChangePassword(const Services& services, Context& context) {
  boost::json::object body;
  if (auto problem = ParseObjectBody(context.request, BodyType::kJson, body)) return std::move(*problem);
  std::vector<http::FieldError> errors;
  auto read = [&](std::string_view name) -> std::string {
    const auto* value = body.if_contains(name);
    if (!value) errors.push_back({std::string(name), "is required"});
    else if (!value->is_string()) errors.push_back({std::string(name), "must be a string"});
    else if (value->as_string().size() > auth::kMaxPasswordBytes) errors.push_back({std::string(name), "is too long"});
    else return std::string(value->as_string());
    return {};
  };
  const std::string current = read("current_password");
  const std::string next = read("new_password");
  for (const auto& member : body) {
    if (member.key() != "current_password" && member.key() != "new_password") {
      errors.push_back({std::string(member.key()), "is not a password-change field"});
    }
  }
  if (!errors.empty()) return ValidationProblem(std::move(errors));
  auto id = ParsePositiveId(context.principal->subject);
  auto user = id ? services.store.FindUserById(*id) : store::Result<auth::User>(store::Error{store::Errc::kNotFound, ""});
  if (!user) return StoreProblem(user.error(), "user");
  if (!services.passwords.Verify(user->password_hash, current)) {
    return ValidationProblem({{"current_password", "is not the current password"}});
  }
  if (auto problem = auth::CheckNewPassword(user->username, next)) return ValidationProblem({{"new_password", *problem}});
  auth::UserChanges changes;
  changes.password_hash = services.passwords.Hash(next);
  auto changed = services.store.UpdateUser(user->id, changes);
  if (!changed) return StoreProblem(changed.error(), "user");
  if (auto problem = RevokeUserTokens(services, user->id)) return std::move(*problem);
  http::Log(http::LogLevel::kInfo, "password changed", {{"sub", context.principal->subject}});
  return TokenResponse(services.tokens.Issue(*changed));
}

}  // namespace

void AddAuthRoutes(http::Router& router, const Services& services) {
  router.Add(http::Method::kPost, "/api/v1/auth/login", http::Access::Public(), http::Pool::kHashing,
             [&services](Context& context) { return Login(services, context); });
  router.Add(http::Method::kGet, "/api/v1/auth/me", http::Access::Requires(auth::Permission::kViewInventory),
             http::Pool::kInline, [&services](Context& context) { return Me(services, context); });
  router.Add(http::Method::kPost, "/api/v1/auth/logout", http::Access::Requires(auth::Permission::kViewInventory),
             http::Pool::kDatabase, [&services](Context& context) { return Logout(services, context); });
  router.Add(http::Method::kPost, "/api/v1/auth/password", http::Access::Requires(auth::Permission::kViewInventory),
             http::Pool::kHashing, [&services](Context& context) { return ChangePassword(services, context); });
  router.Add(http::Method::kPost, "/api/v1/auth/revoke", http::Access::Requires(auth::Permission::kManageUsers),
             http::Pool::kDatabase, [&services](Context& context) { return RevokeRoute(services, context); });
}

}  // namespace stockroom::api
