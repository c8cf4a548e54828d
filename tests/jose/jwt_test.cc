#include "stockroom/jose/jwt.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <thread>
#include <vector>

#include "stockroom/jose/base64url.h"

namespace stockroom::jose {
namespace {

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
constexpr std::string_view kIssuer = "https://issuer.example";
constexpr std::string_view kAudience = "stockroom-api";

Key MakeKey(Algorithm alg, char fill, std::string kid = "main") {
  return *Key::Hmac(alg, Secret(std::string(HmacHashBytes(alg), fill)), std::move(kid));
}

VerifyPolicy Policy() {
  VerifyPolicy policy;
  policy.algorithms = {Algorithm::kHS256};
  policy.issuer = std::string(kIssuer);
  policy.audience = std::string(kAudience);
  policy.required_claims = {"exp"};
  policy.leeway_seconds = 0;
  policy.now = [] { return kNow; };
  return policy;
}

boost::json::object Claims() {
  return {{"iss", kIssuer}, {"sub", "user-1"}, {"aud", kAudience}, {"iat", kNow - 60}, {"exp", kNow + 600}};
}

// A token with exactly this header and payload text, signed (over the given text) by `key`.
std::string Craft(const Key& key, Algorithm alg, std::string_view header_json, std::string_view payload_json) {
  std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  return input + "." + Base64UrlEncode(*key.Sign(alg, input));
}

std::string Payload(const boost::json::object& claims) { return boost::json::serialize(claims); }

// HMAC straight from OpenSSL, for MACs our Key type refuses to make.
std::string RawHmac(const char* digest, std::string_view secret, std::string_view input) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t out_len = 0;
  EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, secret.data(), secret.size(),
                      reinterpret_cast<const unsigned char*>(input.data()), input.size(), out, sizeof out, &out_len),
            nullptr);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

class JwtTest : public ::testing::Test {
 protected:
  JwtTest() : key_(MakeKey(Algorithm::kHS256, 'a')) {}

  Verifier MakeVerifier(VerifyPolicy policy = Policy()) const {
    KeySet keys;
    keys.Add(key_);
    return Verifier(std::move(keys), std::move(policy));
  }

  // Expects `token` to be refused with exactly `code`.
  void ExpectRefused(std::string_view token, Errc code, VerifyPolicy policy = Policy()) const {
    auto verified = MakeVerifier(std::move(policy)).Verify(token);
    ASSERT_FALSE(verified) << "accepted: " << token;
    EXPECT_EQ(ErrcName(verified.error().code), ErrcName(code)) << verified.error().detail;
  }

  std::string Sign(const boost::json::object& claims, std::string_view typ = "JWT") const {
    return Signer(key_).Sign(claims, typ);
  }

  std::string WithHeader(std::string_view header_json, const boost::json::object& claims = Claims()) const {
    return Craft(key_, Algorithm::kHS256, header_json, Payload(claims));
  }

  Key key_;
};

// ---------------------------------------------------------------------------------------
// Round trips

TEST_F(JwtTest, SignedTokenVerifies) {
  const std::string token = Sign(Claims());
  auto verified = MakeVerifier().Verify(token);
  ASSERT_TRUE(verified) << verified.error().detail;
  EXPECT_EQ(verified->algorithm(), Algorithm::kHS256);
  EXPECT_EQ(verified->header().at("alg").as_string(), "HS256");
  EXPECT_EQ(verified->header().at("typ").as_string(), "JWT");
  EXPECT_EQ(verified->header().at("kid").as_string(), "main");
  EXPECT_EQ(verified->StringClaim("sub"), "user-1");
  EXPECT_FALSE(verified->StringClaim("exp"));  // a number, not a string
  EXPECT_FALSE(verified->StringClaim("missing"));
  EXPECT_EQ(verified->claims().at("exp").as_int64(), kNow + 600);
  EXPECT_EQ(verified->payload(), Payload(Claims()));
}

TEST_F(JwtTest, SignerHeaderHasAlgTypKidInOrder) {
  const std::string token = Sign(Claims(), "at+jwt");
  auto header = Base64UrlDecode(token.substr(0, token.find('.')));
  ASSERT_TRUE(header);
  EXPECT_EQ(*header, R"({"alg":"HS256","typ":"at+jwt","kid":"main"})");

  Signer no_kid(*Key::Hmac(Algorithm::kHS512, Secret(std::string(64, 'x'))));
  const std::string other = no_kid.Sign(Claims(), "");
  EXPECT_EQ(*Base64UrlDecode(other.substr(0, other.find('.'))), R"({"alg":"HS512"})");
}

TEST_F(JwtTest, EveryAlgorithmRoundTrips) {
  for (Algorithm alg : AllAlgorithms()) {
    auto generated = AlgorithmKeyType(alg) == KeyType::kOct ? Key::Hmac(alg, Secret(std::string(HashBytes(alg), 'q')), "k")
                                                           : Key::Generate(alg, "k");
    ASSERT_TRUE(generated) << AlgorithmName(alg) << ": " << generated.error().detail;
    Key key = *generated;
    KeySet keys;
    keys.Add(key);
    VerifyPolicy policy = Policy();
    policy.algorithms = {alg};
    Verifier verifier(std::move(keys), policy);
    auto verified = verifier.Verify(Signer(key).Sign(Claims()));
    EXPECT_TRUE(verified) << AlgorithmName(alg) << ": " << verified.error().detail;
  }
}

