#include "stockroom/inventory/location.h"

#include <gtest/gtest.h>

namespace stockroom::inventory {
namespace {

TEST(LocationCode, AcceptsPrintableUnicodeWithoutSlashOrOuterSpace) {
  for (const char* code : {"WH1-A01-02", "Schubladen Stahl", "Lager Süd", "倉庫", "Room 101", "x"}) {
    EXPECT_FALSE(CheckLocationCode(code)) << code;
  }
  EXPECT_FALSE(CheckLocationCode(std::string(64, 'a')));
}

TEST(LocationCode, RefusesWhatCannotNameALocation) {
  EXPECT_EQ(CheckLocationCode(""), "must not be empty");
  EXPECT_EQ(CheckLocationCode("a/b"), "must not contain '/'");
  for (const char* code : {" a", "a ", "a\xc2\xa0", "\xe3\x80\x80" "a"}) {
    EXPECT_EQ(CheckLocationCode(code), "must not have leading or trailing whitespace") << code;
  }
  EXPECT_FALSE(CheckLocationCode("Bin\xc2\xa0" "1"));  // a no-break space inside is fine
  EXPECT_TRUE(CheckLocationCode("."));   // a URL resolver would read these as path steps
  EXPECT_TRUE(CheckLocationCode(".."));
  EXPECT_FALSE(CheckLocationCode("..."));
  EXPECT_FALSE(CheckLocationCode(".hidden"));
  EXPECT_TRUE(CheckLocationCode(std::string(65, 'a')));
  EXPECT_TRUE(CheckLocationCode("a\nb"));           // control character
  EXPECT_TRUE(CheckLocationCode("a\xc2\x85" "b"));  // C1 control
  EXPECT_TRUE(CheckLocationCode("\xff"));           // not UTF-8
  EXPECT_EQ(CheckLocationCode(std::string(64, 'a') + "\xc3\xa4").value_or(""), "must be at most 64 characters");
}

TEST(LocationRef, SplitsPathsAndNamesTheBadSegment) {
  auto parsed = ParseLocationRef("Factory/Office Block/Room 101");
  ASSERT_TRUE(parsed.ref);
  EXPECT_EQ(parsed.ref->segments, (std::vector<std::string>{"Factory", "Office Block", "Room 101"}));
  EXPECT_EQ(JoinLocationPath(parsed.ref->segments), "Factory/Office Block/Room 101");

  auto empty_segment = ParseLocationRef("Factory//Room");
  ASSERT_FALSE(empty_segment.ref);
  EXPECT_EQ(empty_segment.error.segment, 1u);
  EXPECT_EQ(empty_segment.error.message, "segment 2 (\"\") must not be empty");

  auto spaced = ParseLocationRef("Factory/ Room");
  ASSERT_FALSE(spaced.ref);
  EXPECT_NE(spaced.error.message.find("segment 2"), std::string::npos);

  EXPECT_FALSE(ParseLocationRef("").ref);
  EXPECT_FALSE(ParseLocationRef("/Factory").ref);
  EXPECT_FALSE(ParseLocationRef("Factory/").ref);
  std::string deep = "a";
  for (int i = 0; i < 16; ++i) deep += "/a";  // 17 levels
  EXPECT_FALSE(ParseLocationRef(deep).ref);
}

}  // namespace
}  // namespace stockroom::inventory
