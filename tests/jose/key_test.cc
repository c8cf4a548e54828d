#include "stockroom/jose/key.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "stockroom/jose/base64url.h"

namespace stockroom::jose {
namespace {

std::string Bytes(std::size_t n, char fill = 'k') { return std::string(n, fill); }

boost::json::object Jwk(std::string_view json) { return boost::json::parse(json).as_object(); }

boost::json::object OctJwk(std::size_t secret_bytes, std::string_view extra = "") {
  std::string json = R"({"kty":"oct","k":")" + Base64UrlEncode(Bytes(secret_bytes)) + "\"";
  if (!extra.empty()) json += "," + std::string(extra);
  return Jwk(json + "}");
}

// A secret has no stream output and no implicit conversion to or from a string.
template <class T, class = void>
struct Streamable : std::false_type {};
template <class T>
struct Streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>>
    : std::true_type {};
static_assert(!Streamable<Secret>::value);
static_assert(!std::is_convertible_v<Secret, std::string>);
static_assert(!std::is_convertible_v<Secret, std::string_view>);
static_assert(!std::is_convertible_v<std::string, Secret>);

TEST(SecretTest, HoldsBytesAndCopies) {
  Secret secret(Bytes(32));
  EXPECT_EQ(secret.size(), 32u);
  Secret copy = secret;
  EXPECT_EQ(copy.size(), 32u);
  Secret moved = std::move(copy);
  EXPECT_EQ(moved.size(), 32u);
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_EQ(moved.bytes()[0], 'k');
}

TEST(KeyTest, HmacBindsAlgorithmAndKid) {
  auto key = Key::Hmac(Algorithm::kHS384, Secret(Bytes(48)), "k1");
  ASSERT_TRUE(key) << key.error().detail;
  EXPECT_EQ(key->algorithm(), Algorithm::kHS384);
  EXPECT_TRUE(key->algorithm_pinned());
  EXPECT_EQ(key->type(), KeyType::kOct);
  ASSERT_TRUE(key->kid());
  EXPECT_EQ(*key->kid(), "k1");
  EXPECT_TRUE(key->CheckUsable(Algorithm::kHS384, KeyOp::kVerify));
  EXPECT_TRUE(key->CheckUsable(Algorithm::kHS384, KeyOp::kSign));
  auto other = key->CheckUsable(Algorithm::kHS256, KeyOp::kVerify);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::kKeyUnusable);
}

TEST(KeyTest, HmacWithoutKid) {
  auto key = Key::Hmac(Algorithm::kHS256, Secret(Bytes(32)));
  ASSERT_TRUE(key);
  EXPECT_FALSE(key->kid());
}

TEST(KeyTest, HmacRefusesSecretShorterThanHash) {
  struct Case {
    Algorithm alg;
    std::size_t bytes;
  };
  for (Case c : {Case{Algorithm::kHS256, 31}, Case{Algorithm::kHS256, 0}, Case{Algorithm::kHS384, 47},
                 Case{Algorithm::kHS384, 32}, Case{Algorithm::kHS512, 63}}) {
    auto key = Key::Hmac(c.alg, Secret(Bytes(c.bytes)));
    ASSERT_FALSE(key) << AlgorithmName(c.alg) << " " << c.bytes;
    EXPECT_EQ(key.error().code, Errc::kKeyUnusable);
  }
  EXPECT_TRUE(Key::Hmac(Algorithm::kHS256, Secret(Bytes(100))));
}

TEST(KeyTest, HmacMatchesRfc4231) {
  // RFC 4231 test case 2 uses a 4-byte key, which we refuse; test case 6/7 use 131-byte keys.
  const std::string key_bytes(131, '\xaa');
  auto key = Key::Hmac(Algorithm::kHS256, Secret(key_bytes));
  ASSERT_TRUE(key);
  auto mac = key->Sign(Algorithm::kHS256, "Test Using Larger Than Block-Size Key - Hash Key First");
  ASSERT_TRUE(mac);
  EXPECT_EQ(Base64UrlEncode(*mac), Base64UrlEncode(std::string(
                                       "\x60\xe4\x31\x59\x1e\xe0\xb6\x7f\x0d\x8a\x26\xaa\xcb\xf5\xb7\x7f"
                                       "\x8e\x0b\xc6\x21\x37\x28\xc5\x14\x05\x46\x04\x0f\x0e\xe3\x7f\x54",
                                       32)));
}