TEST_F(JwtTest, JwsProfileTreatsPayloadAsBytes) {
  VerifyPolicy policy = Policy();
  policy.profile = VerifyPolicy::Profile::kJws;
  const std::string token = Signer(key_).SignPayload(std::string("\x00\xff not json", 11));
  auto verified = MakeVerifier(policy).Verify(token);
  ASSERT_TRUE(verified) << verified.error().detail;
  EXPECT_EQ(verified->payload(), std::string_view("\x00\xff not json", 11));
  EXPECT_TRUE(verified->claims().empty());
  // An empty payload is a valid JWS.
  EXPECT_TRUE(MakeVerifier(policy).Verify(Signer(key_).SignPayload("")));
}

TEST_F(JwtTest, VerifyIsSafeFromManyThreads) {
  const Verifier verifier = MakeVerifier();
  const std::string good = Sign(Claims());
  std::string bad = good;
  bad.back() = bad.back() == 'A' ? 'Q' : 'A';
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        if (!verifier.Verify(good)) ++wrong;
        if (verifier.Verify(bad)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

// ---------------------------------------------------------------------------------------
// 1-3: size, structure, base64url

TEST_F(JwtTest, RefusesTooLargeTokenBeforeDecoding) {
  VerifyPolicy policy = Policy();
  policy.max_token_bytes = 100;
  const std::string token = Sign(Claims());
  ASSERT_GT(token.size(), 100u);
  ExpectRefused(token, Errc::kTokenTooLarge, policy);
  ExpectRefused(std::string(101, '!'), Errc::kTokenTooLarge, policy);  // not even decoded
  policy.max_token_bytes = token.size();
  EXPECT_TRUE(MakeVerifier(policy).Verify(token));  // the limit itself is allowed
  ExpectRefused(std::string(9000, 'A'), Errc::kTokenTooLarge);  // default 8192
}

TEST_F(JwtTest, RefusesWrongSegmentCount) {
  const std::string token = Sign(Claims());
  const std::string header_payload = token.substr(0, token.rfind('.'));
  for (const std::string& bad : {std::string(), std::string(".."), std::string("."), header_payload,
                                 token.substr(0, token.find('.')), token + ".", token + ".x", token + "." + token,
                                 "." + token.substr(token.find('.')), std::string(10000, '.')}) {
    VerifyPolicy policy = Policy();
    policy.max_token_bytes = 1 << 20;
    ExpectRefused(bad, Errc::kMalformed, policy);
  }
}

TEST_F(JwtTest, RefusesNonBase64UrlSegments) {
  const std::string token = Sign(Claims());
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = token.rfind('.');
  ExpectRefused(" " + token, Errc::kBase64Charset);
  ExpectRefused(token + "\n", Errc::kBase64Charset);
  ExpectRefused(token + "=", Errc::kBase64Charset);
  ExpectRefused(token.substr(0, dot2 + 3) + "+" + token.substr(dot2 + 4), Errc::kBase64Charset);
  ExpectRefused(token.substr(0, dot1) + "=" + token.substr(dot1), Errc::kBase64Charset);
  ExpectRefused(token.substr(0, dot2) + ".A", Errc::kBase64Length);
  // A signature of 43 characters has 2 unused bits; flip them for a second spelling.
  std::string noncanonical = token;
  const char last = noncanonical.back();
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  noncanonical.back() = alphabet[alphabet.find(last) | 1];
  ExpectRefused(noncanonical, Errc::kBase64NonCanonical);
}

// ---------------------------------------------------------------------------------------
// 4: header JSON

TEST_F(JwtTest, RefusesBadHeaderJson) {
  ExpectRefused(WithHeader(R"({"alg":"HS256","alg":"none"})"), Errc::kHeaderJson);
  ExpectRefused(WithHeader(R"({"alg":"none","alg":"HS256"})"), Errc::kHeaderJson);
  ExpectRefused(WithHeader(R"(["HS256"])"), Errc::kHeaderJson);
  ExpectRefused(WithHeader(R"({"alg":"HS256")"), Errc::kHeaderJson);
  ExpectRefused(WithHeader("alg=HS256"), Errc::kHeaderJson);
  ExpectRefused(WithHeader("\xef\xbb\xbf{\"alg\":\"HS256\"}"), Errc::kHeaderJson);
  ExpectRefused(WithHeader("{\"alg\":\"HS256\",\"x\":\"\xc3(\"}"), Errc::kHeaderJson);
  std::string deep = R"({"alg":"HS256","x":)" + std::string(100, '[') + std::string(100, ']') + "}";
  ExpectRefused(WithHeader(deep), Errc::kHeaderJson);
}

TEST_F(JwtTest, RefusesBadPayloadJsonAfterSignature) {
  ExpectRefused(Craft(key_, Algorithm::kHS256, R"({"alg":"HS256"})", R"({"exp":1,"exp":2})"), Errc::kPayloadJson);
  ExpectRefused(Craft(key_, Algorithm::kHS256, R"({"alg":"HS256"})", "[]"), Errc::kPayloadJson);
  ExpectRefused(Craft(key_, Algorithm::kHS256, R"({"alg":"HS256"})", ""), Errc::kPayloadJson);
  ExpectRefused(Craft(key_, Algorithm::kHS256, R"({"alg":"HS256"})", "{\"sub\":\"\xed\xa0\x80\"}"),
                Errc::kPayloadJson);
  std::string deep = R"({"x":)" + std::string(65, '[') + std::string(65, ']') + "}";
  ExpectRefused(Craft(key_, Algorithm::kHS256, R"({"alg":"HS256"})", deep), Errc::kPayloadJson);
  // An unsigned bad payload is reported as the bad signature it carries: the payload parser
  // only ever sees authenticated bytes.
  std::string forged = Craft(key_, Algorithm::kHS256, R"({"alg":"HS256"})", "[]");
  forged = forged.substr(0, forged.find('.') + 1) + Base64UrlEncode("{,}") + forged.substr(forged.rfind('.'));
  ExpectRefused(forged, Errc::kBadSignature);
}

// ---------------------------------------------------------------------------------------
// 5: alg

TEST_F(JwtTest, RefusesMissingOrNonStringAlg) {
  ExpectRefused(WithHeader(R"({})"), Errc::kAlgInvalid);
  ExpectRefused(WithHeader(R"({"typ":"JWT"})"), Errc::kAlgInvalid);
  ExpectRefused(WithHeader(R"({"alg":null})"), Errc::kAlgInvalid);
  ExpectRefused(WithHeader(R"({"alg":["HS256"]})"), Errc::kAlgInvalid);
  ExpectRefused(WithHeader(R"({"alg":{"name":"HS256"}})"), Errc::kAlgInvalid);
  ExpectRefused(WithHeader(R"({"alg":256})"), Errc::kAlgInvalid);
}

TEST_F(JwtTest, AlgMustMatchAllowListExactly) {
  for (std::string_view alg : {"hs256", "HS256 ", "HMAC-SHA256", "", "HS-256", "RS256", "ES256"}) {
    ExpectRefused(WithHeader(R"({"alg":")" + std::string(alg) + "\"}"), Errc::kAlgNotAllowed);
  }
}

// "none" is never accepted: not in any spelling, not with any signature, and the allow-list
// cannot even express it (the enum has no such value; see AlgorithmTest.LookupIsExact).
TEST_F(JwtTest, RefusesAlgNoneInEverySpelling) {
  const std::string real = Sign(Claims());
  const std::string real_signature = real.substr(real.rfind('.'));
  VerifyPolicy everything = Policy();
  everything.algorithms.assign(AllAlgorithms().begin(), AllAlgorithms().end());
  for (std::string_view none : {"none", "None", "NONE", "nOnE"}) {
    const std::string unsigned_part =
        Base64UrlEncode(R"({"alg":")" + std::string(none) + "\"}") + "." + Base64UrlEncode(Payload(Claims()));
    ExpectRefused(unsigned_part + ".", Errc::kAlgNotAllowed, everything);
    ExpectRefused(unsigned_part + real_signature, Errc::kAlgNotAllowed, everything);
    ExpectRefused(unsigned_part + ".AAAA", Errc::kAlgNotAllowed, everything);
  }
}

