#include "stockroom/auth/password_policy.h"

#include <gtest/gtest.h>

#include "stockroom/auth/password.h"

namespace stockroom::auth {
namespace {

TEST(PasswordPolicyTest, AcceptsLongUnusualPassphrases) {
  EXPECT_FALSE(CheckNewPassword("erika", "correct horse battery staple"));
  EXPECT_FALSE(CheckNewPassword("erika", "Lagerplatz-7 am Tor"));
  EXPECT_FALSE(CheckNewPassword("erika", "Grüße aus Köln 2026"));
  EXPECT_FALSE(CheckNewPassword("erika", "a-long-staff-password"));
}

TEST(PasswordPolicyTest, CountsCharactersNotBytes) {
  EXPECT_TRUE(CheckNewPassword("erika", "äöüäöü"));            // 6 characters, 12 bytes
  EXPECT_FALSE(CheckNewPassword("erika", "äöüßäöüßäöüq"));     // 12 characters
  EXPECT_TRUE(CheckNewPassword("erika", "elevenchars"));
  EXPECT_TRUE(CheckNewPassword("erika", std::string(1025, 'q') + "w"));
}

TEST(PasswordPolicyTest, RefusesTheUsernameCommonPasswordsAndPatterns) {
  EXPECT_TRUE(CheckNewPassword("erika-schmidt", "Erika-Schmidt"));
  EXPECT_TRUE(CheckNewPassword("erika-schmidt", "erika-schmidt2026"));
  EXPECT_TRUE(CheckNewPassword("erika", "stockroom2026!"));
  EXPECT_TRUE(CheckNewPassword("erika", "Password123456"));
  EXPECT_TRUE(CheckNewPassword("erika", "aaaaaaaaaaaaaaa"));
  EXPECT_TRUE(CheckNewPassword("erika", "abcabcabcabcabc"));
  EXPECT_TRUE(CheckNewPassword("erika", "123456789012"));
  EXPECT_TRUE(CheckNewPassword("erika", "abcdefghijklm"));
  EXPECT_TRUE(CheckNewPassword("erika", "987654321098"));
}

TEST(PasswordPolicyTest, RefusesInvalidUtf8) { EXPECT_TRUE(CheckNewPassword("erika", "valid-prefix-\xff\xfe")); }

TEST(PasswordPolicyTest, NormalizesCompatibilityAndComposedForms) {
  // "é" precomposed (U+00E9) and decomposed (e + U+0301) are one password; so are the
  // full-width and ASCII digits.
  EXPECT_EQ(*NormalizePassword("caf\xc3\xa9"), *NormalizePassword("cafe\xcc\x81"));
  EXPECT_EQ(*NormalizePassword("\xef\xbc\x91\xef\xbc\x92"), "12");
  EXPECT_FALSE(NormalizePassword("\xc0\xaf"));
  PasswordHasher hasher({1, 8 * 1024 * 1024});
  const std::string hash = hasher.Hash("Kaffee-und-Kuchen-caf\xc3\xa9");
  EXPECT_TRUE(hasher.Verify(hash, "Kaffee-und-Kuchen-cafe\xcc\x81"));
  EXPECT_FALSE(hasher.Verify(hash, "Kaffee-und-Kuchen-cafe"));
}

}  // namespace
}  // namespace stockroom::auth
