// The DOM-free strict JSON scanner of the verification fast path (src/jose/json_scan.h): it must
// accept exactly what ParseStrictJson accepts, through both of its paths (the flat fast path
// and the general one), and locate the top-level members as the parsed tree has them.
#include "jose/json_scan.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "stockroom/jose/json.h"

namespace stockroom::jose::detail {
namespace {

struct Scan {
  bool ok = false;
  JsonKind kind = JsonKind::kNull;
  JsonMembers members;
  std::string error;
};

Scan DoScan(std::string_view text, bool allow_flat) {
  Scan scan;
  auto result = ScanStrictJson(text, Errc::kPayloadJson, scan.kind, scan.members, allow_flat);
  scan.ok = result.has_value();
  if (!scan.ok) {
    EXPECT_EQ(result.error().code, Errc::kPayloadJson);
    scan.error = result.error().detail;
  }
  return scan;
}

JsonKind KindOf(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null: return JsonKind::kNull;
    case boost::json::kind::bool_: return value.get_bool() ? JsonKind::kTrue : JsonKind::kFalse;
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return JsonKind::kNumber;
    case boost::json::kind::string: return JsonKind::kString;
    case boost::json::kind::array: return JsonKind::kArray;
    case boost::json::kind::object: return JsonKind::kObject;
  }
  return JsonKind::kNull;
}

// What JsonMember::integer must hold for a member with this raw text and value.
std::int64_t PlainInteger(std::string_view raw, const boost::json::value& value) {
  if (!value.is_int64() || raw.empty() || raw.size() > 18 || raw[0] == '0') return -1;
  for (char c : raw) {
    if (c < '0' || c > '9') return -1;
  }
  return value.get_int64();
}

// Checks both scanner paths against ParseStrictJson on `text`: the same verdict, the same
// top-level kind, and for an object the same members (names and string values after
// unescaping, kinds, numbers by value) in the same order. Returns the verdict.
bool Agrees(std::string_view text) {
  auto parsed = ParseStrictJson(text, Errc::kPayloadJson);
  const Scan general = DoScan(text, /*allow_flat=*/false);
  const Scan flat = DoScan(text, /*allow_flat=*/true);
  EXPECT_EQ(general.ok, parsed.has_value()) << "general path vs parser on: " << text << "\n" << general.error;
  EXPECT_EQ(flat.ok, parsed.has_value()) << "fast path vs parser on: " << text << "\n" << flat.error;
  if (!parsed || !general.ok || !flat.ok) return parsed.has_value();
  EXPECT_EQ(general.kind, KindOf(*parsed)) << text;
  EXPECT_EQ(flat.kind, KindOf(*parsed)) << text;
  if (!parsed->is_object()) {
    EXPECT_EQ(general.members.size(), 0u);
    EXPECT_EQ(flat.members.size(), 0u);
    return true;
  }
  const boost::json::object& object = parsed->get_object();
  for (const Scan* scan : {&general, &flat}) {
    EXPECT_EQ(scan->members.size(), object.size()) << text;
    if (scan->members.size() != object.size()) continue;
    std::size_t i = 0;
    for (const auto& member : object) {
      const JsonMember& m = scan->members[i++];
      std::string scratch;
      EXPECT_EQ(StringText(m.RawName(text), m.name_escaped, scratch), std::string_view(member.key())) << text;
      EXPECT_EQ(m.name_key, NameKey(member.key())) << text;
      EXPECT_EQ(m.kind, KindOf(member.value())) << text;
      EXPECT_EQ(m.integer, PlainInteger(m.RawValue(text), member.value())) << text << " member " << member.key();
      if (member.value().is_string()) {
        EXPECT_EQ(StringText(m.RawValue(text), m.value_escaped, scratch), std::string_view(member.value().get_string()))
            << text;
      } else {
        EXPECT_FALSE(m.value_escaped);
        // Every other value's raw text is the value itself: reparsing it gives the same.
        auto alone = ParseStrictJson(m.RawValue(text), Errc::kPayloadJson);
        EXPECT_TRUE(alone && *alone == member.value()) << text << " member " << member.key();
      }
    }
  }
  return true;
}

void ExpectValid(std::string_view text) { EXPECT_TRUE(Agrees(text)) << "refused: " << text; }
void ExpectInvalid(std::string_view text) { EXPECT_FALSE(Agrees(text)) << "accepted: " << text; }

TEST(JsonScanTest, LocatesTopLevelMembersOfATypicalClaimsSet) {
  const std::string text =
      R"({"iss":"stockroom","sub":"42","aud":["stockroom-api","other"],"iat":1750000000,"exp":1750003600,)"
      R"("admin":false,"nested":{"a":[1,{"b":null}]},"jti":"oJ7l3GBq2m0S5VZk0bTnGw","x":null,"t":true,"f":-1.5e3})";
  ExpectValid(text);
  Scan scan = DoScan(text, true);
  ASSERT_TRUE(scan.ok);
  ASSERT_EQ(scan.members.size(), 11u);
  EXPECT_EQ(scan.members[0].RawName(text), "iss");
  EXPECT_EQ(scan.members[0].RawValue(text), "stockroom");
  EXPECT_EQ(scan.members[2].kind, JsonKind::kArray);
  EXPECT_EQ(scan.members[2].RawValue(text), R"(["stockroom-api","other"])");
  EXPECT_EQ(scan.members[3].RawValue(text), "1750000000");
  EXPECT_EQ(scan.members[3].integer, 1750000000);
  EXPECT_EQ(scan.members[0].integer, -1);
  EXPECT_EQ(scan.members[10].integer, -1);
  EXPECT_EQ(scan.members[6].kind, JsonKind::kObject);
  EXPECT_EQ(scan.members[6].RawValue(text), R"({"a":[1,{"b":null}]})");
  EXPECT_EQ(scan.members[10].RawValue(text), "-1.5e3");
}

TEST(JsonScanTest, AcceptsWhatTheParserAccepts) {
  for (std::string_view text : {
           "{}", "[]", "0", "-0", "\"\"", "null", "true", "false", " {} ", "\t\r\n{\"a\" : 1 , \"b\":[ ]}\n",
           R"({"":""})", R"({"a":"\"\\\/\b\f\n\r\t"})", R"({"\u00e9":"\ud83d\ude00"})", R"({"a\u0000b":1})",
           "{\"k\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xed\x9f\xbf\x7f\"}",
           R"({"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]})", R"({"a":1,"A":2,"a ":3})",
           R"({"n":[1,-2,3.5,1e3,1E+2,-0.0e-0,1e-400,123456789012345678901234567890]})",
           R"({"big":18446744073709551615,"bigger":18446744073709551616,"low":-9223372036854775808})",
           R"({"aud":[],"x":[true,false,null,"s",0]})", R"({"sp ace":"a b c","x":" "})",
       }) {
    ExpectValid(text);
  }
}