// Algorithm confusion (cf. libjwt's fixed advisories, tests/jwt_alg_downgrade.c): a verifier
// pinned to HS256 must refuse a token that names another algorithm, even one whose MAC was
// computed with the very same secret bytes, and a key must never be used with an algorithm
// it is not for. The MACs here are made with OpenSSL directly, since Key refuses to.
TEST_F(JwtTest, AlgorithmConfusionIsRefused) {
  const std::string secret(32, 'a');  // the secret of key_
  const std::string input =
      Base64UrlEncode(R"({"alg":"HS512","kid":"main"})") + "." + Base64UrlEncode(Payload(Claims()));
  const std::string token = input + "." + Base64UrlEncode(RawHmac("SHA512", secret, input));

  // The verifier allows only HS256.
  ExpectRefused(token, Errc::kAlgNotAllowed);
  // Even when HS512 is allowed, the HS256-pinned key is unusable for it.
  VerifyPolicy both = Policy();
  both.algorithms = {Algorithm::kHS256, Algorithm::kHS512};
  ExpectRefused(token, Errc::kKeyUnusable, both);

  // A JWK without alg is usable per token alg only as far as its secret reaches.
  auto unpinned = Key::FromJwk(
      boost::json::parse(R"({"kty":"oct","kid":"main","k":")" + Base64UrlEncode(secret) + "\"}").as_object());
  ASSERT_TRUE(unpinned);
  KeySet keys;
  keys.Add(*unpinned);
  both.algorithms.assign(AllAlgorithms().begin(), AllAlgorithms().end());
  Verifier verifier(keys, both);
  auto refused = verifier.Verify(token);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kKeyUnusable);
  const std::string input384 =
      Base64UrlEncode(R"({"alg":"HS384","kid":"main"})") + "." + Base64UrlEncode(Payload(Claims()));
  refused = verifier.Verify(input384 + "." + Base64UrlEncode(RawHmac("SHA384", secret, input384)));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kKeyUnusable);
  EXPECT_TRUE(verifier.Verify(Craft(*unpinned, Algorithm::kHS256, R"({"alg":"HS256","kid":"main"})",
                                    Payload(Claims()))));
}

