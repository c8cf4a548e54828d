// Writes the seed corpora of the fuzz targets: valid and invalid tokens for verify_fuzzer
// (signed with the fixed keys of fuzz_keys.h) and JWKs for jwk_fuzzer.
// Usage: make_corpus DIR  (writes DIR/verify/* and DIR/jwk/*; existing files are replaced).
// ES256 signatures and the generated RSA, P-384 and HS512 JWKs are random: a rerun changes
// those files but not their meaning.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "fuzz_keys.h"
#include "stockroom/jose/base64url.h"
#include "stockroom/jose/jwt.h"
#include "stockroom/jose/key.h"

namespace stockroom::fuzz {
namespace {

namespace fs = std::filesystem;
using jose::Algorithm;

void Write(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) {
    std::fprintf(stderr, "make_corpus: cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

// A typical access token's claims, valid at kNow.
boost::json::object Claims() {
  return {{"iss", "stockroom"},  {"sub", "42"},          {"aud", "stockroom-api"},
          {"iat", kNow - 60},    {"nbf", kNow - 60},     {"exp", kNow + 3540},
          {"jti", "fuzz-seed-1"}, {"role", "warehouse_staff"}, {"preferred_username", "erika"}};
}

// A token with exactly this header and claims, signed by `key` with its own algorithm.
std::string HandMade(const jose::Key& key, const boost::json::object& header, const boost::json::object& claims) {
  std::string token = jose::Base64UrlEncode(boost::json::serialize(header)) + "." +
                      jose::Base64UrlEncode(boost::json::serialize(claims));
  token += "." + jose::Base64UrlEncode(key.Sign(key.algorithm(), token).value());
  return token;
}

void WriteVerifySeeds(const fs::path& dir) {
  const jose::Key hs256 = FixedKey(kHs256Jwk);
  const jose::Key es256 = FixedKey(kEs256Jwk);
  const jose::Key ed25519 = FixedKey(kEd25519Jwk);
  const boost::json::object claims = Claims();
  const boost::json::object hs_header = {{"alg", "HS256"}, {"typ", "at+jwt"}, {"kid", "fuzz-hs256"}};

  const std::string valid_hs256 = jose::Signer(hs256).Sign(claims, "at+jwt");
  Write(dir / "valid-hs256", valid_hs256);
  Write(dir / "valid-es256", jose::Signer(es256).Sign(claims, "at+jwt"));
  Write(dir / "valid-eddsa", jose::Signer(ed25519).Sign(claims, "at+jwt"));

  // The first signature character changed: still canonical base64url, wrong MAC.
  std::string forged = valid_hs256;
  const std::size_t sig = forged.rfind('.') + 1;
  forged[sig] = forged[sig] == 'A' ? 'B' : 'A';
  Write(dir / "bad-signature-hs256", forged);

  boost::json::object expired = claims;
  expired["iat"] = kNow - 7200;
  expired["nbf"] = kNow - 7200;
  expired["exp"] = kNow - 3600;
  Write(dir / "expired-hs256", jose::Signer(hs256).Sign(expired, "at+jwt"));

  boost::json::object other_audience = claims;
  other_audience["aud"] = boost::json::array{"billing", "reports"};
  Write(dir / "aud-array-mismatch-hs256", HandMade(hs256, hs_header, other_audience));

  boost::json::object unknown_kid = hs_header;
  unknown_kid["kid"] = "nobody";
  Write(dir / "kid-unknown-hs256", HandMade(hs256, unknown_kid, claims));

  boost::json::object crit = hs_header;
  crit["crit"] = boost::json::array{"exp"};
  Write(dir / "crit-hs256", HandMade(hs256, crit, claims));

  Write(dir / "alg-none", jose::Base64UrlEncode(R"({"alg":"none","typ":"at+jwt"})") + "." +
                              jose::Base64UrlEncode(boost::json::serialize(claims)) + ".");
  Write(dir / "two-segments", valid_hs256.substr(0, valid_hs256.rfind('.')));
  Write(dir / "padded-base64", jose::Base64UrlEncode(R"({"alg":"HS256"})") + "=.e30.AAAA");

  // verify_fuzzer signs "header\npayload" itself (VerifyAsSignedJson).
  Write(dir / "json-valid-hs256", boost::json::serialize(hs_header) + "\n" + boost::json::serialize(claims));
  Write(dir / "json-escaped-claims", R"({"alg":"HS256","typ":"application/AT+JWT"})"
                                     "\n"
                                     R"({"iss":"stock\u0072oom","sub":"4\u0032","aud":["x","stockroom-api"],)"
                                     R"("iat":1.75e9,"exp":17500036E2,"jti":"\ud83d\ude00","role":null})");
  // Paths a 10-minute run did not reach from the seeds above: cty JWT (rule 6) and a
  // NumericDate above INT64_MAX, which the strict parser stores as uint64 (rule 9).
  boost::json::object nested = hs_header;
  nested["cty"] = "JWT";
  Write(dir / "json-cty-jwt", boost::json::serialize(nested) + "\n" + boost::json::serialize(claims));
  Write(dir / "json-exp-uint64", boost::json::serialize(hs_header) + "\n" +
                                     R"({"iss":"stockroom","sub":"42","aud":"stockroom-api","iat":0,)"
                                     R"("exp":18446744073709551615,"jti":"j","role":"admin"})");
  // For the scanner of the fast path: its general path (whitespace, nesting), the sorted
  // duplicate check of objects over 16 members, and negative 12-character NumericDates (a
  // signed overflow the first long run found in the plain-integer shortcut).
  Write(dir / "json-nested-spaced", boost::json::serialize(hs_header) + "\n" +
                                        R"({ "iss" : "stockroom", "sub":"42", "aud":["x","stockroom-api"], )"
                                        R"("iat":1750000000, "exp":1750003600, "jti":"j", "role":"admin", )"
                                        R"("act":{"sub":"x","act":{"sub":[1,{"k":null}]}} })");
  std::string many = R"({"iss":"stockroom","sub":"42","aud":"stockroom-api","iat":1750000000,)"
                     R"("exp":1750003600,"jti":"j","role":"admin")";
  for (int i = 0; i < 20; ++i) many += ",\"c" + std::to_string(i) + "\":" + std::to_string(i);
  Write(dir / "json-many-claims", boost::json::serialize(hs_header) + "\n" + many + "}");
  Write(dir / "json-negative-dates", boost::json::serialize(hs_header) + "\n" +
                                         R"({"iss":"stockroom","sub":"42","aud":"stockroom-api","iat":-1,)"
                                         R"("nbf":-74999603540,"exp":1750003600,"jti":"j","role":"admin"})");
}

void WriteJwkSeeds(const fs::path& dir) {
  Write(dir / "oct-hs256.json", kHs256Jwk);
  Write(dir / "ec-p256-private.json", kEs256Jwk);
  Write(dir / "okp-ed25519-private.json", kEd25519Jwk);
  const jose::Key rsa = jose::Key::Generate(Algorithm::kRS256, "seed-rsa").value();
  Write(dir / "rsa-2048-public.json", boost::json::serialize(rsa.ToJwk(/*include_private=*/false)));
  Write(dir / "rsa-2048-private.json", boost::json::serialize(rsa.ToJwk(/*include_private=*/true)));
  boost::json::object no_crt = rsa.ToJwk(/*include_private=*/true);
  for (const char* crt : {"p", "q", "dp", "dq", "qi"}) no_crt.erase(crt);  // derived on load
  Write(dir / "rsa-2048-private-no-crt.json", boost::json::serialize(no_crt));
  const jose::Key es384 = jose::Key::Generate(Algorithm::kES384, "seed-es384").value();
  boost::json::object es384_public = es384.ToJwk(/*include_private=*/false);
  es384_public.erase("alg");  // no alg: the curve decides
  es384_public["key_ops"] = boost::json::array{"verify"};
  Write(dir / "ec-p384-public-no-alg.json", boost::json::serialize(es384_public));
  const jose::Key hs512 = jose::Key::Generate(Algorithm::kHS512, "seed-hs512").value();
  Write(dir / "jwks.json", boost::json::serialize(boost::json::object{
                               {"keys", boost::json::array{hs512.ToJwk(/*include_private=*/true),
                                                           es384.ToJwk(/*include_private=*/false),
                                                           boost::json::object{{"kty", "oct"}, {"k", "c2hvcnQ"}}}}}));
}

}  // namespace
}  // namespace stockroom::fuzz

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  fs::create_directories(root / "verify");
  fs::create_directories(root / "jwk");
  stockroom::fuzz::WriteVerifySeeds(root / "verify");
  stockroom::fuzz::WriteJwkSeeds(root / "jwk");
  return 0;
}
