#include "stockroom/jose/base64url.h"

#include <gtest/gtest.h>

#include <string>

namespace stockroom::jose {
namespace {

TEST(Base64UrlTest, EncodesRfc4648Vectors) {
  // RFC 4648 s.10, without padding and with the URL alphabet.
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
}

TEST(Base64UrlTest, UsesUrlAlphabet) {
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff\xbf", 3)), "-_-_");
  // RFC 7515 appendix C example.
  EXPECT_EQ(Base64UrlEncode(std::string("\x03\xec\xff\xf0", 4)), "A-z_8A");
}

TEST(Base64UrlTest, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    auto decoded = Base64UrlDecode(Base64UrlEncode(bytes));
    ASSERT_TRUE(decoded) << i;
    EXPECT_EQ(*decoded, bytes);
    bytes += static_cast<char>((i * 37 + 11) & 0xFF);
  }
}

TEST(Base64UrlTest, DecodesEmpty) {
  auto decoded = Base64UrlDecode("");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, "");
}

TEST(Base64UrlTest, RejectsCharactersOutsideAlphabet) {
  for (std::string_view text : {"Zm9v=", "Zg==", "Zm+v", "Zm/v", "Zm9 v", "Zm9v\n", " Zm9v", "Zm9v%3D", "Zm\\9v",
                                "Zm9v.", "\xc3\xa9", "Zm9v\t"}) {
    auto decoded = Base64UrlDecode(text);
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(decoded.error().code, Errc::kBase64Charset) << text;
  }
  auto nul = Base64UrlDecode(std::string_view("Zm\0v", 4));
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error().code, Errc::kBase64Charset);
}

TEST(Base64UrlTest, CharsetIsReportedBeforeLength) {
  auto decoded = Base64UrlDecode("Zm9v=");  // length 5 (% 4 == 1) and a '='
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, Errc::kBase64Charset);
}

TEST(Base64UrlTest, RejectsImpossibleLength) {
  for (std::string_view text : {"Z", "Zm9vY", "Zm9vYmFyZ"}) {
    auto decoded = Base64UrlDecode(text);
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(decoded.error().code, Errc::kBase64Length) << text;
  }
}

TEST(Base64UrlTest, RejectsNonZeroTrailingBits) {
  // "Zg" is the only spelling of "f"; "Zh".."Zv" decode to the same byte with junk bits.
  for (std::string_view text : {"Zh", "Zv", "AB", "Zm9", "Zm9vYmF", "Zm9vYmFyAB"}) {
    auto decoded = Base64UrlDecode(text);
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(decoded.error().code, Errc::kBase64NonCanonical) << text;
  }
  EXPECT_TRUE(Base64UrlDecode("AA"));
  EXPECT_TRUE(Base64UrlDecode("Zm8"));
  EXPECT_TRUE(Base64UrlDecode("Zm8B"));  // four characters carry no unused bits
}

}  // namespace
}  // namespace stockroom::jose