TEST_F(JwtTest, AllowListPinsOneOfSeveralHmacAlgorithms) {
  // A valid HS384 token with its own HS384 key is refused by an HS256-only verifier.
  Key key384 = MakeKey(Algorithm::kHS384, 'b', "k384");
  KeySet keys;
  keys.Add(key384);
  Verifier verifier(keys, Policy());
  auto refused = verifier.Verify(Signer(key384).Sign(Claims()));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kAlgNotAllowed);
}

// ---------------------------------------------------------------------------------------
// 6: header members

TEST_F(JwtTest, RefusesCritAndUnsupportedHeaderMembers) {
  ExpectRefused(WithHeader(R"({"alg":"HS256","crit":["exp"],"exp":1})"), Errc::kCritUnsupported);
  ExpectRefused(WithHeader(R"({"alg":"HS256","crit":[]})"), Errc::kCritUnsupported);
  ExpectRefused(WithHeader(R"({"alg":"HS256","crit":"b64"})"), Errc::kCritUnsupported);
  ExpectRefused(WithHeader(R"({"alg":"HS256","b64":false,"crit":["b64"]})"), Errc::kCritUnsupported);
  ExpectRefused(WithHeader(R"({"alg":"HS256","b64":false})"), Errc::kB64HeaderUnsupported);
  ExpectRefused(WithHeader(R"({"alg":"HS256","b64":"true"})"), Errc::kB64HeaderUnsupported);
  EXPECT_TRUE(MakeVerifier().Verify(WithHeader(R"({"alg":"HS256","b64":true})")));
  ExpectRefused(WithHeader(R"({"alg":"HS256","enc":"A128GCM"})"), Errc::kJweUnsupported);
  ExpectRefused(WithHeader(R"({"alg":"HS256","cty":"JWT"})"), Errc::kNestedJwtUnsupported);
  ExpectRefused(WithHeader(R"({"alg":"HS256","cty":"jwt"})"), Errc::kNestedJwtUnsupported);
  ExpectRefused(WithHeader(R"({"alg":"HS256","cty":"application/JWT"})"), Errc::kNestedJwtUnsupported);
  EXPECT_TRUE(MakeVerifier().Verify(WithHeader(R"({"alg":"HS256","cty":"json"})")));
}

TEST_F(JwtTest, IgnoresUnknownAndKeyCarryingHeaderMembers) {
  for (std::string_view header :
       {R"({"alg":"HS256","x-custom":{"a":1}})", R"({"alg":"HS256","jku":"https://attacker.example/jwks"})",
        R"({"alg":"HS256","x5u":"https://attacker.example/c.pem"})",
        R"({"alg":"HS256","jwk":{"kty":"oct","k":"AAAA"}})"}) {
    auto verified = MakeVerifier().Verify(WithHeader(header));
    EXPECT_TRUE(verified) << header << ": " << (verified ? "" : verified.error().detail);
  }
  // A key embedded in the header is never used: a token MACed with it does not verify.
  Key attacker = MakeKey(Algorithm::kHS256, 'z', "main");
  const std::string jwk = R"({"kty":"oct","kid":"main","k":")" + Base64UrlEncode(std::string(32, 'z')) + "\"}";
  ExpectRefused(Craft(attacker, Algorithm::kHS256, R"({"alg":"HS256","kid":"main","jwk":)" + jwk + "}",
                      Payload(Claims())),
                Errc::kBadSignature);
}

TEST_F(JwtTest, ExplicitTyping) {
  VerifyPolicy typed = Policy();
  typed.typ = "at+jwt";
  EXPECT_TRUE(MakeVerifier(typed).Verify(Sign(Claims(), "at+jwt")));
  EXPECT_TRUE(MakeVerifier(typed).Verify(Sign(Claims(), "AT+JWT")));
  EXPECT_TRUE(MakeVerifier(typed).Verify(Sign(Claims(), "application/at+jwt")));
  ExpectRefused(Sign(Claims(), "JWT"), Errc::kTypMismatch, typed);
  ExpectRefused(Sign(Claims(), ""), Errc::kTypMismatch, typed);
  ExpectRefused(Sign(Claims(), "at+jwt "), Errc::kTypMismatch, typed);
  ExpectRefused(Sign(Claims(), "application/application/at+jwt"), Errc::kTypMismatch, typed);
  ExpectRefused(WithHeader(R"({"alg":"HS256","typ":["at+jwt"]})"), Errc::kTypMismatch, typed);
  // typ must be a string even when no type is required.
  ExpectRefused(WithHeader(R"({"alg":"HS256","typ":1})"), Errc::kTypMismatch);
  EXPECT_TRUE(MakeVerifier().Verify(Sign(Claims(), "anything")));
}

// ---------------------------------------------------------------------------------------
// 7: key selection

