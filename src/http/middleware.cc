#include "stockroom/http/middleware.h"

#include <fmt/format.h>

#include "stockroom/http/problem.h"

namespace stockroom::http {
namespace {

constexpr std::string_view kRealm = "stockroom";

// RFC 6750 3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
std::string QuotableDescription(std::string_view text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u <= 0x7e && c != '"' && c != '\\' ? c : '\'');
  }
  return out;
}

Response Unauthorized(std::string_view description, bool token_present) {
  Response response = MakeProblem(401, "unauthorized", description);
  if (token_present) {
    response.SetHeader("www-authenticate",
                       fmt::format("Bearer realm=\"{}\", error=\"invalid_token\", error_description=\"{}\"",
                                   kRealm, QuotableDescription(description)));
  } else {
    // RFC 6750 3.1: a request without credentials gets no error code.
    response.SetHeader("www-authenticate", fmt::format("Bearer realm=\"{}\"", kRealm));
  }
  return response;
}

}  // namespace

std::optional<std::string_view> BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() || authorization[kScheme.size()] != ' ') return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return std::nullopt;
  }
  std::string_view token = authorization.substr(kScheme.size() + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<Response> Authorize(const auth::TokenAuthenticator& authenticator,
                                  const Access& access, Context& context) {
  auto header = context.request.Header("authorization");
  if (!header) return Unauthorized("an access token is required", false);
  auto token = BearerToken(*header);
  if (!token) return Unauthorized("the Authorization header must be 'Bearer <token>'", true);
  auto outcome = authenticator.Authenticate(*token);
  if (auto* failure = std::get_if<auth::AuthFailure>(&outcome)) {
    return Unauthorized(failure->description, true);
  }
  context.principal = std::move(std::get<auth::Principal>(outcome));
  if (!auth::RoleAllows(context.principal->role, access.permission)) {
    return MakeProblem(403, "forbidden",
                       fmt::format("role '{}' lacks the permission '{}'",
                                   auth::RoleName(context.principal->role),
                                   auth::PermissionName(access.permission)));
  }
  return std::nullopt;
}

}  // namespace stockroom::http
