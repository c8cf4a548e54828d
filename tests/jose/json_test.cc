#include "stockroom/jose/json.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

namespace stockroom::jose {
namespace {

Result<boost::json::value> Parse(std::string_view text) { return ParseStrictJson(text, Errc::kPayloadJson); }

void ExpectRejected(std::string_view text, Errc code = Errc::kPayloadJson) {
  auto parsed = ParseStrictJson(text, code);
  ASSERT_FALSE(parsed) << "accepted: " << text;
  EXPECT_EQ(parsed.error().code, code) << text;
  EXPECT_FALSE(parsed.error().detail.empty());
}

TEST(StrictJsonTest, ParsesEveryKindOfValue) {
  auto parsed = Parse(R"( {"s":"x\"\\\/\b\f\n\r\tA\u00e9\ud83d\ude00","n":null,"t":true,"f":false,)"
                      R"("a":[1,-2,3.5,1e3,[],{}],"o":{"k":"v"}} )");
  ASSERT_TRUE(parsed) << parsed.error().detail;
  const auto& o = parsed->as_object();
  EXPECT_EQ(o.at("s").as_string(), "x\"\\/\b\f\n\r\tA\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_TRUE(o.at("n").is_null());
  EXPECT_TRUE(o.at("t").as_bool());
  EXPECT_FALSE(o.at("f").as_bool());
  const auto& a = o.at("a").as_array();
  EXPECT_EQ(a.at(0).as_int64(), 1);
  EXPECT_EQ(a.at(1).as_int64(), -2);
  EXPECT_DOUBLE_EQ(a.at(2).as_double(), 3.5);
  EXPECT_DOUBLE_EQ(a.at(3).as_double(), 1000.0);
  EXPECT_EQ(o.at("o").as_object().at("k").as_string(), "v");
}

TEST(StrictJsonTest, KeepsMemberOrder) {
  auto parsed = Parse(R"({"b":1,"a":2,"c":3})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(boost::json::serialize(*parsed), R"({"b":1,"a":2,"c":3})");
}

TEST(StrictJsonTest, ScalarsAtTopLevel) {
  EXPECT_TRUE(Parse("42"));
  EXPECT_TRUE(Parse("\"x\""));
  EXPECT_TRUE(Parse("null"));
  EXPECT_TRUE(Parse(" \t\r\n[] \t\r\n"));
}

TEST(StrictJsonTest, IntegerRepresentation) {
  auto max = Parse("9223372036854775807");
  ASSERT_TRUE(max);
  EXPECT_TRUE(max->is_int64());
  auto min = Parse("-9223372036854775808");
  ASSERT_TRUE(min);
  ASSERT_TRUE(min->is_int64());
  EXPECT_EQ(min->as_int64(), std::numeric_limits<std::int64_t>::min());
  auto big = Parse("9223372036854775808");
  ASSERT_TRUE(big);
  ASSERT_TRUE(big->is_uint64());
  EXPECT_EQ(big->as_uint64(), 9223372036854775808ull);
  auto huge = Parse("18446744073709551616");
  ASSERT_TRUE(huge);
  EXPECT_TRUE(huge->is_double());
  auto below = Parse("-9223372036854775809");
  ASSERT_TRUE(below);
  EXPECT_TRUE(below->is_double());
  auto zero = Parse("-0");
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->as_int64(), 0);
}

TEST(StrictJsonTest, NumbersWithFractionOrExponentAreDoubles) {
  auto exp = Parse("1.8e9");
  ASSERT_TRUE(exp);
  ASSERT_TRUE(exp->is_double());
  EXPECT_DOUBLE_EQ(exp->as_double(), 1.8e9);
  auto frac = Parse("1767226200.75");
  ASSERT_TRUE(frac);
  EXPECT_DOUBLE_EQ(frac->as_double(), 1767226200.75);
  auto tiny = Parse("1e-400");  // underflows to zero: finite, accepted
  ASSERT_TRUE(tiny);
  EXPECT_EQ(tiny->as_double(), 0.0);
  EXPECT_TRUE(Parse("1E+2"));
  EXPECT_TRUE(Parse("-0.0e-0"));
}

TEST(StrictJsonTest, RejectsInvalidNumbers) {
  for (std::string_view text : {"01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "1.e3", "--1", "-a", "1_000"}) {
    ExpectRejected(text);
  }
}

TEST(StrictJsonTest, RejectsNumbersThatOverflowDouble) {
  ExpectRejected("1e400");
  ExpectRejected("-1e400");
  ExpectRejected(R"({"exp":1e309})");
}

TEST(StrictJsonTest, RejectsLongNumberLiterals) {
  const std::string ok(kMaxJsonNumberChars, '1');
  EXPECT_TRUE(Parse(ok));
  ExpectRejected(std::string(kMaxJsonNumberChars + 1, '1'));
  ExpectRejected(std::string(5000, '9'));
  ExpectRejected("0." + std::string(kMaxJsonNumberChars, '1'));
}

TEST(StrictJsonTest, RejectsNonJsonLiterals) {
  for (std::string_view text : {"NaN", "-NaN", "Infinity", "-Infinity", "nul", "tru", "True", "undefined",
                                R"({"q":NaN})", R"({"q":-Infinity})"}) {
    ExpectRejected(text);
  }
}

TEST(StrictJsonTest, RejectsSyntaxExtensions) {
  for (std::string_view text : std::initializer_list<std::string_view>{"{'a':1}", "{a:1}", R"({"a":1,})", "[1,]", "[1,,2]", "/* c */{}", "{} // c",
                                "{}#", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "[", "{", "{\"a\":", "\"abc", "", "   ",
                                "{}{}", "{} x", std::string_view("{}\0", 3), "\f{}", "\v{}", "\xc2\xa0{}"}) {
    ExpectRejected(text);
  }
}

TEST(StrictJsonTest, RejectsByteOrderMark) { ExpectRejected("\xef\xbb\xbf{}"); }

TEST(StrictJsonTest, RejectsControlCharactersInStrings) {
  ExpectRejected(std::string_view("\"a\0b\"", 5));
  ExpectRejected("\"a\nb\"");
  ExpectRejected("\"a\tb\"");
  ExpectRejected("\"\x1f\"");
  auto escaped = Parse(R"("a\u0000b")");  // escaped NUL is legal JSON
  ASSERT_TRUE(escaped);
  EXPECT_EQ(escaped->as_string().size(), 3u);
}

TEST(StrictJsonTest, RejectsInvalidEscapes) {
  for (std::string_view text : {R"("\x41")", R"("\a")", R"("\u12")", R"("\u12G4")", R"("\U0041")", R"("\)", R"("\')"}) {
    ExpectRejected(text);
  }
}

TEST(StrictJsonTest, RejectsUnpairedSurrogateEscapes) {
  for (std::string_view text : {R"("\ud800")", R"("\udc00")", R"("\ud800x")", R"("\ud800\u0041")",
                                R"("\ud800\ud800")", R"("\udfff\ud800")", R"("\ud83d\n")"}) {
    ExpectRejected(text);
  }
  EXPECT_TRUE(Parse(R"("\uD83D\uDE00")"));
}

TEST(StrictJsonTest, ValidatesUtf8) {
  EXPECT_TRUE(Parse("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xed\x9f\xbf\""));
  for (std::string_view text : {
           "\"\xc3(\"",              // truncated 2-byte sequence
           "\"\xc0\xaf\"",           // overlong '/'
           "\"\xc1\xbf\"",           // overlong
           "\"\xe0\x80\xaf\"",       // overlong 3-byte
           "\"\xf0\x80\x80\xaf\"",   // overlong 4-byte
           "\"\xed\xa0\x80\"",       // UTF-8 encoded surrogate U+D800
           "\"\xed\xbf\xbf\"",       // U+DFFF
           "\"\xf4\x90\x80\x80\"",   // U+110000
           "\"\xf5\x80\x80\x80\"",   // lead byte F5
           "\"\xff\"",               // never valid
           "\"\x80\"",               // lone continuation
           "\"\xe2\x82\"",           // truncated 3-byte
           "\"\xe2\x82",             // truncated at end of text
       }) {
    ExpectRejected(text);
  }
}

TEST(StrictJsonTest, RejectsDuplicateMemberNames) {
  ExpectRejected(R"({"alg":"HS256","alg":"none"})", Errc::kHeaderJson);
  ExpectRejected(R"({"a":1,"b":2,"a":1})");
  ExpectRejected(R"({"x":{"deep":[{"k":1,"k":2}]}})");
  ExpectRejected(R"({"a":1,"\u0061":2})");  // same name after unescaping
  ExpectRejected(R"({"\ud83d\ude00":1,"😀":2})");
  EXPECT_TRUE(Parse(R"({"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]})"));  // same name in different objects
  EXPECT_TRUE(Parse(R"({"a":1,"A":2,"a ":3})"));
}

TEST(StrictJsonTest, LimitsNestingDepth) {
  std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(Parse(ok));
  std::string deep = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  ExpectRejected(deep);
  std::string objects;
  for (int i = 0; i <= kMaxJsonDepth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(kMaxJsonDepth + 1, '}');
  ExpectRejected(objects);
  ExpectRejected(std::string(100000, '['));  // must not overflow the stack
}

TEST(StrictJsonTest, ErrorCarriesTheGivenCodeAndOffset) {
  auto parsed = ParseStrictJson("{\"a\":1,}", Errc::kHeaderJson);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, Errc::kHeaderJson);
  EXPECT_NE(parsed.error().detail.find("byte 7"), std::string::npos) << parsed.error().detail;
}

}  // namespace
}  // namespace stockroom::jose
