#include "stockroom/jose/algorithm.h"

#include <gtest/gtest.h>

namespace stockroom::jose {
namespace {

TEST(AlgorithmTest, NamesRoundTrip) {
  ASSERT_EQ(AllAlgorithms().size(), 3u);
  for (Algorithm alg : AllAlgorithms()) {
    auto back = AlgorithmFromName(AlgorithmName(alg));
    ASSERT_TRUE(back) << AlgorithmName(alg);
    EXPECT_EQ(*back, alg);
  }
  EXPECT_EQ(AlgorithmName(Algorithm::kHS256), "HS256");
  EXPECT_EQ(AlgorithmName(Algorithm::kHS384), "HS384");
  EXPECT_EQ(AlgorithmName(Algorithm::kHS512), "HS512");
}

TEST(AlgorithmTest, LookupIsExact) {
  for (std::string_view name : {"hs256", "Hs256", "HS256 ", " HS256", "HS-256", "HMAC-SHA256", "", "none", "None",
                                "NONE", "nOnE", "RS256"}) {
    EXPECT_FALSE(AlgorithmFromName(name)) << name;
  }
  EXPECT_FALSE(AlgorithmFromName(std::string_view("HS256\0", 6)));
}

TEST(AlgorithmTest, HmacProperties) {
  EXPECT_EQ(HmacHashBytes(Algorithm::kHS256), 32u);
  EXPECT_EQ(HmacHashBytes(Algorithm::kHS384), 48u);
  EXPECT_EQ(HmacHashBytes(Algorithm::kHS512), 64u);
  for (Algorithm alg : AllAlgorithms()) EXPECT_EQ(AlgorithmKeyType(alg), KeyType::kOct);
  EXPECT_EQ(KeyTypeName(KeyType::kOct), "oct");
}

}  // namespace
}  // namespace stockroom::jose
