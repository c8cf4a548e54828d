// The published JWS examples (RFC 7515 appendix A, RFC 7520 section 4, RFC 8037 appendix A.4,
// RFC 7797) and Wycheproof's JWS tests, read from jwt-cases/vectors-official.json at test time.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "stockroom/jose/jwt.h"

namespace stockroom::jose {
namespace {

const char kVectorsPath[] = STOCKROOM_SHARED_DIR "/jwt-cases/vectors-official.json";

const boost::json::object& Vectors() {
  static const boost::json::value vectors = [] {
    std::ifstream in(kVectorsPath, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return boost::json::parse(text.str());
  }();
  return vectors.as_object();
}

// Verifies `token` (payload as opaque bytes: the published examples are not all JWTs) with
// the one trusted `jwk`, allowing every algorithm (the key pins its own).
Result<VerifiedToken> VerifyWith(const boost::json::object& jwk, std::string_view token) {
  KeySet keys;
  (void)keys.AddJwk(jwk);
  VerifyPolicy policy;
  policy.algorithms.assign(AllAlgorithms().begin(), AllAlgorithms().end());
  policy.profile = VerifyPolicy::Profile::kJws;
  return Verifier(std::move(keys), policy).Verify(token);
}

void ExpectPublishedExampleVerifies(std::string_view section, std::string_view name) {
  const boost::json::object& vector = Vectors().at(section).at(name).as_object();
  auto verified = VerifyWith(vector.at("key").as_object(), vector.at("token").as_string());
  ASSERT_TRUE(verified) << section << " " << name << ": " << ErrcName(verified.error().code) << ": "
                        << verified.error().detail;
  EXPECT_EQ(AlgorithmName(verified->algorithm()), vector.at("alg").as_string());
}

TEST(PublishedVectorsTest, Rfc7515AppendixA) {
  for (std::string_view name : {"A.1", "A.2", "A.3", "A.4"}) ExpectPublishedExampleVerifies("rfc7515", name);
}

TEST(PublishedVectorsTest, Rfc7515UnsecuredExampleIsRefused) {
  // A.5 is an "alg": "none" token: never accepted, whatever the keys.
  const boost::json::object& vector = Vectors().at("rfc7515").at("A.5").as_object();
  auto refused = VerifyWith(Key::Generate(Algorithm::kHS256)->ToJwk(true), vector.at("token").as_string());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kAlgNotAllowed);
}

TEST(PublishedVectorsTest, Rfc7520Section4) {
  for (std::string_view name : {"4.1", "4.2", "4.3", "4.4"}) ExpectPublishedExampleVerifies("rfc7520", name);
}

TEST(PublishedVectorsTest, Rfc8037Ed25519) { ExpectPublishedExampleVerifies("rfc8037", "A.4"); }

TEST(PublishedVectorsTest, Rfc7797UnencodedPayloadIsRefusedByPolicy) {
  // b64: false with crit: a valid RFC 7797 JWS, refused on purpose (docs/jose.md rule 6).
  for (const auto& [name, entry] : Vectors().at("rfc7797").as_object()) {
    const boost::json::object& vector = entry.as_object();
    auto refused = VerifyWith(vector.at("key").as_object(), vector.at("token").as_string());
    EXPECT_FALSE(refused) << name;
  }
}

// Wycheproof calls a token with a character outside the base64url alphabet in its header or
// payload "valid" (the MAC covers the text as sent). Our policy refuses it (docs/jose.md rule
// 3, RFC 7515 s.2: segments are base64url), so these expect "invalid" here, on purpose.
bool StricterThanWycheproof(std::string_view comment) {
  return comment == "InvalidCharacterInsertedInHeader" || comment == "InvalidCharacterInsertedInPayload";
}

TEST(PublishedVectorsTest, Wycheproof) {
  int run = 0;
  for (const boost::json::value& group : Vectors().at("wycheproof").at("groups").as_array()) {
    const boost::json::object& jwk = group.at("key").as_object();
    for (const boost::json::value& test : group.at("tests").as_array()) {
      const std::string result = StricterThanWycheproof(test.at("comment").as_string())
                                     ? std::string("invalid")
                                     : std::string(test.at("result").as_string());
      auto verified = VerifyWith(jwk, test.at("jws").as_string());
      EXPECT_EQ(static_cast<bool>(verified), result == "valid")
          << group.at("comment").as_string() << " tcId " << test.at("tcId").as_int64() << " ("
          << test.at("comment").as_string() << "): expected " << result << ", got "
          << (verified ? std::string("valid") : std::string(ErrcName(verified.error().code)));
      ++run;
    }
  }
  EXPECT_GT(run, 50);
}

}  // namespace
}  // namespace stockroom::jose
