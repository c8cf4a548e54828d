#include "stockroom/inventory/movement.h"

#include <gtest/gtest.h>

namespace stockroom::inventory {
namespace {

Decimal D(std::string_view text) { return *Decimal::Parse(text).value; }

TEST(Movement, TypesRoundTripByName) {
  for (auto type : {MovementType::kReceive, MovementType::kIssue, MovementType::kTransfer, MovementType::kCount,
                    MovementType::kReverse}) {
    EXPECT_EQ(MovementTypeFromName(MovementTypeName(type)), type);
  }
  EXPECT_FALSE(MovementTypeFromName("Receive"));
  EXPECT_FALSE(MovementTypeFromName(""));
}

TEST(Movement, SignedQuantitiesShowTheirSign) {
  EXPECT_EQ(FormatSignedUnits(-3'500'000, 0), "-3.5");
  EXPECT_EQ(FormatSignedUnits(12'000'000, 2), "12.00");
  EXPECT_EQ(FormatSignedUnits(0, 0), "0");
  EXPECT_EQ(FormatSignedUnits(-1, 0), "-0.000001");
}

TEST(Movement, OnlyACountHasADifference) {
  Movement count;
  count.type = MovementType::kCount;
  count.quantity = D("6.50");
  count.lines.push_back({"WH1", "", -3'500'000, D("6.50")});
  EXPECT_EQ(CountDifference(count), "-3.50");
  count.lines.front().delta_units = 0;
  EXPECT_EQ(CountDifference(count), "0.00");
  Movement receive = count;
  receive.type = MovementType::kReceive;
  EXPECT_FALSE(CountDifference(receive));
}

TEST(Movement, LotsAreSingleLineWithoutOuterWhitespace) {
  EXPECT_FALSE(CheckLot(""));
  EXPECT_FALSE(CheckLot("2026-11-A"));
  EXPECT_FALSE(CheckLot("BATCH-123 SN 15"));
  EXPECT_FALSE(CheckLot(std::string(64, 'L')));
  EXPECT_TRUE(CheckLot(std::string(65, 'L')));
  EXPECT_TRUE(CheckLot(" L"));
  EXPECT_TRUE(CheckLot("L "));
  EXPECT_TRUE(CheckLot("L\n1"));
  // NBSP, U+3000, U+2003, U+202F, U+205F, U+1680, U+2028, U+200B, U+FEFF, tab
  for (const char* lot : {"L\xc2\xa0", "\xe3\x80\x80L", "L\xe2\x80\x83", "L\xe2\x80\xaf", "\xe2\x81\x9fL",
                          "\xe1\x9a\x80L", "L\xe2\x80\xa8", "\xe2\x80\x8bL", "\xef\xbb\xbfL", "\tL"}) {
    EXPECT_TRUE(CheckLot(lot)) << lot;
  }
  EXPECT_FALSE(CheckLot("L\xc2\xa0" "1"));  // inside is fine
}

TEST(Movement, PrecisionCountsSignificantFractionDigits) {
  EXPECT_TRUE(FitsPrecision(D("3"), 0));
  EXPECT_TRUE(FitsPrecision(D("3.000"), 0));  // trailing zeros are not significant
  EXPECT_FALSE(FitsPrecision(D("3.5"), 0));
  EXPECT_TRUE(FitsPrecision(D("37.4904"), 4));
  EXPECT_FALSE(FitsPrecision(D("37.49041"), 4));
  EXPECT_TRUE(FitsPrecision(D("0.000001"), 6));
}

TEST(Movement, ChecksWhatEachTypeMustName) {
  ItemFields item;
  MovementRequest receive{MovementType::kReceive, 1, D("2"), "", "BIN", "", "", "", "", 0};
  EXPECT_FALSE(CheckMovement(receive, item));
  receive.to_location.clear();
  EXPECT_EQ(CheckMovement(receive, item)->field, "to_location");
  receive.to_location = "BIN";
  receive.from_location = "OTHER";
  EXPECT_EQ(CheckMovement(receive, item)->field, "from_location");

  MovementRequest transfer{MovementType::kTransfer, 1, D("2"), "A", "", "", "", "", "", 0};
  EXPECT_EQ(CheckMovement(transfer, item)->field, "to_location");
  MovementRequest count{MovementType::kCount, 1, D("0"), "", "", "A", "", "", "", 0};
  EXPECT_FALSE(CheckMovement(count, item));  // counting zero is a valid count
  MovementRequest issue{MovementType::kIssue, 1, D("0"), "A", "", "", "", "", "", 0};
  EXPECT_EQ(CheckMovement(issue, item)->field, "quantity");

  item.lot_tracked = true;
  issue.quantity = D("1");
  EXPECT_EQ(CheckMovement(issue, item)->field, "lot");
  issue.lot = "L1";
  EXPECT_FALSE(CheckMovement(issue, item));
  item.precision = 0;
  issue.quantity = D("1.5");
  EXPECT_EQ(CheckMovement(issue, item)->field, "quantity");
}

}  // namespace
}  // namespace stockroom::inventory