TEST(JsonScanTest, RefusesDuplicateNamesAtAnyDepthAfterUnescaping) {
  ExpectInvalid(R"({"sub":"1","sub":"2"})");
  ExpectInvalid(R"({"\u0073ub":"1","sub":"2"})");  // escapes that spell the same name
  ExpectInvalid(R"({"sub":"1","\u0073\u0075\u0062":"2"})");
  ExpectInvalid(R"({"s\/b":1,"s/b":2})");
  ExpectInvalid(R"({"\ud83d\ude00":1,"😀":2})");
  ExpectInvalid(R"({"x":{"deep":[{"k":1,"k":2}]}})");
  ExpectInvalid(R"({"preferred_username":1,"preferred_username":2})");  // longer than a name key
  ExpectValid(R"({"preferred_username":1,"preferred_usernamf":2,"preferred_username_":3})");
  ExpectValid(R"({"abcdefg":1,"abcdefgh":2,"abcdefgi":3})");  // same first seven bytes
  ExpectValid(R"({"a":1,"\u0041":2})");                       // case differs
}

TEST(JsonScanTest, RefusesDuplicatesInLargeObjects) {
  // Objects past the linear-comparison limit are checked by sorting their names.
  std::string big = "{";
  for (int i = 0; i < 200; ++i) big += (i ? ",\"" : "\"") + std::string("claim_") + std::to_string(i) + "\":" + std::to_string(i);
  ExpectValid(big + "}");
  ExpectInvalid(big + ",\"claim_7\":0}");
  ExpectInvalid(big + ",\"claim_\\u0037\":0}");
  ExpectInvalid("{\"nested\":" + big + ",\"claim_199\":0}}");
  ExpectValid("{\"nested\":" + big + "},\"claim_199\":0}");  // the same name in another object
}

