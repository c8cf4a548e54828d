// `stockroom token verify|decode|sign` and `stockroom keys generate|public`: the JOSE library
// from the shell, for operators debugging tokens and preparing keys.
//
// Exit status: 0 done (token valid), 1 token invalid or key refused, 2 usage error (bad
// options, unreadable files).
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <charconv>
#include <iostream>
#include <limits>
#include <memory>

#include "cli/commands.h"
#include "cli/key_files.h"
#include "stockroom/jose/base64url.h"
#include "stockroom/jose/json.h"

namespace stockroom::cli {
namespace {

constexpr int kInvalid = 1;
constexpr int kUsage = 2;

struct VerifyOptions {
  std::string jwks;
  std::string algorithms;
  std::optional<std::string> issuer;
  std::optional<std::string> audience;
  std::optional<std::string> typ;
  std::string required;
  std::optional<std::int64_t> now;
  std::int64_t leeway = 0;
  std::string profile = "jwt";
  std::size_t max_bytes = 8192;
  std::string token = "-";
};

// A token argument, or standard input when it is "-" (one trailing newline, as `echo` adds,
// is not part of the token; anything else is kept exactly).
std::string TokenArgument(const std::string& argument) {
  if (argument != "-") return argument;
  std::string token = ReadFileOrStdin("-");
  if (!token.empty() && token.back() == '\n') token.pop_back();
  return token;
}

// Accepts a decimal integer in [min, max] exactly as written: out of range is a usage error,
// never clamped or wrapped (CLI11 alone would clamp 2^63 and wrap -1 into a size_t), and
// leading zeros are refused (CLI11 would read 010 as octal 8).
CLI::Validator IntegerIn(std::int64_t min, std::int64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        std::int64_t value = 0;
        const char* end = text.data() + text.size();
        auto [stop, error] = std::from_chars(text.data(), end, value);
        const std::string_view digits = std::string_view(text).substr(text.starts_with('-') ? 1 : 0);
        if (error != std::errc() || stop != end || value < min || value > max ||
            (digits.size() > 1 && digits.front() == '0')) {
          return fmt::format("must be a decimal integer from {} to {}, without leading zeros", min, max);
        }
        return "";
      },
      "INT");
}

int Verify(const VerifyOptions& options) {
  jose::VerifyPolicy policy;
  std::optional<jose::KeySet> keys;
  std::string token;
  try {
    policy.algorithms = ParseAlgorithmList(options.algorithms);
    policy.issuer = options.issuer;
    policy.audience = options.audience;
    policy.typ = options.typ;
    policy.required_claims = SplitCommaList(options.required);
    policy.leeway_seconds = options.leeway;
    policy.max_token_bytes = options.max_bytes;
    policy.profile = options.profile == "jws" ? jose::VerifyPolicy::Profile::kJws : jose::VerifyPolicy::Profile::kJwt;
    if (options.now) policy.now = [now = *options.now] { return now; };
    keys = ParseTrustedKeys(ReadFileOrStdin(options.jwks), policy.algorithms);
    token = TokenArgument(options.token);
  } catch (const std::exception& e) {
    std::cerr << "stockroom token verify: " << e.what() << "\n";
    return kUsage;
  }
  auto verified = jose::Verifier(std::move(*keys), std::move(policy)).Verify(token);
  if (!verified) {
    const jose::Error& error = verified.error();
    std::cerr << "invalid: " << jose::ErrcName(error.code) << ": "
              << (error.detail.empty() ? std::string(jose::ErrcMessage(error.code)) : error.detail) << "\n";
    return kInvalid;
  }
  boost::json::object out{{"header", verified->header()}};
  if (options.profile == "jws") {
    out["payload"] = jose::Base64UrlEncode(verified->payload());
  } else {
    out["claims"] = verified->claims();
  }
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}