TEST_F(JwtTest, KidSelectsExactlyOneTrustedKey) {
  ExpectRefused(WithHeader(R"({"alg":"HS256","kid":1})"), Errc::kKidType);
  ExpectRefused(WithHeader(R"({"alg":"HS256","kid":["main"]})"), Errc::kKidType);
  ExpectRefused(WithHeader(R"({"alg":"HS256","kid":null})"), Errc::kKidType);
  ExpectRefused(WithHeader(R"({"alg":"HS256","kid":"MAIN"})"), Errc::kKidUnknown);
  ExpectRefused(WithHeader(R"({"alg":"HS256","kid":"main\u0000junk"})"), Errc::kKidUnknown);
  ExpectRefused(WithHeader(R"({"alg":"HS256","kid":"../../dev/null"})"), Errc::kKidUnknown);
  ExpectRefused(WithHeader(R"({"alg":"HS256","kid":""})"), Errc::kKidUnknown);
  EXPECT_TRUE(MakeVerifier().Verify(WithHeader(R"({"alg":"HS256","kid":"main"})")));
  EXPECT_TRUE(MakeVerifier().Verify(WithHeader(R"({"alg":"HS256"})")));  // no kid: every key is tried
}

TEST_F(JwtTest, SelectsAmongSeveralKeys) {
  Key other = MakeKey(Algorithm::kHS256, 'b', "other");
  Key plain = *Key::Hmac(Algorithm::kHS256, Secret(std::string(32, 'c')));
  KeySet keys;
  keys.Add(key_);
  keys.Add(other);
  keys.Add(plain);
  Verifier verifier(keys, Policy());
  EXPECT_TRUE(verifier.Verify(Signer(other).Sign(Claims())));
  EXPECT_TRUE(verifier.Verify(Signer(plain).Sign(Claims())));  // no kid: tried in turn
  // kid names one key but the MAC is by another: no fallback.
  auto wrong = verifier.Verify(Craft(other, Algorithm::kHS256, R"({"alg":"HS256","kid":"main"})", Payload(Claims())));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::kBadSignature);
}

TEST_F(JwtTest, UnusableKidIsNotUnknownAndDoesNotFallBack) {
  KeySet keys;
  keys.Add(key_);
  ASSERT_FALSE(keys.AddJwk(boost::json::parse(R"({"kty":"oct","kid":"weak","k":")" +
                                              Base64UrlEncode(std::string(16, 'w')) + "\"}")
                               .as_object()));
  Verifier verifier(keys, Policy());
  Key weak_as_if = MakeKey(Algorithm::kHS256, 'a', "weak");  // MAC by the trusted key's secret
  auto refused = verifier.Verify(Signer(weak_as_if).Sign(Claims()));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kKeyUnusable);
}

TEST_F(JwtTest, NoKeysMeansKeyUnusable) {
  Verifier verifier(KeySet(), Policy());
  auto refused = verifier.Verify(Sign(Claims()));  // kid "main" is unknown
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kKidUnknown);
  auto no_kid = verifier.Verify(WithHeader(R"({"alg":"HS256"})"));
  ASSERT_FALSE(no_kid);
  EXPECT_EQ(no_kid.error().code, Errc::kKeyUnusable);
}

// ---------------------------------------------------------------------------------------
// 8: signature

TEST_F(JwtTest, RefusesAlteredOrTruncatedSignatures) {
  const std::string token = Sign(Claims());
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = token.rfind('.');
  // Altered payload, original MAC.
  boost::json::object raised = Claims();
  raised["sub"] = "admin";
  ExpectRefused(token.substr(0, dot1 + 1) + Base64UrlEncode(Payload(raised)) + token.substr(dot2), Errc::kBadSignature);
  // Altered header, original MAC.
  ExpectRefused(Base64UrlEncode(R"({"alg":"HS256","kid":"main","typ":"jwt"})") + token.substr(dot1),
                Errc::kBadSignature);
  // Flipped bit, stripped, truncated, extended.
  auto mac = *Base64UrlDecode(token.substr(dot2 + 1));
  std::string flipped = mac;
  flipped[0] ^= 0x01;
  const std::string input = token.substr(0, dot2 + 1);
  ExpectRefused(input + Base64UrlEncode(flipped), Errc::kBadSignature);
  ExpectRefused(input, Errc::kBadSignature);
  ExpectRefused(input + Base64UrlEncode(mac.substr(0, 16)), Errc::kBadSignature);
  ExpectRefused(input + Base64UrlEncode(mac.substr(0, 1)), Errc::kBadSignature);
  ExpectRefused(input + Base64UrlEncode(mac + "x"), Errc::kBadSignature);
  // Signed by an untrusted key with the same kid.
  ExpectRefused(Signer(MakeKey(Algorithm::kHS256, 'e', "main")).Sign(Claims()), Errc::kBadSignature);
}

TEST_F(JwtTest, SignatureIsCheckedBeforeClaims) {
  boost::json::object expired = Claims();
  expired["exp"] = kNow - 1000;
  const std::string token = Sign(expired);
  ExpectRefused(token, Errc::kExpired);
  std::string forged = token.substr(0, token.rfind('.') + 1) + Base64UrlEncode(std::string(32, '\0'));
  ExpectRefused(forged, Errc::kBadSignature);
}

// ---------------------------------------------------------------------------------------
// 9: claims