TEST(JsonScanTest, RefusesInvalidUtf8AndLoneSurrogates) {
  for (std::string_view text : {
           "{\"a\":\"\xc3(\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xe0\x80\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
           "{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":\"\xff\"}", "{\"a\":\"\x80\"}", "{\"\xe2\x82\":1}",
           "{\"a\":\"\xe2\x82", R"({"a":"\ud800"})", R"({"a":"\udc00"})", R"({"a":"\ud800x"})",
           R"({"a":"\ud800\u0041"})", R"({"a":"\ud83d\n"})", R"({"\udfff":1})", "\xef\xbb\xbf{}",
       }) {
    ExpectInvalid(text);
  }
}

TEST(JsonScanTest, RefusesControlCharactersAndBadEscapes) {
  for (std::string_view text : std::initializer_list<std::string_view>{
           std::string_view("{\"a\":\"x\0y\"}", 11), "{\"a\":\"x\ny\"}", "{\"a\":\"\t\"}", "{\"a\x1f\":1}",
           R"({"a":"\x41"})", R"({"a":"\a"})", R"({"a":"\u12"})", R"({"a":"\u12G4"})", R"({"a":"\U0041"})",
           R"({"a":"\'"})", "{\"a\":\"\\", "{\"a\":\"abc",
       }) {
    ExpectInvalid(text);
  }
}

TEST(JsonScanTest, RefusesSyntaxErrors) {
  for (std::string_view text : std::initializer_list<std::string_view>{
           "", " ", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,\"a\":1}", "{\"a\":1 \"b\":2}", "[1,]",
           "[1,,2]", "{'a':1}", "{a:1}", "{\"a\":1}{}", "{\"a\":1} x", "{\"a\":1}\f", "\v{}", "{\"a\":tru}",
           "{\"a\":nul}", "{\"a\":True}", "{\"a\":NaN}", "{\"a\":-Infinity}", "{\"a\":undefined}", "/*c*/{}",
           "{\"a\":[1 2]}", "{\"a\":[\"x\" \"y\"]}", "{\"a\":[}", "{\"a\":]}", "{\"a\"::1}", "{\"a\":1:2}",
           std::string_view("{}\0", 3), "\xc2\xa0{}",
       }) {
    ExpectInvalid(text);
  }
}

TEST(JsonScanTest, NumbersFollowTheGrammarAndLimits) {
  for (std::string_view bad : {"01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "1.e3", "--1", "-a", "1_000", "00",
                               "-01", "1e400", "-1e400", "1e309"}) {
    ExpectInvalid("{\"n\":" + std::string(bad) + "}");
    ExpectInvalid(bad);
  }
  ExpectValid("{\"n\":" + std::string(kMaxJsonNumberChars, '9') + "}");
  ExpectInvalid("{\"n\":" + std::string(kMaxJsonNumberChars + 1, '9') + "}");
  ExpectInvalid("{\"n\":0." + std::string(kMaxJsonNumberChars, '1') + "}");
  ExpectInvalid("{\"n\":" + std::string(5000, '9') + "}");
  ExpectValid(R"({"n":1e-400,"m":-1e-400,"k":1.7976931348623157e308})");
  // Plain integers are read by the scanner up to 18 digits (JsonMember::integer).
  ExpectValid(R"({"a":999999999999999999,"b":1000000000000000000,"c":-5,"d":0,"e":7,"f":12.0})");
  ExpectValid(R"({ "a" : 999999999999999999 , "b" : 99999999999999999999999 , "c" : -5 })");
}