// Decodes one segment as base64url JSON for display; the raw text when it is not JSON.
boost::json::value DecodeSegment(std::string_view segment) {
  auto bytes = jose::Base64UrlDecode(segment);
  if (!bytes) return boost::json::string("<not base64url: " + bytes.error().detail + ">");
  auto json = jose::ParseStrictJson(*bytes, jose::Errc::kPayloadJson);
  if (json) return std::move(*json);
  return boost::json::string(*bytes);
}

int Decode(const std::string& argument) {
  std::string token;
  try {
    token = TokenArgument(argument);
  } catch (const std::exception& e) {
    std::cerr << "stockroom token decode: " << e.what() << "\n";
    return kUsage;
  }
  const auto first = token.find('.');
  const auto second = first == std::string::npos ? std::string::npos : token.find('.', first + 1);
  if (second == std::string::npos || token.find('.', second + 1) != std::string::npos) {
    std::cerr << "stockroom token decode: not a compact JWS (three segments separated by '.')\n";
    return kInvalid;
  }
  std::cerr << "UNVERIFIED: the signature and claims of this token were NOT checked.\n";
  boost::json::object out{{"unverified", true},
                          {"header", DecodeSegment(std::string_view(token).substr(0, first))},
                          {"payload", DecodeSegment(std::string_view(token).substr(first + 1, second - first - 1))}};
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}

int Sign(const std::string& key_file, const std::string& alg_name, const std::string& claims_text,
         const std::string& typ) {
  try {
    auto alg = jose::AlgorithmFromName(alg_name);
    if (!alg) throw std::runtime_error("--alg must be one of HS256 ... EdDSA, not '" + alg_name + "'");
    auto claims = jose::ParseStrictJson(claims_text, jose::Errc::kPayloadJson);
    if (!claims || !claims->is_object()) throw std::runtime_error("--claims must be a JSON object");
    jose::Signer signer(ParseSigningKey(ReadFileOrStdin(key_file), *alg));
    std::cout << signer.Sign(claims->as_object(), typ) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stockroom token sign: " << e.what() << "\n";
    return kUsage;
  }
}

int GenerateKey(const std::string& alg_name, const std::string& kid) {
  auto alg = jose::AlgorithmFromName(alg_name);
  if (!alg) {
    std::cerr << "stockroom keys generate: --alg must be one of HS256 ... EdDSA, not '" << alg_name << "'\n";
    return kUsage;
  }
  auto key = jose::Key::Generate(*alg, kid);
  if (!key) {
    std::cerr << "stockroom keys generate: " << key.error().detail << "\n";
    return kInvalid;
  }
  boost::json::object jwk = key->ToJwk(/*include_private=*/true);
  jwk["use"] = "sig";
  std::cout << boost::json::serialize(jwk) << "\n";
  return 0;
}

int PublicKeys(const std::string& file) {
  try {
    const jose::KeySet keys = ParseTrustedKeys(ReadFileOrStdin(file), {});
    boost::json::array published;
    for (const jose::Key& key : keys.keys()) {
      if (key.type() == jose::KeyType::kOct) {
        std::cerr << "stockroom keys public: skipping an HMAC key" << (key.kid() ? " (kid " + *key.kid() + ")" : "")
                  << ": a shared secret is never published\n";
        continue;
      }
      published.push_back(key.ToJwk(/*include_private=*/false));
    }
    std::cout << boost::json::serialize(boost::json::object{{"keys", std::move(published)}}) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stockroom keys public: " << e.what() << "\n";
    return kUsage;
  }
}

}  // namespace