TEST_F(JwtTest, ExpiryIsExclusiveWithLeeway) {
  auto with_exp = [&](boost::json::value exp) {
    boost::json::object claims = Claims();
    claims["exp"] = std::move(exp);
    return Sign(claims);
  };
  VerifyPolicy policy = Policy();
  EXPECT_TRUE(MakeVerifier(policy).Verify(with_exp(kNow + 1)));
  ExpectRefused(with_exp(kNow), Errc::kExpired, policy);
  ExpectRefused(with_exp(kNow - 1), Errc::kExpired, policy);
  ExpectRefused(with_exp(0), Errc::kExpired, policy);
  EXPECT_TRUE(MakeVerifier(policy).Verify(with_exp(kNow + 0.5)));
  ExpectRefused(with_exp(kNow - 0.5), Errc::kExpired, policy);
  policy.leeway_seconds = 30;
  EXPECT_TRUE(MakeVerifier(policy).Verify(with_exp(kNow - 29)));
  EXPECT_TRUE(MakeVerifier(policy).Verify(with_exp(kNow - 29.5)));
  ExpectRefused(with_exp(kNow - 30), Errc::kExpired, policy);
  ExpectRefused(with_exp(kNow - 31), Errc::kExpired, policy);
}

TEST_F(JwtTest, NotBeforeIsInclusiveWithLeeway) {
  auto with_nbf = [&](boost::json::value nbf) {
    boost::json::object claims = Claims();
    claims["nbf"] = std::move(nbf);
    return Sign(claims);
  };
  VerifyPolicy policy = Policy();
  EXPECT_TRUE(MakeVerifier(policy).Verify(with_nbf(kNow)));
  ExpectRefused(with_nbf(kNow + 1), Errc::kNotYetValid, policy);
  ExpectRefused(with_nbf(kNow + 0.5), Errc::kNotYetValid, policy);
  policy.leeway_seconds = 30;
  EXPECT_TRUE(MakeVerifier(policy).Verify(with_nbf(kNow + 30)));
  ExpectRefused(with_nbf(kNow + 31), Errc::kNotYetValid, policy);
}

TEST_F(JwtTest, IssuedAtMustNotBeInTheFuture) {
  auto with_iat = [&](boost::json::value iat) {
    boost::json::object claims = Claims();
    claims["iat"] = std::move(iat);
    return Sign(claims);
  };
  VerifyPolicy policy = Policy();
  EXPECT_TRUE(MakeVerifier(policy).Verify(with_iat(kNow)));
  ExpectRefused(with_iat(kNow + 1), Errc::kIssuedInFuture, policy);
  policy.leeway_seconds = 30;
  EXPECT_TRUE(MakeVerifier(policy).Verify(with_iat(kNow + 30)));
  ExpectRefused(with_iat(kNow + 31), Errc::kIssuedInFuture, policy);
}