TEST(JsonScanTest, LimitsNestingDepth) {
  ExpectValid(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']'));
  ExpectInvalid(std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']'));
  std::string objects;
  for (int i = 0; i < kMaxJsonDepth; ++i) objects += "{\"a\":";
  ExpectValid(objects + "1" + std::string(kMaxJsonDepth, '}'));
  ExpectInvalid(objects + "{\"a\":1" + std::string(kMaxJsonDepth + 1, '}'));
  ExpectInvalid(std::string(100000, '['));  // no stack overflow
  ExpectInvalid("{\"a\":" + std::string(100000, '['));
}

TEST(JsonScanTest, FastPathTakesTypicalTokensAndLeavesTheRestToTheGeneralPath) {
  // Whatever path runs, the results must be the same (Agrees checks); here both kinds of text
  // are run, including ones the fast path gives up on half-way.
  for (std::string_view text : {
           R"({"alg":"HS256","typ":"JWT","kid":"k"})", R"({"a":"x","b":{"c":1}})", R"({"a":"x","b":"\u0041"})",
           R"({"a":"x", "b":1})", R"({"a":[1,[2]]})", R"({"a":[1,"x",true,null,-2.5]})", "{\"a\":\"\xc3\xa9\"}",
           R"({"a":1,"a":2})", R"({"a":"x","b":tru})", R"({"a":[1,]})", R"({"a":01})", "{\"a\":\"x\"} ",
       }) {
    Agrees(text);
  }
}

TEST(JsonScanTest, AgreesWithTheParserOnMutatedTexts) {
  // Deterministic mutations of valid texts: every verdict and member list must match the parser.
  const std::vector<std::string> seeds = {
      R"({"iss":"stockroom","sub":"42","aud":["a","b"],"iat":1750000000,"exp":1.75e9,"x":{"y":[null,true]}})",
      R"({"\u0073ub":"\ud83d\ude00","n":-0.5E-3,"e":"","s":"a\"b\\c"})",
      "{\"k\":\"\xc3\xa9\",\"l\":[1,2,3],\"m\":{}}",
  };
  const std::string alphabet = "{}[]:,\"\\u0123456789abcdefABCDEF.eE+-tfn \t\n\xc3\xa9\xed\xa0\x80\xff";
  std::mt19937 random(12345);
  int valid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[random() % seeds.size()];
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = random() % text.size();
      switch (random() % 3) {
        case 0: text[at] = alphabet[random() % alphabet.size()]; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), alphabet[random() % alphabet.size()]); break;
        default: text.erase(at, 1); break;
      }
    }
    valid += Agrees(text) ? 1 : 0;
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(valid, 100);  // the mutations reach both verdicts
}

TEST(JsonScanTest, UnescapesLikeTheParser) {
  for (std::string_view text : {R"("plain")", R"("\"\\\/\b\f\n\r\t")", R"("\u0041\u00e9\u20ac\ud83d\ude00\u0000")",
                                R"("mixed \u0041 text \n end")"}) {
    auto parsed = ParseStrictJson(text, Errc::kPayloadJson);
    ASSERT_TRUE(parsed) << text;
    std::string out;
    AppendUnescaped(text.substr(1, text.size() - 2), out);
    EXPECT_EQ(out, std::string_view(parsed->get_string()));
  }
}

TEST(JsonScanTest, ConvertsNumbersLikeTheParser) {
  for (std::string_view literal :
       {"0", "-0", "7", "1750000000", "253402300799", "999999999999999999", "1000000000000000000",
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "-9223372036854775808", "-9223372036854775809", "1.5", "1e3", "-2.5E-3", "1e-400", "12345678.9"}) {
    auto parsed = ParseStrictJson(literal, Errc::kPayloadJson);
    ASSERT_TRUE(parsed) << literal;
    JsonNumber number;
    ASSERT_EQ(ConvertJsonNumber(literal, number), nullptr) << literal;
    switch (number.type) {
      case JsonNumber::Type::kInt64: EXPECT_TRUE(parsed->is_int64() && parsed->get_int64() == number.int64) << literal; break;
      case JsonNumber::Type::kUint64: EXPECT_TRUE(parsed->is_uint64() && parsed->get_uint64() == number.uint64) << literal; break;
      case JsonNumber::Type::kDouble: EXPECT_TRUE(parsed->is_double() && parsed->get_double() == number.real) << literal; break;
    }
  }
  JsonNumber number;
  EXPECT_NE(ConvertJsonNumber("1e400", number), nullptr);
}

