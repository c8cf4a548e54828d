#include "stockroom/inventory/item.h"

#include <gtest/gtest.h>

namespace stockroom::inventory {
namespace {

TEST(ItemTest, SkuAllowsOnlyTheDocumentedAlphabet) {
  EXPECT_FALSE(CheckSku("FST-ISO4017-M3x10-A2"));
  EXPECT_FALSE(CheckSku("002.01-PCB"));
  EXPECT_FALSE(CheckSku("R_10R_0402_1pct"));
  EXPECT_TRUE(CheckSku(""));
  EXPECT_TRUE(CheckSku(std::string(65, 'A')));
  EXPECT_FALSE(CheckSku(std::string(64, 'A')));
  EXPECT_TRUE(CheckSku("A B"));
  EXPECT_TRUE(CheckSku("Ä"));
  EXPECT_TRUE(CheckSku("a/b"));
}

TEST(ItemTest, NameCountsCodePointsNotBytes) {
  std::string two_hundred_umlauts;
  for (int i = 0; i < 200; ++i) two_hundred_umlauts += "ä";
  EXPECT_FALSE(CheckName(two_hundred_umlauts));
  EXPECT_TRUE(CheckName(two_hundred_umlauts + "x"));
  EXPECT_TRUE(CheckName(""));
}

TEST(ItemTest, TextRejectsInvalidUtf8AndControlCharacters) {
  EXPECT_TRUE(CheckText("\xff", 10, true));
  EXPECT_TRUE(CheckText("\xc0\xaf", 10, true));       // overlong '/'
  EXPECT_TRUE(CheckText("\xed\xa0\x80", 10, true));   // UTF-16 surrogate
  EXPECT_TRUE(CheckText("a\x01", 10, true));
  EXPECT_FALSE(CheckText("line one\nline two", 100, true));
  EXPECT_TRUE(CheckText("line one\nline two", 100, false));
  EXPECT_FALSE(CheckText("ï¿½", 10, false));
  // Tab only in multi-line text; C1 controls (U+0080-U+009F) and DEL nowhere.
  EXPECT_TRUE(CheckText("a\tb", 10, false));
  EXPECT_FALSE(CheckText("a\tb", 10, true));
  EXPECT_TRUE(CheckText("a\xc2\x85" "b", 10, true));  // U+0085 NEXT LINE
  EXPECT_TRUE(CheckText("a\xc2\x9f", 10, false));
  EXPECT_TRUE(CheckText("a\x7f", 10, true));
  EXPECT_FALSE(CheckText("\xc2\xa0\xc2\xbf", 10, false));  // U+00A0, U+00BF are text
}

TEST(ItemTest, Utf8LengthCountsCodePoints) {
  EXPECT_EQ(Utf8Length("M3×10"), 5u);
  EXPECT_EQ(Utf8Length("Bauteile → Widerstände"), 22u);
  EXPECT_EQ(Utf8Length("\xf0\x9f\x94\xa9"), 1u);  // U+1F529 nut and bolt
  EXPECT_FALSE(Utf8Length("\xf0\x9f\x94"));        // truncated
}

TEST(ItemTest, ChangesApplyOnlyWhatIsSet) {
  ItemFields fields;
  fields.sku = "A";
  fields.name = "old";
  ItemChanges changes;
  EXPECT_TRUE(changes.empty());
  changes.name = "new";
  changes.ApplyTo(fields);
  EXPECT_EQ(fields.sku, "A");
  EXPECT_EQ(fields.name, "new");
  EXPECT_FALSE(changes.empty());
}

TEST(ItemTest, KindNamesRoundTrip) {
  for (ItemKind kind : {ItemKind::kRawMaterial, ItemKind::kComponent, ItemKind::kFinishedGood}) {
    EXPECT_EQ(ItemKindFromName(ItemKindName(kind)), kind);
  }
  EXPECT_FALSE(ItemKindFromName("Component"));
}

}  // namespace
}  // namespace stockroom::inventory
