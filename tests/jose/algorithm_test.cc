#include "stockroom/jose/algorithm.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace stockroom::jose {
namespace {

TEST(AlgorithmTest, NamesRoundTrip) {
  ASSERT_EQ(AllAlgorithms().size(), 13u);
  std::set<std::string> names;
  for (Algorithm alg : AllAlgorithms()) {
    auto back = AlgorithmFromName(AlgorithmName(alg));
    ASSERT_TRUE(back) << AlgorithmName(alg);
    EXPECT_EQ(*back, alg);
    names.emplace(AlgorithmName(alg));
  }
  EXPECT_EQ(names, (std::set<std::string>{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384",
                                          "PS512", "ES256", "ES384", "ES512", "EdDSA"}));
}

TEST(AlgorithmTest, LookupIsExact) {
  for (std::string_view name : {"hs256", "Hs256", "HS256 ", " HS256", "HS-256", "HMAC-SHA256", "", "none", "None",
                                "NONE", "nOnE", "rs256", "EDDSA", "eddsa", "Ed25519", "ES256K", "RS1", "PS256 "}) {
    EXPECT_FALSE(AlgorithmFromName(name)) << name;
  }
  EXPECT_FALSE(AlgorithmFromName(std::string_view("HS256\0", 6)));
}

TEST(AlgorithmTest, HmacProperties) {
  EXPECT_EQ(HmacHashBytes(Algorithm::kHS256), 32u);
  EXPECT_EQ(HmacHashBytes(Algorithm::kHS384), 48u);
  EXPECT_EQ(HmacHashBytes(Algorithm::kHS512), 64u);
  EXPECT_EQ(KeyTypeName(KeyType::kOct), "oct");
}

TEST(AlgorithmTest, EachFamilyHasItsKeyTypeAndHash) {
  EXPECT_EQ(AlgorithmKeyType(Algorithm::kHS384), KeyType::kOct);
  EXPECT_EQ(AlgorithmKeyType(Algorithm::kRS256), KeyType::kRsa);
  EXPECT_EQ(AlgorithmKeyType(Algorithm::kPS512), KeyType::kRsa);
  EXPECT_EQ(AlgorithmKeyType(Algorithm::kES384), KeyType::kEc);
  EXPECT_EQ(AlgorithmKeyType(Algorithm::kEdDSA), KeyType::kOkp);
  EXPECT_EQ(HashBytes(Algorithm::kPS384), 48u);
  EXPECT_EQ(HashBytes(Algorithm::kES512), 64u);
  EXPECT_EQ(HashBytes(Algorithm::kEdDSA), 0u);
  EXPECT_EQ(DigestName(Algorithm::kEdDSA), nullptr);
  EXPECT_EQ(CurveName(Algorithm::kES256), "P-256");
  EXPECT_EQ(CurveName(Algorithm::kES512), "P-521");
  EXPECT_EQ(CurveName(Algorithm::kRS256), "");
  EXPECT_EQ(EcdsaComponentBytes(Algorithm::kES256), 32u);
  EXPECT_EQ(EcdsaComponentBytes(Algorithm::kES384), 48u);
  EXPECT_EQ(EcdsaComponentBytes(Algorithm::kES512), 66u);
  EXPECT_EQ(EcdsaComponentBytes(Algorithm::kHS256), 0u);
}

}  // namespace
}  // namespace stockroom::jose