TEST(JsonScanTest, ReadsArrayElements) {
  const std::string_view array = R"([ "a" , "b\"c" ,1,-2.5e1,[1,[2,"]"]],{"k":"}"},true,false,null ])";
  ASSERT_TRUE(Agrees(array));
  JsonArrayReader reader(array);
  JsonKind kind;
  std::string_view raw;
  bool escaped = false;
  std::vector<std::pair<JsonKind, std::string>> seen;
  while (reader.Next(kind, raw, escaped)) seen.emplace_back(kind, std::string(raw) + (escaped ? "*" : ""));
  const std::vector<std::pair<JsonKind, std::string>> expected = {
      {JsonKind::kString, "a"},        {JsonKind::kString, R"(b\"c*)"}, {JsonKind::kNumber, "1"},
      {JsonKind::kNumber, "-2.5e1"},   {JsonKind::kArray, R"([1,[2,"]"]])"}, {JsonKind::kObject, R"({"k":"}"})"},
      {JsonKind::kTrue, "true"},       {JsonKind::kFalse, "false"},     {JsonKind::kNull, "null"},
  };
  EXPECT_EQ(seen, expected);
  JsonArrayReader empty("[ ]");
  EXPECT_FALSE(empty.Next(kind, raw, escaped));
}

TEST(JsonScanTest, NameKeysAndLookups) {
  EXPECT_EQ(NameKey("abc"), NameKey("abc"));
  EXPECT_NE(NameKey("abc"), NameKey("abd"));
  EXPECT_NE(NameKey("abc"), NameKey("abc "));
  EXPECT_NE(NameKey(""), NameKey(std::string_view("\0", 1)));
  EXPECT_EQ(NameKey("abcdefgh"), NameKey("abcdefgX"));  // same length and first seven bytes
  const std::string text = R"({"sub":"1","\u0065xp":2,"preferred_username":"e","preferred_usernamX":"f"})";
  Scan scan = DoScan(text, true);
  ASSERT_TRUE(scan.ok);
  const JsonMember* exp = FindMember(text, scan.members.begin(), scan.members.end(), "exp");
  ASSERT_NE(exp, nullptr);
  EXPECT_TRUE(exp->name_escaped);
  EXPECT_EQ(exp->RawValue(text), "2");
  const JsonMember* user = FindMember(text, scan.members.begin(), scan.members.end(), "preferred_usernamX");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->RawValue(text), "f");
  EXPECT_EQ(FindMember(text, scan.members.begin(), scan.members.end(), "ex"), nullptr);
  EXPECT_EQ(FindMember(text, scan.members.begin(), scan.members.end(), "\\u0065xp"), nullptr);
}

TEST(JsonScanTest, SmallVectorMovesToTheHeapAndBack) {
  SmallVector<int, 4> v;
  for (int i = 0; i < 10; ++i) v.push_back(i);
  ASSERT_EQ(v.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(v[i], i);
  v.truncate(3);
  v.push_back(42);
  EXPECT_EQ(v.size(), 4u);
  EXPECT_EQ(v[3], 42);
  SmallVector<int, 4> copy = v;
  SmallVector<int, 4> moved = std::move(v);
  EXPECT_EQ(copy.size(), 4u);
  EXPECT_EQ(moved.size(), 4u);
  EXPECT_EQ(moved[3], 42);
  EXPECT_TRUE(v.empty());  // NOLINT(bugprone-use-after-move): cleared by contract
  SmallVector<int, 4> small;
  small.push_back(1);
  SmallVector<int, 4> small_moved = std::move(small);
  EXPECT_EQ(small_moved.size(), 1u);
  EXPECT_EQ(small_moved[0], 1);
}

}  // namespace
}  // namespace stockroom::jose::detail
