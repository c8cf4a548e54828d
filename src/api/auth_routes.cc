// /api/v1/auth handlers: login, the caller's own identity and password, logout, revocation.
#include <fmt/format.h>

#include "audit.h"
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

Response StartSession(const Services& services, const Context& context, const auth::User& user);

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
    Audit(services, context, "auth.login_failed", "user:?", {{"reason", "unknown user"}}, "", username);
    return LoginFailed();
  }
  const bool password_ok = services.passwords.Verify(user->password_hash, password);
  if (!password_ok || user->disabled) {
    services.login_throttle.RecordFailure(username, address);
    http::Log(http::LogLevel::kInfo, "login failed",
              {{"reason", password_ok ? "disabled" : "wrong password"}, {"sub", std::to_string(user->id)},
               {"remote", address}});
    Audit(services, context, "auth.login_failed", "user:" + std::to_string(user->id),
          {{"reason", password_ok ? "disabled" : "wrong password"}}, std::to_string(user->id), username);
    return LoginFailed();
  }
  services.login_throttle.RecordSuccess(username, address);
  if (services.passwords.NeedsRehash(user->password_hash)) {
    // Stored with weaker Argon2id parameters than configured now: upgrade while we know the
    // password. Not a password change, so no token is revoked.
    auth::UserChanges upgrade;
    upgrade.password_hash = services.passwords.Hash(password);
    if (auto upgraded = services.store.UpdateUser(user->id, upgrade, std::nullopt); upgraded) {
      http::Log(http::LogLevel::kInfo, "password hash upgraded", {{"sub", std::to_string(user->id)}});
    }
  }
  Audit(services, context, "auth.login", "user:" + std::to_string(user->id), {}, std::to_string(user->id),
        user->username);
  return StartSession(services, context, *user);
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

constexpr std::string_view kRefreshCookie = "stockroom_refresh";

// A browser (it sends Fetch metadata or an Origin) gets its refresh token in an HttpOnly
// cookie that page scripts cannot read; other clients get it in the JSON body.
bool IsBrowser(const http::Request& request) {
  return request.Header("sec-fetch-mode").has_value() || request.Header("origin").has_value();
}

std::string RefreshCookie(const Services& services, std::string_view value, std::int64_t max_age) {
  return fmt::format("{}={}; Path=/api/v1/auth; Max-Age={}; HttpOnly;{} SameSite=Strict", kRefreshCookie, value,
                     max_age, services.refresh_config.secure_cookie ? " Secure;" : "");
}

// The value of cookie `name` in a Cookie header (RFC 6265 5.4), or empty.
std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = std::min(header.find(';'), header.size());
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    header.remove_prefix(std::min(end + 1, header.size()));
  }
  return {};
}

// The answer to a login or refresh: a new access token in session `family`, and the refresh
// token `refresh` (body or cookie).
Response SessionResponse(const Services& services, const Context& context, const auth::User& user,
                         const std::string& family, const std::string& refresh) {
  auto issued = services.tokens.Issue(user, family);
  boost::json::object body{{"access_token", issued.token}, {"token_type", "Bearer"}, {"expires_in", issued.expires_in}};
  const bool browser = IsBrowser(context.request);
  if (!browser) {
    body["refresh_token"] = refresh;
    body["refresh_expires_in"] = services.refresh_config.ttl_seconds;
  }
  Response response = JsonResponse(200, body);
  response.SetHeader("cache-control", "no-store");  // RFC 6749 5.1
  if (browser) response.SetHeader("set-cookie", RefreshCookie(services, refresh, services.refresh_config.ttl_seconds));
  http::Log(http::LogLevel::kInfo, "token issued", {{"sub", std::to_string(user.id)}, {"jti", issued.token_id}, {"sid", family}});
  return response;
}

Response StartSession(const Services& services, const Context& context, const auth::User& user) {
  if (auto problem = SyncUserMark(services, user.id)) return std::move(*problem);
  // Not before the user's revocation mark: a session begun right after a password change
  // (within the same second) must not be ended by it.
  const std::int64_t now =
      std::max(services.tokens.Now(), services.revocations.TokensValidFrom(std::to_string(user.id)));
  store::RefreshToken record;
  const std::string refresh = auth::RefreshTokenCodec::NewToken();
  record.hash = auth::RefreshTokenCodec::Hash(refresh);
  record.family = auth::RefreshTokenCodec::NewFamilyId();
  record.user_id = user.id;
  record.issued_at = now;
  record.expires_at = now + services.refresh_config.ttl_seconds;
  if (auto added = services.store.AddRefreshToken(record); !added) return StoreProblem(added.error(), "session");
  return SessionResponse(services, context, user, record.family, refresh);
}