void AddTokenCommands(CLI::App& app, const CommonOptions& common) {
  CLI::App* token = app.add_subcommand("token", "Verify, decode or sign JSON Web Tokens (for debugging)");
  token->require_subcommand(1);

  auto verify_options = std::make_shared<VerifyOptions>();
  CLI::App* verify = token->add_subcommand(
      "verify", "Verify a token: exit 0 and print its header and claims as JSON when valid; exit 1 and print "
                "'invalid: <error-code>: <explanation>' on stderr when not; exit 2 on usage errors");
  verify->add_option("--jwks", verify_options->jwks, "Trusted keys: a JWK Set, a single JWK or a PEM key file ('-': stdin)")
      ->required();
  verify->add_option("--alg", verify_options->algorithms, "Allowed algorithms, comma-separated (e.g. RS256,ES256); 'none' is never allowed")
      ->required();
  verify->add_option("--iss", verify_options->issuer, "Required issuer (iss)");
  verify->add_option("--aud", verify_options->audience, "Required audience (aud must be or contain it)");
  verify->add_option("--typ", verify_options->typ, "Required header typ (e.g. at+jwt)");
  verify->add_option("--require", verify_options->required, "Claims that must be present, comma-separated");
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  verify->add_option("--now", verify_options->now, "Current time as UNIX seconds (default: the system clock)")
      ->check(IntegerIn(std::numeric_limits<std::int64_t>::min(), kMax));
  verify->add_option("--leeway", verify_options->leeway, "Clock skew tolerated on exp/nbf/iat, seconds")
      ->check(IntegerIn(0, kMax))
      ->capture_default_str();
  verify->add_option("--profile", verify_options->profile, "jwt: check claims; jws: payload is opaque bytes")
      ->check(CLI::IsMember({"jwt", "jws"}))
      ->capture_default_str();
  verify->add_option("--max-bytes", verify_options->max_bytes, "Longest token accepted, in bytes")
      ->check(IntegerIn(0, kMax))
      ->capture_default_str();
  verify->add_option("token", verify_options->token, "The compact token, exactly as received ('-' or absent: stdin)");
  verify->callback([verify_options] { SetExitCode(Verify(*verify_options)); });

  auto decode_token = std::make_shared<std::string>("-");
  CLI::App* decode = token->add_subcommand("decode", "Show a token's header and payload WITHOUT verifying anything");
  decode->add_option("token", *decode_token, "The compact token ('-' or absent: stdin)");
  decode->callback([decode_token] { SetExitCode(Decode(*decode_token)); });

  struct SignOptions {
    std::string key, alg, claims, typ = "JWT";
  };
  auto sign_options = std::make_shared<SignOptions>();
  CLI::App* sign = token->add_subcommand("sign", "Sign a claims set and print the compact token");
  sign->add_option("--key", sign_options->key, "Private key: a JWK or a PKCS#8 PEM file")->required();
  sign->add_option("--alg", sign_options->alg, "Algorithm: HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA")
      ->required();
  sign->add_option("--claims", sign_options->claims, "The claims set, a JSON object")->required();
  sign->add_option("--typ", sign_options->typ, "Header typ")->capture_default_str();
  sign->callback([sign_options] {
    SetExitCode(Sign(sign_options->key, sign_options->alg, sign_options->claims, sign_options->typ));
  });

  CLI::App* keys = app.add_subcommand("keys", "Signing keys: generate, publish, rotate, list, retire");
  keys->require_subcommand(1);
  keys->fallthrough();
  AddKeyRingCommands(*keys, common);
  auto generate_alg = std::make_shared<std::string>();
  auto generate_kid = std::make_shared<std::string>();
  CLI::App* generate = keys->add_subcommand("generate", "Print a new private JWK for an algorithm");
  generate->add_option("--alg", *generate_alg, "Algorithm the key is for (HS256 ... EdDSA)")->required();
  generate->add_option("--kid", *generate_kid, "Key id (default: the RFC 7638 thumbprint)");
  generate->callback([generate_alg, generate_kid] { SetExitCode(GenerateKey(*generate_alg, *generate_kid)); });

  auto public_file = std::make_shared<std::string>("-");
  CLI::App* publish = keys->add_subcommand("public", "Print the public JWK Set of a JWK or JWK Set (HMAC keys are left out)");
  publish->add_option("file", *public_file, "The private JWK or JWK Set ('-' or absent: stdin)");
  publish->callback([public_file] { SetExitCode(PublicKeys(*public_file)); });
}

}  // namespace stockroom::cli
