#include "stockroom/auth/access_tokens.h"

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "stockroom/auth/revocation.h"
#include "stockroom/jose/jwt.h"

namespace stockroom::auth {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

jose::Key TestKey() {
  return jose::Key::Hmac(jose::Algorithm::kHS256, jose::Secret(std::string(32, 'k')), "test-key").value();
}

AccessTokenConfig FixedClock() {
  AccessTokenConfig config;
  config.now = [] { return kNow; };
  return config;
}

AccessTokenService MakeService(const RevocationList* revocations = nullptr) {
  return AccessTokenService(TestKey(), jose::KeySet({TestKey()}), FixedClock(), revocations);
}

// The claims the service issues, to be altered by a test and signed with the service's key.
boost::json::object GoodClaims() {
  return {{"iss", "stockroom"},   {"sub", "42"},    {"aud", "stockroom-api"},
          {"iat", kNow},          {"nbf", kNow},    {"exp", kNow + 600},
          {"jti", "jti-1"},       {"role", "admin"}, {"preferred_username", "erika"}};
}

std::string SignWithServiceKey(const boost::json::object& claims) {
  return jose::Signer(TestKey()).Sign(claims, "at+jwt");
}

TEST(AccessTokenServiceTest, AnIssuedTokenAuthenticatesAsItsUser) {
  const AccessTokenService service = MakeService();
  User user;
  user.id = 7;
  user.username = "jürgen";
  user.role = Role::kWarehouseStaff;
  const IssuedToken issued = service.Issue(user, "session-9");

  auto result = service.Authenticate(issued.token);
  ASSERT_TRUE(std::holds_alternative<Principal>(result)) << std::get<AuthFailure>(result).code;
  const Principal& principal = std::get<Principal>(result);
  EXPECT_EQ(principal.subject, "7");
  EXPECT_EQ(principal.username, "jürgen");
  EXPECT_EQ(principal.role, Role::kWarehouseStaff);
  EXPECT_EQ(principal.token_id, issued.token_id);
  EXPECT_EQ(principal.session_id, "session-9");
  EXPECT_EQ(principal.issued_at, kNow);
  EXPECT_EQ(principal.expires_at, kNow + issued.expires_in);
}

TEST(AccessTokenServiceTest, ClaimsWrittenWithEscapesReadTheSame) {
  // "\u0061dmin" is "admin": the claim is compared after unescaping, as a JSON parser would.
  const AccessTokenService service = MakeService();
  boost::json::object claims = GoodClaims();
  claims.erase("role");
  claims.erase("preferred_username");
  jose::Signer signer(TestKey());
  std::string payload = boost::json::serialize(claims);
  payload.insert(payload.size() - 1, R"(,"role":"\u0061dmin","preferred_username":"J\u00fcrgen \"J\"")");
  auto result = service.Authenticate(signer.SignPayload(payload, "at+jwt"));
  ASSERT_TRUE(std::holds_alternative<Principal>(result)) << std::get<AuthFailure>(result).code;
  EXPECT_EQ(std::get<Principal>(result).role, Role::kAdmin);
  EXPECT_EQ(std::get<Principal>(result).username, "Jürgen \"J\"");
}

TEST(AccessTokenServiceTest, ClaimsOfTheWrongTypeAreRefused) {
  const AccessTokenService service = MakeService();
  for (const char* name : {"sub", "role", "jti"}) {
    boost::json::object claims = GoodClaims();
    claims[name] = 42;
    auto result = service.Authenticate(SignWithServiceKey(claims));
    ASSERT_TRUE(std::holds_alternative<AuthFailure>(result)) << name;
    EXPECT_EQ(std::get<AuthFailure>(result).code, "claim-type") << name;
  }
  boost::json::object empty_subject = GoodClaims();
  empty_subject["sub"] = "";
  auto result = service.Authenticate(SignWithServiceKey(empty_subject));
  ASSERT_TRUE(std::holds_alternative<AuthFailure>(result));
  EXPECT_EQ(std::get<AuthFailure>(result).code, "claim-type");
}

TEST(AccessTokenServiceTest, AnUnknownRoleIsRefused) {
  const AccessTokenService service = MakeService();
  for (const char* role : {"superuser", "Admin", "admin ", ""}) {
    boost::json::object claims = GoodClaims();
    claims["role"] = role;
    auto result = service.Authenticate(SignWithServiceKey(claims));
    ASSERT_TRUE(std::holds_alternative<AuthFailure>(result)) << role;
    EXPECT_EQ(std::get<AuthFailure>(result).code, "role") << role;
  }
}

TEST(AccessTokenServiceTest, OptionalClaimsOfTheWrongTypeAreIgnored) {
  const AccessTokenService service = MakeService();
  boost::json::object claims = GoodClaims();
  claims["preferred_username"] = 5;
  claims["sid"] = true;
  auto result = service.Authenticate(SignWithServiceKey(claims));
  ASSERT_TRUE(std::holds_alternative<Principal>(result));
  EXPECT_EQ(std::get<Principal>(result).username, "");
  EXPECT_EQ(std::get<Principal>(result).session_id, "");
}

TEST(AccessTokenServiceTest, FractionalDatesAreReadAsWholeSeconds) {
  const AccessTokenService service = MakeService();
  boost::json::object claims = GoodClaims();
  claims["iat"] = static_cast<double>(kNow) + 0.75;
  claims["exp"] = static_cast<double>(kNow) + 600.5;
  auto result = service.Authenticate(SignWithServiceKey(claims));
  ASSERT_TRUE(std::holds_alternative<Principal>(result)) << std::get<AuthFailure>(result).code;
  EXPECT_EQ(std::get<Principal>(result).issued_at, kNow);
  EXPECT_EQ(std::get<Principal>(result).expires_at, kNow + 600);
}

TEST(AccessTokenServiceTest, RevokedTokensAreRefused) {
  RevocationList revocations;
  const AccessTokenService service = MakeService(&revocations);
  const std::string token = SignWithServiceKey(GoodClaims());
  ASSERT_TRUE(std::holds_alternative<Principal>(service.Authenticate(token)));
  revocations.Add({Revocation::Kind::kToken, "jti-1", 0, kNow + 600});
  auto result = service.Authenticate(token);
  ASSERT_TRUE(std::holds_alternative<AuthFailure>(result));
  EXPECT_EQ(std::get<AuthFailure>(result).code, "revoked");
}

TEST(AccessTokenServiceTest, VerificationFailuresKeepTheLibrarysCode) {
  const AccessTokenService service = MakeService();
  boost::json::object claims = GoodClaims();
  claims["exp"] = kNow - 31;  // past the 30 s leeway
  auto result = service.Authenticate(SignWithServiceKey(claims));
  ASSERT_TRUE(std::holds_alternative<AuthFailure>(result));
  EXPECT_EQ(std::get<AuthFailure>(result).code, "exp");
}

}  // namespace
}  // namespace stockroom::auth