TEST_F(JwtTest, TimeClaimsMustBeNumbersInRange) {
  for (std::string_view name : {"exp", "nbf", "iat"}) {
    for (std::string_view bad : {R"("1767226200")", "true", "null", "[1767226200]", R"({"$date":1})", "-1",
                                 "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                                 "253402300800", "1e300"}) {
      boost::json::object claims = Claims();
      claims[name] = boost::json::parse(bad);
      ExpectRefused(Sign(claims), Errc::kClaimType);
    }
  }
  // The year-9999 ceiling itself is a valid exp.
  boost::json::object far = Claims();
  far["exp"] = 253402300799;
  EXPECT_TRUE(MakeVerifier().Verify(Sign(far)));
  // Exponent notation is compared by value.
  EXPECT_TRUE(MakeVerifier().Verify(Craft(key_, Algorithm::kHS256, R"({"alg":"HS256"})",
                                          R"({"iss":"https://issuer.example","aud":"stockroom-api","exp":1.8e9})")));
}

TEST_F(JwtTest, RequiredClaims) {
  VerifyPolicy policy = Policy();
  policy.required_claims = {"exp", "sub", "jti"};
  boost::json::object claims = Claims();
  ExpectRefused(Sign(claims), Errc::kMissingClaim, policy);  // no jti
  claims["jti"] = nullptr;
  ExpectRefused(Sign(claims), Errc::kMissingClaim, policy);
  claims["jti"] = "id";
  EXPECT_TRUE(MakeVerifier(policy).Verify(Sign(claims)));
  // exp is optional unless required.
  claims.erase("exp");
  ExpectRefused(Sign(claims), Errc::kMissingClaim, policy);
  policy.required_claims = {};
  EXPECT_TRUE(MakeVerifier(policy).Verify(Sign(claims)));
}

TEST_F(JwtTest, IssuerMustMatchExactly) {
  auto with_iss = [&](boost::json::value iss) {
    boost::json::object claims = Claims();
    claims["iss"] = std::move(iss);
    return Sign(claims);
  };
  for (std::string_view bad : {"https://Issuer.example", "https://issuer.example/", "issuer.example",
                               "https://issuer.example.evil", "", " https://issuer.example"}) {
    ExpectRefused(with_iss(boost::json::string(bad)), Errc::kIssuerMismatch);
  }
  ExpectRefused(with_iss(nullptr), Errc::kIssuerMismatch);
  ExpectRefused(with_iss(42), Errc::kClaimType);
  ExpectRefused(with_iss(boost::json::array{"https://issuer.example"}), Errc::kClaimType);
  boost::json::object none = Claims();
  none.erase("iss");
  ExpectRefused(Sign(none), Errc::kIssuerMismatch);
  EXPECT_TRUE(MakeVerifier().Verify(Craft(
      key_, Algorithm::kHS256, R"({"alg":"HS256"})",
      R"({"iss":"https:\/\/issuer.\u0065xample","aud":"stockroom-api","exp":1800000000})")));
}

TEST_F(JwtTest, AudienceMustBeNamed) {
  auto with_aud = [&](boost::json::value aud) {
    boost::json::object claims = Claims();
    claims["aud"] = std::move(aud);
    return Sign(claims);
  };
  EXPECT_TRUE(MakeVerifier().Verify(with_aud("stockroom-api")));
  EXPECT_TRUE(MakeVerifier().Verify(with_aud(boost::json::array{"billing", "stockroom-api"})));
  for (std::string_view bad : {"STOCKROOM-API", "stockroom-api-admin", "stockroom", ""}) {
    ExpectRefused(with_aud(boost::json::string(bad)), Errc::kAudienceMismatch);
  }
  ExpectRefused(with_aud(boost::json::array{}), Errc::kAudienceMismatch);
  ExpectRefused(with_aud(boost::json::array{"billing", ""}), Errc::kAudienceMismatch);
  ExpectRefused(with_aud(nullptr), Errc::kAudienceMismatch);
  ExpectRefused(with_aud(boost::json::array{123, "stockroom-api"}), Errc::kClaimType);
  ExpectRefused(with_aud(boost::json::object{{"0", "stockroom-api"}}), Errc::kClaimType);
  ExpectRefused(with_aud(7), Errc::kClaimType);
  boost::json::object none = Claims();
  none.erase("aud");
  ExpectRefused(Sign(none), Errc::kAudienceMismatch);

  // RFC 7519 s.4.1.3: with no audience configured, a token naming one is refused.
  VerifyPolicy no_audience = Policy();
  no_audience.audience.reset();
  ExpectRefused(with_aud("stockroom-api"), Errc::kAudienceMismatch, no_audience);
  EXPECT_TRUE(MakeVerifier(no_audience).Verify(Sign(none)));
}

TEST_F(JwtTest, DefaultClockIsTheSystemClock) {
  VerifyPolicy policy = Policy();
  policy.now = nullptr;
  boost::json::object claims = Claims();
  claims["iat"] = 1;  // long ago
  claims["exp"] = 253402300799;
  EXPECT_TRUE(MakeVerifier(policy).Verify(Sign(claims)));
  claims["exp"] = 1000;  // 1970
  ExpectRefused(Sign(claims), Errc::kExpired, policy);
}

// ---------------------------------------------------------------------------------------
// The fast path (docs/jose.md "How verification is fast"): no rule is weaker for it

TEST_F(JwtTest, DuplicateNamesSpelledWithEscapesAreRefused) {
  ExpectRefused(WithHeader(R"({"alg":"HS256","\u0061lg":"none"})"), Errc::kHeaderJson);
  ExpectRefused(WithHeader(R"({"\u0061\u006c\u0067":"HS256","alg":"HS256"})"), Errc::kHeaderJson);
  const std::string header = R"({"alg":"HS256"})";
  ExpectRefused(Craft(key_, Algorithm::kHS256, header,
                      R"({"iss":"https://issuer.example","aud":"stockroom-api","exp":1800000000,"\u0065xp":1})"),
                Errc::kPayloadJson);
  ExpectRefused(Craft(key_, Algorithm::kHS256, header,
                      R"({"iss":"https://issuer.example","aud":"stockroom-api","exp":1800000000,"x":{"k":1,"\u006b":2}})"),
                Errc::kPayloadJson);
  // In a claims set too large for pairwise comparison as well.
  std::string many = R"({"iss":"https://issuer.example","aud":"stockroom-api","exp":1800000000)";
  for (int i = 0; i < 40; ++i) many += ",\"c" + std::to_string(i) + "\":" + std::to_string(i);
  EXPECT_TRUE(MakeVerifier().Verify(Craft(key_, Algorithm::kHS256, header, many + "}")));
  ExpectRefused(Craft(key_, Algorithm::kHS256, header, many + ",\"c\\u0031\":0}"), Errc::kPayloadJson);
}

TEST_F(JwtTest, ClaimNamesAndValuesAreReadAfterUnescaping) {
  const std::string header = R"({"\u0061lg":"HS\u0032\u0035\u0036","typ":"\u004a\u0057\u0054"})";
  VerifyPolicy policy = Policy();
  policy.typ = "JWT";
  policy.required_claims = {"exp", "sub"};
  // An escaped exp is the exp: expired.
  ExpectRefused(Craft(key_, Algorithm::kHS256, header,
                      R"({"iss":"https://issuer.example","aud":"stockroom-api","sub":"s","\u0065xp":1000})"),
                Errc::kExpired, policy);
  // An escaped required claim is present.
  auto ok = MakeVerifier(policy).Verify(Craft(
      key_, Algorithm::kHS256, header,
      R"({"\u0069ss":"https:\/\/issuer.example","aud":["x","stockroom-\u0061pi"],"\u0073ub":"us\u00e9r","exp":1800000000})"));
  ASSERT_TRUE(ok) << ok.error().detail;
  EXPECT_EQ(ok->StringClaim("sub"), "us\xc3\xa9r");
  EXPECT_EQ(ok->StringClaim("iss"), "https://issuer.example");
  EXPECT_EQ(ok->header().at("alg").as_string(), "HS256");
  // A required claim whose name only starts like it is absent.
  ExpectRefused(Craft(key_, Algorithm::kHS256, header,
                      R"({"iss":"https://issuer.example","aud":"stockroom-api","subject":"s","exp":1800000000})"),
                Errc::kMissingClaim, policy);
}

TEST_F(JwtTest, NumericDatesAreComparedByValue) {
  const std::string header = R"({"alg":"HS256"})";
  auto with_exp = [&](std::string_view exp) {
    return Craft(key_, Algorithm::kHS256, header,
                 R"({"iss":"https://issuer.example","aud":"stockroom-api","exp":)" + std::string(exp) + "}");
  };
  EXPECT_TRUE(MakeVerifier().Verify(with_exp("1767225600.5")));  // kNow + 0.5
  EXPECT_TRUE(MakeVerifier().Verify(with_exp("1.7672256005e9")));
  EXPECT_TRUE(MakeVerifier().Verify(with_exp("17672256010E-1")));
  ExpectRefused(with_exp("1767225600"), Errc::kExpired);  // exclusive
  ExpectRefused(with_exp("1767225600.0"), Errc::kExpired);
  ExpectRefused(with_exp("1e-400"), Errc::kExpired);  // underflows to 0
  ExpectRefused(with_exp("-0"), Errc::kExpired);
  ExpectRefused(with_exp("-1.5"), Errc::kClaimType);
  ExpectRefused(with_exp("-74999603540"), Errc::kClaimType);  // found by the fuzzer: signed overflow
  ExpectRefused(with_exp("-9"), Errc::kClaimType);
  ExpectRefused(with_exp("253402300799.5"), Errc::kClaimType);
  ExpectRefused(with_exp("99999999999999999999"), Errc::kClaimType);
  ExpectRefused(with_exp("1e400"), Errc::kPayloadJson);  // not a double at all
  ExpectRefused(with_exp("01767225601"), Errc::kPayloadJson);
  ExpectRefused(with_exp(R"("1800000000")"), Errc::kClaimType);
}

TEST_F(JwtTest, VerifiedTokenReadsClaimsAndParsesTreesOnDemand) {
  const std::string payload =
      R"({"iss":"https://issuer.example","aud":"stockroom-api","exp":1800000000,"sub":"a\"b","n":-2.5,"big":)"
      R"(18446744073709551615,"role":"staff","nested":{"x":[1,2]}})";
  const std::string token = Craft(key_, Algorithm::kHS256, R"({"alg":"HS256","kid":"main"})", payload);
  auto verified = MakeVerifier().Verify(token);
  ASSERT_TRUE(verified) << verified.error().detail;
  EXPECT_EQ(verified->payload(), payload);
  EXPECT_EQ(verified->StringClaim("role"), "staff");
  EXPECT_EQ(verified->StringClaim("sub"), "a\"b");
  EXPECT_FALSE(verified->StringClaim("nested"));
  EXPECT_EQ(verified->NumberClaim("exp"), 1800000000.0);
  EXPECT_EQ(verified->NumberClaim("n"), -2.5);
  EXPECT_EQ(verified->NumberClaim("big"), 18446744073709551615.0);
  EXPECT_FALSE(verified->NumberClaim("role"));
  EXPECT_FALSE(verified->NumberClaim("missing"));
  EXPECT_EQ(boost::json::value(verified->claims()), boost::json::parse(payload));
  EXPECT_EQ(boost::json::serialize(verified->header()), R"({"alg":"HS256","kid":"main"})");

  // Copies and moves keep everything, and a copy parses its own trees.
  VerifiedToken copy = *verified;
  VerifiedToken moved = std::move(*verified);
  for (const VerifiedToken* token_ptr : {&copy, &moved}) {
    EXPECT_EQ(token_ptr->StringClaim("sub"), "a\"b");
    EXPECT_EQ(token_ptr->claims().at("role").as_string(), "staff");
    EXPECT_EQ(token_ptr->header().at("kid").as_string(), "main");
    EXPECT_EQ(token_ptr->algorithm(), Algorithm::kHS256);
    EXPECT_EQ(token_ptr->payload(), payload);
  }
  copy = moved;
  EXPECT_EQ(copy.StringClaim("role"), "staff");

  // The first claims() and header() may come from several threads at once.
  for (int round = 0; round < 20; ++round) {
    auto fresh = MakeVerifier().Verify(token);
    ASSERT_TRUE(fresh);
    std::vector<const boost::json::object*> seen(8);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < seen.size(); ++t) {
      threads.emplace_back([&, t] {
        seen[t] = t % 2 ? &fresh->claims() : &fresh->header();
        (void)fresh->StringClaim("sub");
      });
    }
    for (auto& thread : threads) thread.join();
    for (std::size_t t = 0; t < seen.size(); ++t) EXPECT_EQ(seen[t], t % 2 ? &fresh->claims() : &fresh->header());
  }
}

TEST_F(JwtTest, SignerRefusesKeyThatCannotSign) {
  auto verify_only = Key::FromJwk(boost::json::parse(R"({"kty":"oct","key_ops":["verify"],"k":")" +
                                                     Base64UrlEncode(std::string(32, 'a')) + "\"}")
                                      .as_object());
  ASSERT_TRUE(verify_only);
  EXPECT_THROW(Signer{*verify_only}, std::invalid_argument);
}

}  // namespace
}  // namespace stockroom::jose
