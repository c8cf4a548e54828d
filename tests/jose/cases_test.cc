// Runs the shared verification cases (jwt-cases/cases-shared.json, read at test time) through
// Verifier. Every case must get its expected verdict.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "stockroom/jose/jwt.h"

namespace stockroom::jose {
namespace {

const char kCasesPath[] = STOCKROOM_SHARED_DIR "/jwt-cases/cases-shared.json";

boost::json::value LoadCases() {
  std::ifstream in(kCasesPath, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text.str(), ec);
  EXPECT_FALSE(ec) << kCasesPath << ": " << ec.message();
  return value;
}

std::string StringOr(const boost::json::object& object, std::string_view name, std::string_view fallback = "") {
  const boost::json::value* value = object.if_contains(name);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string(fallback);
}

// Builds the policy the case describes (jwt-cases/README.md "Case format").
VerifyPolicy PolicyFor(const boost::json::object& verify, std::vector<std::string>& unknown_algorithms) {
  VerifyPolicy policy;
  for (const boost::json::value& name : verify.at("algorithms").as_array()) {
    if (auto alg = AlgorithmFromName(name.as_string())) {
      policy.algorithms.push_back(*alg);
    } else {
      unknown_algorithms.emplace_back(name.as_string());  // not implemented yet: never allowed
    }
  }
  if (verify.contains("issuer")) policy.issuer = StringOr(verify, "issuer");
  if (verify.contains("audience")) policy.audience = StringOr(verify, "audience");
  if (verify.contains("typ")) policy.typ = StringOr(verify, "typ");
  if (const auto* required = verify.if_contains("required_claims")) {
    for (const boost::json::value& name : required->as_array()) policy.required_claims.emplace_back(name.as_string());
  }
  policy.leeway_seconds = verify.contains("leeway") ? verify.at("leeway").to_number<std::int64_t>() : 0;
  if (const auto* max = verify.if_contains("max_token_bytes")) policy.max_token_bytes = max->to_number<std::size_t>();
  policy.profile = StringOr(verify, "profile", "jwt") == "jws" ? VerifyPolicy::Profile::kJws : VerifyPolicy::Profile::kJwt;
  const std::int64_t now = verify.at("now").to_number<std::int64_t>();
  policy.now = [now] { return now; };
  return policy;
}

TEST(SharedCasesTest, EveryCaseGetsTheExpectedVerdict) {
  const boost::json::value file = LoadCases();
  ASSERT_TRUE(file.is_object());
  const boost::json::object& keys = file.at("keys").as_object();
  const boost::json::array& cases = file.at("cases").as_array();

  int run = 0, passed = 0, rule_matched = 0;
  std::map<std::string, int> rule_differs;  // "expected rule -> our code", informational
  for (const boost::json::value& entry : cases) {
    const boost::json::object& c = entry.as_object();
    const std::string id = StringOr(c, "id");
    const boost::json::object& verify = c.at("verify").as_object();

    ++run;

    KeySet trusted;
    for (const boost::json::value& handle : verify.at("keys").as_array()) {
      (void)trusted.AddJwk(keys.at(handle.as_string()).as_object());  // unusable keys are judged per token
    }
    std::vector<std::string> unknown_algorithms;
    Verifier verifier(std::move(trusted), PolicyFor(verify, unknown_algorithms));
    const std::string token = StringOr(c, "token");
    auto verdict = verifier.Verify(token);

    const std::string expect = StringOr(c, "expect");
    const std::string rule = StringOr(c, "rule");
    const bool ok = (expect == "valid") == static_cast<bool>(verdict);
    EXPECT_TRUE(ok) << "case " << id << " (rule " << (rule.empty() ? "-" : rule) << "): expected " << expect
                    << ", got "
                    << (verdict ? std::string("valid")
                                : std::string(ErrcName(verdict.error().code)) + ": " + verdict.error().detail);
    if (ok) ++passed;
    if (!verdict && expect == "invalid") {
      if (ErrcName(verdict.error().code) == rule) {
        ++rule_matched;
      } else {
        ++rule_differs[rule + " -> " + std::string(ErrcName(verdict.error().code))];
        std::cout << "  note: " << id << " expected rule " << rule << ", first failed "
                  << ErrcName(verdict.error().code) << "\n";
      }
    }
  }
  std::cout << "cases-shared.json: " << cases.size() << " cases run, " << passed << " passed, " << (run - passed)
            << " failed; " << rule_matched << " invalid verdicts name the case's rule exactly\n";
  for (const auto& [what, count] : rule_differs) std::cout << "  rule differs: " << what << " x" << count << "\n";
  EXPECT_EQ(run, static_cast<int>(cases.size()));
  EXPECT_GT(run, 300);
}

}  // namespace
}  // namespace stockroom::jose