Response RefreshRefused(std::string_view why) {
  Response response = http::MakeProblem(401, "invalid-refresh-token", why);
  response.SetHeader("www-authenticate", "Bearer realm=\"stockroom\"");
  return response;
}

// Ends session `family`: its refresh tokens and every access token issued from it.
std::optional<Response> EndSession(const Services& services, const std::string& family) {
  if (auto revoked = services.store.RevokeRefreshFamily(family); !revoked) return StoreProblem(revoked.error(), "session");
  auth::Revocation revocation;
  revocation.kind = auth::Revocation::Kind::kSession;
  revocation.subject = family;
  const auto& config = services.tokens.config();
  revocation.expires_at = services.tokens.Now() + config.ttl_seconds + config.leeway_seconds;
  return Revoke(services, revocation);
}

// POST /auth/refresh {"refresh_token"} (or the cookie): a new access token and a new refresh
// token; the old refresh token is used up (rotation, with reuse detection).
Response Refresh(const Services& services, Context& context) {
  std::string presented;
  if (!context.request.body.empty()) {
    boost::json::object body;
    if (auto problem = ParseObjectBody(context.request, BodyType::kJson, body)) return std::move(*problem);
    std::vector<http::FieldError> errors;
    for (const auto& member : body) {
      if (member.key() != "refresh_token") errors.push_back({std::string(member.key()), "is not a refresh field"});
    }
    const auto* token = body.if_contains("refresh_token");
    if (token && (!token->is_string() || token->as_string().empty() || token->as_string().size() > 256)) {
      errors.push_back({"refresh_token", "must be a non-empty string of at most 256 bytes"});
    }
    if (!errors.empty()) return ValidationProblem(std::move(errors));
    if (token) presented = std::string(token->as_string());
  }
  if (presented.empty()) {
    if (auto cookie = context.request.Header("cookie")) presented = std::string(CookieValue(*cookie, kRefreshCookie));
  }
  if (presented.empty() || presented.size() > 256) return ValidationProblem({{"refresh_token", "is required"}});

  const std::int64_t now = services.tokens.Now();
  const std::string successor = services.refresh_codec.Successor(presented);
  auto rotation = services.store.RotateRefreshToken(auth::RefreshTokenCodec::Hash(presented),
                                                    auth::RefreshTokenCodec::Hash(successor),
                                                    now + services.refresh_config.ttl_seconds, now,
                                                    services.refresh_config.overlap_seconds);
  if (!rotation) return StoreProblem(rotation.error(), "session");
  using Outcome = store::RefreshRotation::Outcome;
  switch (rotation->outcome) {
    case Outcome::kInvalid:
      return RefreshRefused("the refresh token is unknown, expired or revoked; log in again");
    case Outcome::kReused: {
      // A used-up token came back: it was copied. End the session for everyone holding it.
      http::Log(http::LogLevel::kWarn, "refresh token reuse",
                {{"sub", std::to_string(rotation->token.user_id)}, {"sid", rotation->token.family},
                 {"remote", context.request.remote_address}});
      if (auto problem = EndSession(services, rotation->token.family)) return std::move(*problem);
      Audit(services, context, "auth.refresh_reuse", "session:" + rotation->token.family,
            {{"action", "session ended"}}, std::to_string(rotation->token.user_id));
      return RefreshRefused("the refresh token was already used; the session has ended, log in again");
    }
    case Outcome::kRotated:
    case Outcome::kRecentlyRotated:
      break;
  }
  auto user = services.store.FindUserById(rotation->token.user_id);
  if (!user) {
    if (user.error().code != store::Errc::kNotFound) return StoreProblem(user.error(), "user");
    return RefreshRefused("the user no longer exists");
  }
  if (auto problem = SyncUserMark(services, user->id)) return std::move(*problem);
  // Disabled since, or the password or role changed after the session began: it is over.
  // (A session ended by logout or reuse needs no check here: its refresh tokens are revoked
  // in the store, so the rotation above already answered kInvalid.)
  if (user->disabled || rotation->token.issued_at < services.revocations.TokensValidFrom(std::to_string(user->id))) {
    if (auto problem = EndSession(services, rotation->token.family)) return std::move(*problem);
    return RefreshRefused("the session was ended by a change to the account; log in again");
  }
  Audit(services, context, "auth.refresh", "session:" + rotation->token.family, {}, std::to_string(user->id),
        user->username);
  return SessionResponse(services, context, *user, rotation->token.family, successor);
}

