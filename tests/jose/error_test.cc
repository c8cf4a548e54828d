#include "stockroom/jose/error.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

namespace stockroom::jose {
namespace {

constexpr int kFirst = static_cast<int>(Errc::kTokenTooLarge);
constexpr int kLast = static_cast<int>(Errc::kCryptoFailure);

TEST(ErrcTest, NamesAreStableAndDistinct) {
  std::set<std::string_view> names;
  for (int i = kFirst; i <= kLast; ++i) {
    const auto code = static_cast<Errc>(i);
    EXPECT_TRUE(names.insert(ErrcName(code)).second) << ErrcName(code);
    EXPECT_FALSE(ErrcMessage(code).empty());
    EXPECT_NE(ErrcName(code), "unknown");
    for (char c : ErrcName(code)) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  }
}

TEST(ErrcTest, NamesMatchThePolicyRules) {
  // The rule names of jwt-cases/README.md.
  EXPECT_EQ(ErrcName(Errc::kTokenTooLarge), "size");
  EXPECT_EQ(ErrcName(Errc::kMalformed), "segments");
  EXPECT_EQ(ErrcName(Errc::kBase64Charset), "b64-charset");
  EXPECT_EQ(ErrcName(Errc::kBase64Length), "b64-length");
  EXPECT_EQ(ErrcName(Errc::kBase64NonCanonical), "b64-noncanonical");
  EXPECT_EQ(ErrcName(Errc::kHeaderJson), "header-json");
  EXPECT_EQ(ErrcName(Errc::kPayloadJson), "payload-json");
  EXPECT_EQ(ErrcName(Errc::kAlgInvalid), "alg-invalid");
  EXPECT_EQ(ErrcName(Errc::kAlgNotAllowed), "alg-not-allowed");
  EXPECT_EQ(ErrcName(Errc::kCritUnsupported), "crit");
  EXPECT_EQ(ErrcName(Errc::kB64HeaderUnsupported), "b64-header");
  EXPECT_EQ(ErrcName(Errc::kJweUnsupported), "jwe-header");
  EXPECT_EQ(ErrcName(Errc::kNestedJwtUnsupported), "nested-jwt");
  EXPECT_EQ(ErrcName(Errc::kTypMismatch), "typ");
  EXPECT_EQ(ErrcName(Errc::kKidType), "kid-type");
  EXPECT_EQ(ErrcName(Errc::kKidUnknown), "kid-unknown");
  EXPECT_EQ(ErrcName(Errc::kKeyUnusable), "key-unusable");
  EXPECT_EQ(ErrcName(Errc::kBadSignature), "signature");
  EXPECT_EQ(ErrcName(Errc::kClaimType), "claim-type");
  EXPECT_EQ(ErrcName(Errc::kMissingClaim), "required");
  EXPECT_EQ(ErrcName(Errc::kExpired), "exp");
  EXPECT_EQ(ErrcName(Errc::kNotYetValid), "nbf");
  EXPECT_EQ(ErrcName(Errc::kIssuedInFuture), "iat");
  EXPECT_EQ(ErrcName(Errc::kIssuerMismatch), "iss");
  EXPECT_EQ(ErrcName(Errc::kAudienceMismatch), "aud");
}

TEST(ResultTest, ValueOnErrorThrowsWithTheCodeName) {
  Result<int> result = Error{Errc::kExpired, "at 5"};
  ASSERT_FALSE(result);
  try {
    (void)result.value();
    FAIL() << "value() did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("exp: at 5", 0), 0u) << e.what();
  }
  Result<int> ok = 7;
  EXPECT_EQ(ok.value(), 7);
}

}  // namespace
}  // namespace stockroom::jose