// HMAC runs on prepared digest contexts (key.cc): it must equal OpenSSL's own HMAC for keys
// shorter than, as long as and longer than the hash block (which are hashed first), for every
// message length around the block boundaries, and stay equal when contexts are reused.
TEST(KeyTest, HmacEqualsOpenSslHmacForEveryKeyAndMessageLength) {
  for (Algorithm alg : {Algorithm::kHS256, Algorithm::kHS384, Algorithm::kHS512}) {
    for (std::size_t key_size : {HashBytes(alg), std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{127},
                                 std::size_t{128}, std::size_t{129}, std::size_t{300}}) {
      if (key_size < HashBytes(alg)) continue;
      std::string secret(key_size, '\0');
      for (std::size_t i = 0; i < key_size; ++i) secret[i] = static_cast<char>(i * 7 + key_size);
      auto key = Key::Hmac(alg, Secret(std::string(secret)));
      ASSERT_TRUE(key) << key.error().detail;
      for (std::size_t length : {0, 1, 55, 56, 63, 64, 111, 112, 127, 128, 300, 1000}) {
        const std::string message(length, static_cast<char>('a' + length % 26));
        unsigned char expected[EVP_MAX_MD_SIZE];
        std::size_t expected_len = 0;
        ASSERT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, DigestName(alg), nullptr, secret.data(), secret.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size(), expected,
                            sizeof expected, &expected_len),
                  nullptr);
        const std::string want(reinterpret_cast<const char*>(expected), expected_len);
        for (int repeat = 0; repeat < 2; ++repeat) {  // the second run reuses a context
          auto mac = key->Sign(alg, message);
          ASSERT_TRUE(mac);
          EXPECT_EQ(*mac, want) << AlgorithmName(alg) << " key " << key_size << " message " << length;
          EXPECT_TRUE(key->Verify(alg, message, want));
        }
      }
    }
  }
}

TEST(KeyTest, VerifyChecksExactLengthAndValue) {
  auto key = Key::Hmac(Algorithm::kHS256, Secret(Bytes(32)));
  ASSERT_TRUE(key);
  auto mac = key->Sign(Algorithm::kHS256, "input");
  ASSERT_TRUE(mac);
  EXPECT_TRUE(key->Verify(Algorithm::kHS256, "input", *mac));
  std::string flipped = *mac;
  flipped[31] ^= 1;
  EXPECT_EQ(key->Verify(Algorithm::kHS256, "input", flipped).error().code, Errc::kBadSignature);
  EXPECT_EQ(key->Verify(Algorithm::kHS256, "input", mac->substr(0, 16)).error().code, Errc::kBadSignature);
  EXPECT_EQ(key->Verify(Algorithm::kHS256, "input", *mac + "x").error().code, Errc::kBadSignature);
  EXPECT_EQ(key->Verify(Algorithm::kHS256, "input", "").error().code, Errc::kBadSignature);
  EXPECT_EQ(key->Verify(Algorithm::kHS256, "inpuT", *mac).error().code, Errc::kBadSignature);
  EXPECT_EQ(key->Verify(Algorithm::kHS512, "input", *mac).error().code, Errc::kKeyUnusable);
}

