// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a POST retried with the same
// key and the same request gets the first answer again instead of running twice.
#include <openssl/evp.h>

#include <fmt/format.h>

#include "json_io.h"
#include "stockroom/api/routes.h"
#include "stockroom/http/log.h"

namespace stockroom::api {
namespace {

using http::Context;
using http::Response;

constexpr std::int64_t kRetainMs = 48LL * 3600 * 1000;  // at least the 24 hours promised
constexpr std::size_t kMaxKeyLength = 255;

// Hex SHA-256 of everything that makes two requests the same request.
std::string Fingerprint(const http::Request& request) {
  const std::string content_type(request.Header("content-type").value_or(""));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (std::string_view part : {std::string_view(http::MethodName(request.method)), std::string_view(request.target),
                                std::string_view(content_type), std::string_view(request.body)}) {
    const std::uint64_t size = part.size();  // length-prefixed: no two splits hash alike
    EVP_DigestUpdate(ctx, &size, sizeof size);
    EVP_DigestUpdate(ctx, part.data(), part.size());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

bool ValidKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength) return false;
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) return false;  // visible ASCII
  }
  return true;
}

Response Replay(const store::StoredResponse& stored) {
  Response response;
  response.status = stored.status;
  response.body = stored.body;
  if (!stored.content_type.empty()) response.SetHeader("content-type", stored.content_type);
  if (!stored.location.empty()) response.SetHeader("location", stored.location);
  if (!stored.etag.empty()) response.SetHeader("etag", stored.etag);
  response.SetHeader("idempotent-replayed", "true");
  return response;
}

Response RunOnce(const Services& services, const http::Handler& handler, Context& context, std::string_view key) {
  const std::string& sub = context.principal->subject;
  auto claim = services.store.ClaimIdempotencyKey(sub, key, Fingerprint(context.request), kRetainMs);
  if (!claim) return StoreProblem(claim.error(), "request");
  switch (claim->outcome) {
    case store::IdempotencyClaim::Outcome::kMismatch:
      return http::MakeProblem(422, "idempotency-key-reused",
                               "this Idempotency-Key was used for a different request; use a new key",
                               {{"Idempotency-Key", "was used for a different request"}});
    case store::IdempotencyClaim::Outcome::kInProgress:
      return http::MakeProblem(409, "idempotency-key-in-progress",
                               "a request with this Idempotency-Key has not finished (or was cut off by a server "
                               "stop); look up its effect before sending it with a new key");
    case store::IdempotencyClaim::Outcome::kReplay:
      return Replay(claim->response);
    case store::IdempotencyClaim::Outcome::kClaimed:
      break;
  }
  Response response = handler(context);
  if (response.status >= 500) {
    (void)services.store.ReleaseIdempotencyKey(sub, key);  // nothing happened: a retry may run
    return response;
  }
  store::StoredResponse stored{response.status, std::string(response.Header("content-type").value_or("")),
                               std::string(response.Header("location").value_or("")),
                               std::string(response.Header("etag").value_or("")), response.body};
  if (auto completed = services.store.CompleteIdempotencyKey(sub, key, stored); !completed) {
    http::Log(http::LogLevel::kError, "cannot record an idempotency key", {{"detail", completed.error().detail}});
  }
  return response;
}

}  // namespace

void MakePostsIdempotent(http::Router& router, const Services& services) {
  router.ForEachRoute([&services](http::Route& route) {
    if (route.method != http::Method::kPost || route.access.is_public || route.pool == http::Pool::kInline) return;
    // Session routes answer with tokens, which must not be kept in the database for replays.
    if (route.pattern.rfind("/api/v1/auth/", 0) == 0) return;
    route.handler = [&services, handler = std::move(route.handler)](Context& context) -> Response {
      auto key = context.request.Header("idempotency-key");
      if (!key || !context.principal) return handler(context);
      if (!ValidKey(*key)) {
        return http::MakeProblem(400, "bad-idempotency-key",
                                 "Idempotency-Key must be 1 to 255 visible ASCII characters",
                                 {{"Idempotency-Key", "must be 1 to 255 visible ASCII characters"}});
      }
      return RunOnce(services, handler, context, *key);
    };
  });
}

}  // namespace stockroom::api