// POST /auth/logout: the presented token, its session's refresh tokens and every other access
// token of that session stop working at once.
Response Logout(const Services& services, Context& context) {
  const auth::Principal& principal = *context.principal;
  if (auto problem = RevokeToken(services, principal.token_id, principal.expires_at)) return std::move(*problem);
  if (!principal.session_id.empty()) {
    if (auto problem = EndSession(services, principal.session_id)) return std::move(*problem);
  }
  http::Log(http::LogLevel::kInfo, "logout", {{"sub", principal.subject}, {"jti", principal.token_id}});
  Audit(services, context, "auth.logout",
        principal.session_id.empty() ? "token:" + principal.token_id : "session:" + principal.session_id);
  Response response = NoContent();
  response.SetHeader("set-cookie", RefreshCookie(services, "", 0));
  return response;
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

  std::string target;  // for the audit trail: "user:<id>" or "token:<jti>"
  if (const auto* user_id = body.if_contains("user_id")) {
    if (!user_id->is_int64() || user_id->as_int64() < 1) return ValidationProblem({{"user_id", "must be a positive integer"}});
    auto user = services.store.FindUserById(user_id->as_int64());
    if (!user) return StoreProblem(user.error(), "user");
    if (auto problem = RevokeUserTokens(services, user->id)) return std::move(*problem);
    target = "user:" + std::to_string(user->id);
  } else if (const auto* jti = body.if_contains("jti")) {
    if (!jti->is_string() || jti->as_string().empty() || jti->as_string().size() > 256) {
      return ValidationProblem({{"jti", "must be a non-empty string of at most 256 bytes"}});
    }
    if (auto problem = RevokeToken(services, std::string(jti->as_string()), longest_exp)) return std::move(*problem);
    target = "token:" + std::string(jti->as_string());
  } else {
    const auto& token = body.at("token");
    auto id = token.is_string() && token.as_string().size() <= 16384 ? UnverifiedTokenId(token.as_string()) : std::nullopt;
    if (!id) return ValidationProblem({{"token", "must be a JWT with a jti claim"}});
    if (auto problem = RevokeToken(services, id->first, std::min(id->second.value_or(longest_exp), longest_exp + 86400))) {
      return std::move(*problem);
    }
    target = "token:" + id->first;
  }
  http::Log(http::LogLevel::kInfo, "revoked", {{"sub", context.principal->subject}, {"what", target}});
  Audit(services, context, "auth.revoke", target);
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
  auto changed = services.store.UpdateUser(user->id, changes, store::Store::UserAudit{ActorOf(context), "auth.password_change"});
  if (!changed) return StoreProblem(changed.error(), "user");
  if (auto problem = RevokeUserTokens(services, user->id)) return std::move(*problem);
  http::Log(http::LogLevel::kInfo, "password changed", {{"sub", context.principal->subject}});
  return StartSession(services, context, *changed);
}

}  // namespace

void AddAuthRoutes(http::Router& router, const Services& services) {
  router.Add(http::Method::kPost, "/api/v1/auth/login", http::Access::Public(), http::Pool::kHashing,
             [&services](Context& context) { return Login(services, context); });
  router.Add(http::Method::kGet, "/api/v1/auth/me", http::Access::Requires(auth::Permission::kViewInventory),
             http::Pool::kInline, [&services](Context& context) { return Me(services, context); });
  router.Add(http::Method::kPost, "/api/v1/auth/refresh", http::Access::Public(), http::Pool::kDatabase,
             [&services](Context& context) { return Refresh(services, context); });
  router.Add(http::Method::kPost, "/api/v1/auth/logout", http::Access::Requires(auth::Permission::kViewInventory),
             http::Pool::kDatabase, [&services](Context& context) { return Logout(services, context); });
  router.Add(http::Method::kPost, "/api/v1/auth/password", http::Access::Requires(auth::Permission::kViewInventory),
             http::Pool::kHashing, [&services](Context& context) { return ChangePassword(services, context); });
  router.Add(http::Method::kPost, "/api/v1/auth/revoke", http::Access::Requires(auth::Permission::kManageUsers),
             http::Pool::kDatabase, [&services](Context& context) { return RevokeRoute(services, context); });
}

}  // namespace stockroom::api