TEST(KeyTest, ConcurrentUseIsSafe) {
  auto key = Key::Hmac(Algorithm::kHS512, Secret(Bytes(64)));
  ASSERT_TRUE(key);
  auto expected = key->Sign(Algorithm::kHS512, "shared input");
  ASSERT_TRUE(expected);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        auto mac = key->Sign(Algorithm::kHS512, "shared input");
        if (!mac || *mac != *expected || !key->Verify(Algorithm::kHS512, "shared input", *mac)) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(KeyTest, JwkWithoutAlgIsUsableForEveryHashItsSecretMeets) {
  auto key48 = Key::FromJwk(OctJwk(48, R"("kid":"k")"));
  ASSERT_TRUE(key48) << key48.error().detail;
  EXPECT_FALSE(key48->algorithm_pinned());
  EXPECT_EQ(key48->algorithm(), Algorithm::kHS384);  // the strongest it allows
  EXPECT_TRUE(key48->CheckUsable(Algorithm::kHS256, KeyOp::kVerify));
  EXPECT_TRUE(key48->CheckUsable(Algorithm::kHS384, KeyOp::kVerify));
  EXPECT_EQ(key48->CheckUsable(Algorithm::kHS512, KeyOp::kVerify).error().code, Errc::kKeyUnusable);

  auto key32 = Key::FromJwk(OctJwk(32));
  ASSERT_TRUE(key32);
  EXPECT_EQ(key32->algorithm(), Algorithm::kHS256);
  EXPECT_EQ(key32->CheckUsable(Algorithm::kHS384, KeyOp::kVerify).error().code, Errc::kKeyUnusable);
}

TEST(KeyTest, JwkAlgPinsTheKey) {
  auto key = Key::FromJwk(OctJwk(64, R"("alg":"HS256")"));
  ASSERT_TRUE(key);
  EXPECT_TRUE(key->algorithm_pinned());
  EXPECT_EQ(key->algorithm(), Algorithm::kHS256);
  EXPECT_TRUE(key->CheckUsable(Algorithm::kHS256, KeyOp::kVerify));
  EXPECT_EQ(key->CheckUsable(Algorithm::kHS512, KeyOp::kVerify).error().code, Errc::kKeyUnusable);
}

TEST(KeyTest, JwkUseAndKeyOps) {
  EXPECT_TRUE(Key::FromJwk(OctJwk(32, R"("use":"sig")")));
  auto enc = Key::FromJwk(OctJwk(32, R"("use":"enc")"));
  ASSERT_FALSE(enc);
  EXPECT_EQ(enc.error().code, Errc::kKeyUnusable);
  auto encrypt = Key::FromJwk(OctJwk(32, R"("key_ops":["encrypt"])"));
  ASSERT_FALSE(encrypt);
  EXPECT_EQ(encrypt.error().code, Errc::kKeyUnusable);

  auto verify_only = Key::FromJwk(OctJwk(32, R"("key_ops":["verify"])"));
  ASSERT_TRUE(verify_only);
  EXPECT_TRUE(verify_only->CheckUsable(Algorithm::kHS256, KeyOp::kVerify));
  EXPECT_EQ(verify_only->CheckUsable(Algorithm::kHS256, KeyOp::kSign).error().code, Errc::kKeyUnusable);
  EXPECT_EQ(verify_only->Sign(Algorithm::kHS256, "x").error().code, Errc::kKeyUnusable);
}

TEST(KeyTest, JwkRefusesKeysUsableForNothing) {
  for (const auto& jwk : {OctJwk(16), OctJwk(0), OctJwk(31), OctJwk(32, R"("alg":"HS384")"),
                          OctJwk(64, R"("alg":"RS256")"), OctJwk(64, R"("alg":"none")"), OctJwk(64, R"("alg":"hs256")"),
                          Jwk(R"({"kty":"RSA","n":"AQAB","e":"AQAB"})"), Jwk(R"({"kty":"OCT","k":"AAAA"})")}) {
    auto key = Key::FromJwk(jwk);
    ASSERT_FALSE(key) << boost::json::serialize(jwk);
    EXPECT_EQ(key.error().code, Errc::kKeyUnusable) << boost::json::serialize(jwk);
  }
}

TEST(KeyTest, JwkRefusesMalformedMembers) {
  const std::string k = Base64UrlEncode(Bytes(32));
  for (std::string json : {std::string(R"({"k":")") + k + "\"}", std::string(R"({"kty":1,"k":")") + k + "\"}",
                           std::string(R"({"kty":"oct"})"), std::string(R"({"kty":"oct","k":1})"),
                           std::string(R"({"kty":"oct","k":")") + k + "=\"}",
                           std::string(R"({"kty":"oct","k":")") + k + R"(","kid":7})",
                           std::string(R"({"kty":"oct","k":")") + k + R"(","alg":["HS256"]})",
                           std::string(R"({"kty":"oct","k":")") + k + R"(","use":true})",
                           std::string(R"({"kty":"oct","k":")") + k + R"(","key_ops":"verify"})",
                           std::string(R"({"kty":"oct","k":")") + k + R"(","key_ops":[1]})",
                           std::string(R"({"kty":"oct","k":")") + k + R"(","key_ops":["verify","verify"]})"}) {
    auto key = Key::FromJwk(Jwk(json));
    ASSERT_FALSE(key) << json;
    EXPECT_EQ(key.error().code, Errc::kJwkInvalid) << json;
  }
}

TEST(KeyTest, ToJwkRoundTrips) {
  auto key = Key::Hmac(Algorithm::kHS512, Secret(Bytes(64, 'z')), "kid-1");
  ASSERT_TRUE(key);
  boost::json::object full = key->ToJwk(/*include_private=*/true);
  EXPECT_EQ(full.at("kty").as_string(), "oct");
  EXPECT_EQ(full.at("alg").as_string(), "HS512");
  EXPECT_EQ(full.at("kid").as_string(), "kid-1");
  EXPECT_EQ(full.at("k").as_string(), Base64UrlEncode(Bytes(64, 'z')));
  auto again = Key::FromJwk(full);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->algorithm(), Algorithm::kHS512);
  EXPECT_TRUE(again->algorithm_pinned());
  EXPECT_EQ(*again->Sign(Algorithm::kHS512, "m"), *key->Sign(Algorithm::kHS512, "m"));

  boost::json::object public_part = key->ToJwk(/*include_private=*/false);
  EXPECT_FALSE(public_part.contains("k"));
  EXPECT_EQ(public_part.at("kid").as_string(), "kid-1");

  auto ops = Key::FromJwk(OctJwk(32, R"("use":"sig","key_ops":["sign","verify"])"));
  ASSERT_TRUE(ops);
  boost::json::object jwk = ops->ToJwk(false);
  EXPECT_EQ(jwk.at("use").as_string(), "sig");
  EXPECT_EQ(jwk.at("key_ops").as_array().size(), 2u);
}

TEST(KeySetTest, FindsByExactKid) {
  KeySet set;
  set.Add(*Key::Hmac(Algorithm::kHS256, Secret(Bytes(32, 'a')), "main"));
  set.Add(*Key::Hmac(Algorithm::kHS256, Secret(Bytes(32, 'b')), "other"));
  set.Add(*Key::Hmac(Algorithm::kHS256, Secret(Bytes(32, 'c'))));
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(set.FindByKid("main").size(), 1u);
  EXPECT_TRUE(set.FindByKid("MAIN").empty());
  EXPECT_TRUE(set.FindByKid(std::string_view("main\0x", 6)).empty());
  EXPECT_TRUE(set.FindByKid("").empty());
}

TEST(KeySetTest, RemembersUnusableKids) {
  KeySet set;
  auto weak = set.AddJwk(OctJwk(16, R"("kid":"weak")"));
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().code, Errc::kKeyUnusable);
  EXPECT_TRUE(set.empty());
  ASSERT_NE(set.UnusableKid("weak"), nullptr);
  EXPECT_EQ(set.UnusableKid("weak")->code, Errc::kKeyUnusable);
  EXPECT_EQ(set.UnusableKid("strong"), nullptr);
  EXPECT_TRUE(set.AddJwk(OctJwk(32, R"("kid":"strong")")));
  EXPECT_EQ(set.size(), 1u);
}

TEST(KeySetTest, FromJwks) {
  boost::json::value jwks = boost::json::parse(R"({"keys":[)" + boost::json::serialize(OctJwk(32, R"("kid":"a")")) +
                                               "," + boost::json::serialize(OctJwk(8, R"("kid":"b")")) + "," +
                                               R"({"kty":"EC","crv":"P-256","kid":"c"}]})");
  auto set = KeySet::FromJwks(jwks);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->size(), 1u);
  EXPECT_NE(set->UnusableKid("b"), nullptr);
  EXPECT_NE(set->UnusableKid("c"), nullptr);
  for (std::string_view bad : {R"([])", R"({"keys":{}})", R"({"keys":[1]})", R"({})"}) {
    auto refused = KeySet::FromJwks(boost::json::parse(bad));
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, Errc::kJwkInvalid);
  }
}

}  // namespace
}  // namespace stockroom::jose

namespace stockroom::jose {
namespace {

// ---------------------------------------------------------------------------------------
// Asymmetric keys

TEST(AsymmetricKeyTest, GeneratedKeysSignAndVerifyWithTheirAlgorithmOnly) {
  for (Algorithm alg : AllAlgorithms()) {
    if (AlgorithmKeyType(alg) == KeyType::kOct) continue;
    auto key = Key::Generate(alg);
    ASSERT_TRUE(key) << AlgorithmName(alg) << ": " << key.error().detail;
    EXPECT_EQ(key->algorithm(), alg);
    EXPECT_TRUE(key->has_private());
    ASSERT_TRUE(key->kid());
    EXPECT_EQ(*key->kid(), key->Thumbprint());
    auto signature = key->Sign(alg, "header.payload");
    ASSERT_TRUE(signature) << AlgorithmName(alg);
    EXPECT_TRUE(key->Verify(alg, "header.payload", *signature)) << AlgorithmName(alg);
    auto altered = key->Verify(alg, "header.payloaD", *signature);
    ASSERT_FALSE(altered);
    EXPECT_EQ(altered.error().code, Errc::kBadSignature);
    for (Algorithm other : AllAlgorithms()) {
      if (other == alg) continue;
      auto refused = key->Verify(other, "header.payload", *signature);
      ASSERT_FALSE(refused) << AlgorithmName(alg) << " key used for " << AlgorithmName(other);
      EXPECT_EQ(refused.error().code, Errc::kKeyUnusable);
    }
  }
}

TEST(AsymmetricKeyTest, PublicJwkRoundTripVerifiesButCannotSign) {
  for (Algorithm alg : {Algorithm::kRS256, Algorithm::kPS384, Algorithm::kES256, Algorithm::kES384,
                        Algorithm::kES512, Algorithm::kEdDSA}) {
    Key key = *Key::Generate(alg, "k1");
    boost::json::object public_jwk = key.ToJwk(/*include_private=*/false);
    EXPECT_FALSE(public_jwk.contains("d")) << AlgorithmName(alg);
    EXPECT_FALSE(public_jwk.contains("p"));
    auto verifier = Key::FromJwk(public_jwk);
    ASSERT_TRUE(verifier) << AlgorithmName(alg) << ": " << verifier.error().detail;
    EXPECT_FALSE(verifier->has_private());
    EXPECT_EQ(verifier->Thumbprint(), key.Thumbprint());
    const std::string signature = *key.Sign(alg, "m");
    EXPECT_TRUE(verifier->Verify(alg, "m", signature));
    auto cannot = verifier->Sign(alg, "m");
    ASSERT_FALSE(cannot);
    EXPECT_EQ(cannot.error().code, Errc::kKeyUnusable);

    auto private_again = Key::FromJwk(key.ToJwk(/*include_private=*/true));
    ASSERT_TRUE(private_again) << AlgorithmName(alg) << ": " << private_again.error().detail;
    EXPECT_TRUE(key.Verify(alg, "m", *private_again->Sign(alg, "m")));
  }
}

TEST(AsymmetricKeyTest, PemRoundTrip) {
  for (Algorithm alg : {Algorithm::kRS256, Algorithm::kES256, Algorithm::kEdDSA}) {
    Key key = *Key::Generate(alg);
    const std::string private_pem = key.ToPem(true);
    const std::string public_pem = key.ToPem(false);
    EXPECT_NE(private_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
    EXPECT_NE(public_pem.find("BEGIN PUBLIC KEY"), std::string::npos);
    auto signer = Key::FromPem(private_pem, alg);
    auto verifier = Key::FromPem(public_pem, alg);
    ASSERT_TRUE(signer && verifier) << AlgorithmName(alg);
    EXPECT_TRUE(verifier->Verify(alg, "m", *signer->Sign(alg, "m")));
    EXPECT_FALSE(verifier->has_private());
    // A PEM key is pinned to the algorithm it was loaded for, and must fit it.
    const Algorithm wrong = alg == Algorithm::kEdDSA ? Algorithm::kES256 : Algorithm::kEdDSA;
    auto misfit = Key::FromPem(public_pem, wrong);
    ASSERT_FALSE(misfit);
    EXPECT_EQ(misfit.error().code, Errc::kKeyUnusable);
  }
  EXPECT_EQ(Key::FromPem("not a pem", Algorithm::kRS256).error().code, Errc::kJwkInvalid);
  EXPECT_EQ(Key::FromPem(Key::Generate(Algorithm::kRS256)->ToPem(false), Algorithm::kHS256).error().code,
            Errc::kKeyUnusable);
}

TEST(AsymmetricKeyTest, Rfc8037ThumbprintExample) {
  // RFC 8037 appendix A.2 and A.3.
  auto key = Key::FromJwk(Jwk(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"));
  ASSERT_TRUE(key);
  EXPECT_EQ(key->Thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  EXPECT_EQ(key->algorithm(), Algorithm::kEdDSA);
}

TEST(AsymmetricKeyTest, WeakOrMalformedKeysAreRefusedAtLoad) {
  // RSA under 2048 bits: RFC 7518 s.3.3.
  const std::string n1024 = Base64UrlEncode(std::string(128, '\xc5'));
  auto weak = Key::FromJwk(Jwk(R"({"kty":"RSA","e":"AQAB","n":")" + n1024 + "\"}"));
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().code, Errc::kKeyUnusable);

  boost::json::object rsa = Key::Generate(Algorithm::kRS256)->ToJwk(false);
  boost::json::object even = rsa;
  even["e"] = Base64UrlEncode(std::string("\x01\x00\x00", 3));
  EXPECT_EQ(Key::FromJwk(even).error().code, Errc::kKeyUnusable);
  boost::json::object one = rsa;
  one["e"] = "AQ";
  EXPECT_EQ(Key::FromJwk(one).error().code, Errc::kKeyUnusable);
  boost::json::object no_n = rsa;
  no_n.erase("n");
  EXPECT_EQ(Key::FromJwk(no_n).error().code, Errc::kJwkInvalid);

  boost::json::object ec = Key::Generate(Algorithm::kES256)->ToJwk(false);
  boost::json::object off_curve = ec;
  std::string y = *Base64UrlDecode(ec.at("y").as_string());
  y.back() = static_cast<char>(y.back() ^ 1);
  off_curve["y"] = Base64UrlEncode(y);
  EXPECT_EQ(Key::FromJwk(off_curve).error().code, Errc::kJwkInvalid);
  boost::json::object short_x = ec;
  short_x["x"] = Base64UrlEncode(std::string(31, 'x'));
  EXPECT_EQ(Key::FromJwk(short_x).error().code, Errc::kJwkInvalid);
  boost::json::object other_curve = ec;
  other_curve["crv"] = "secp256k1";
  EXPECT_EQ(Key::FromJwk(other_curve).error().code, Errc::kKeyUnusable);

  boost::json::object okp = Key::Generate(Algorithm::kEdDSA)->ToJwk(true);
  boost::json::object mismatched = okp;
  mismatched["x"] = Key::Generate(Algorithm::kEdDSA)->ToJwk(false).at("x");
  EXPECT_EQ(Key::FromJwk(mismatched).error().code, Errc::kJwkInvalid);
  boost::json::object ed448 = okp;
  ed448["crv"] = "Ed448";
  EXPECT_EQ(Key::FromJwk(ed448).error().code, Errc::kKeyUnusable);
}

TEST(AsymmetricKeyTest, APrivatePartMustBelongToItsPublicPart) {
  for (Algorithm alg : {Algorithm::kES256, Algorithm::kES512,
                        Algorithm::kRS256}) {
    boost::json::object mine = Key::Generate(alg)->ToJwk(true);
    boost::json::object other = Key::Generate(alg)->ToJwk(true);
    mine["d"] = other.at("d");
    for (const char* crt : {"p", "q", "dp", "dq", "qi"}) mine.erase(crt);
    auto mixed = Key::FromJwk(mine);
    ASSERT_FALSE(mixed) << AlgorithmName(alg);
    EXPECT_EQ(mixed.error().code, Errc::kJwkInvalid) << AlgorithmName(alg);
  }
  boost::json::object zero = Key::Generate(Algorithm::kES256)->ToJwk(true);
  zero["d"] = Base64UrlEncode(std::string(32, '\0'));
  EXPECT_FALSE(Key::FromJwk(zero));
  // An RSA private key without the CRT values is fine when it is a real pair.
  boost::json::object no_crt = Key::Generate(Algorithm::kRS256)->ToJwk(true);
  for (const char* crt : {"p", "q", "dp", "dq", "qi"}) no_crt.erase(crt);
  auto plain = Key::FromJwk(no_crt);
  ASSERT_TRUE(plain) << plain.error().detail;
  EXPECT_TRUE(plain->Verify(Algorithm::kRS256, "m", *plain->Sign(Algorithm::kRS256, "m")));
}

// RFC 7518 s.6.3.2 makes the CRT members of a private RSA JWK optional. Without them the key
// derives them (OpenSSL writes PKCS#8 only with them): ToPem(true) must give a loadable key, and
// the JWK written back carries the same CRT values as the complete one.
TEST(AsymmetricKeyTest, RsaPrivateJwkWithoutCrtMembersExportsPem) {
  const Key original = *Key::Generate(Algorithm::kRS256, "k");
  const boost::json::object full = original.ToJwk(true);
  boost::json::object no_crt = full;
  for (const char* crt : {"p", "q", "dp", "dq", "qi"}) no_crt.erase(crt);
  auto loaded = Key::FromJwk(no_crt);
  ASSERT_TRUE(loaded) << loaded.error().detail;
  EXPECT_TRUE(loaded->has_private());

  const std::string pem = loaded->ToPem(true);
  ASSERT_FALSE(pem.empty());
  EXPECT_NE(pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  auto from_pem = Key::FromPem(pem, Algorithm::kRS256);
  ASSERT_TRUE(from_pem) << from_pem.error().detail;
  EXPECT_TRUE(from_pem->has_private());
  EXPECT_EQ(from_pem->Thumbprint(), original.Thumbprint());
  auto signature = from_pem->Sign(Algorithm::kRS256, "message");
  ASSERT_TRUE(signature);
  EXPECT_TRUE(original.Verify(Algorithm::kRS256, "message", *signature));
  EXPECT_TRUE(loaded->Verify(Algorithm::kRS256, "message", *original.Sign(Algorithm::kRS256, "message")));

  const boost::json::object derived = loaded->ToJwk(true);
  for (const char* member : {"n", "e", "d", "dp", "dq", "qi", "p", "q"}) {
    ASSERT_TRUE(derived.contains(member)) << member;
    EXPECT_EQ(derived.at(member), full.at(member)) << member;
  }
  EXPECT_EQ(loaded->ToPem(false), original.ToPem(false));
}

TEST(AsymmetricKeyTest, OneKeyVerifiesFromManyThreadsAtOnce) {
  for (Algorithm alg : {Algorithm::kRS256, Algorithm::kPS256, Algorithm::kES256, Algorithm::kEdDSA}) {
    const Key key = *Key::Generate(alg);
    const std::string good = *key.Sign(alg, "payload");
    std::string bad = good;
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 1);
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 50; ++i) {
          if (!key.Verify(alg, "payload", good)) ++wrong;
          if (key.Verify(alg, "payload", bad)) ++wrong;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(wrong.load(), 0) << AlgorithmName(alg);
  }
}

TEST(AsymmetricKeyTest, EcdsaSignatureComponentsMustBeInRange) {
  Key key = *Key::Generate(Algorithm::kES256);
  // The "psychic signature" (CVE-2022-21449): r = s = 0 must never verify.
  auto zero = key.Verify(Algorithm::kES256, "m", std::string(64, '\0'));
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, Errc::kBadSignature);
  // r = s = n (the group order of P-256) is out of range too.
  const std::string n = *Base64UrlDecode("_____wAAAAD__________7zm-q2nF56E87nKwvxjJVE");
  ASSERT_EQ(n.size(), 32u);
  EXPECT_FALSE(key.Verify(Algorithm::kES256, "m", n + n));
  // DER instead of raw r || s is refused by length.
  const std::string raw = *key.Sign(Algorithm::kES256, "m");
  EXPECT_EQ(raw.size(), 64u);
  EXPECT_FALSE(key.Verify(Algorithm::kES256, "m", raw + std::string(1, '\0')));
  EXPECT_FALSE(key.Verify(Algorithm::kES256, "m", raw.substr(1)));
}

TEST(AsymmetricKeyTest, JwkWithoutAlgSignsWithTheAlgorithmOfItsTypeAndCurve) {
  boost::json::object jwk = Key::Generate(Algorithm::kES384)->ToJwk(true);
  jwk.erase("alg");
  auto key = Key::FromJwk(jwk);
  ASSERT_TRUE(key);
  EXPECT_FALSE(key->algorithm_pinned());
  EXPECT_EQ(key->algorithm(), Algorithm::kES384);
  EXPECT_EQ(key->CheckUsable(Algorithm::kES256, KeyOp::kVerify).error().code, Errc::kKeyUnusable);

  boost::json::object rsa = Key::Generate(Algorithm::kPS256)->ToJwk(false);
  rsa.erase("alg");
  auto any_rsa = Key::FromJwk(rsa);
  ASSERT_TRUE(any_rsa);
  EXPECT_EQ(any_rsa->algorithm(), Algorithm::kRS256);
  EXPECT_TRUE(any_rsa->CheckUsable(Algorithm::kPS512, KeyOp::kVerify));
}

}  // namespace
}  // namespace stockroom::jose
