#include "stockroom/auth/refresh_tokens.h"

#include <gtest/gtest.h>

#include <set>

namespace stockroom::auth {
namespace {

TEST(RefreshTokenCodecTest, TokensAreRandom256BitsAndHashedForStorage) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RefreshTokenCodec::NewToken());
  EXPECT_EQ(seen.size(), 100u);
  const std::string token = *seen.begin();
  EXPECT_EQ(token.size(), 43u);  // 32 bytes, base64url without padding
  EXPECT_EQ(RefreshTokenCodec::Hash(token), RefreshTokenCodec::Hash(token));
  EXPECT_NE(RefreshTokenCodec::Hash(token), token);
  // SHA-256("abc"), base64url.
  EXPECT_EQ(RefreshTokenCodec::Hash("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
}

TEST(RefreshTokenCodecTest, SuccessorIsStableAndDependsOnTheSecret) {
  RefreshTokenCodec a(jose::Secret(std::string(32, 'a')));
  RefreshTokenCodec b(jose::Secret(std::string(32, 'b')));
  EXPECT_EQ(a.Successor("t1"), a.Successor("t1"));
  EXPECT_NE(a.Successor("t1"), a.Successor("t2"));
  EXPECT_NE(a.Successor("t1"), b.Successor("t1"));
  EXPECT_EQ(a.Successor("t1").size(), 43u);
}

TEST(RefreshTokenCodecTest, ShortSecretsAreRefused) {
  EXPECT_THROW(RefreshTokenCodec(jose::Secret(std::string(16, 'a'))), std::invalid_argument);
}

}  // namespace
}  // namespace stockroom::auth
